package io.github.basis4j.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.Models;
import io.github.basis4j.models.dsfb.FusedCifarResNet;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.data.ColorMode;
import io.github.basis4j.nn.data.Image;
import io.github.basis4j.nn.data.ImageFolderReader;
import io.github.basis4j.nn.data.Interpolation;
import io.github.basis4j.nn.data.Transforms;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The predictor on a ResNet-32 with seeded random weights: inputs agree, threads agree, bad input is named. */
class PredictorTest {
    private static final String NAME = "ResNet32";
    private static final int SIDE = 32;
    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 2;

    @TempDir
    static Path dir;
    static Path weights;
    static Module reference;
    static Model model;

    @BeforeAll
    static void saveAndLoad() throws IOException {
        reference = Models.create(NAME, ModelOptions.builder().optSeed(7).build());
        // Running statistics other than 0 and 1, so that the test sees whether eval mode uses them.
        Rng rng = Rng.of(3);
        for (Map.Entry<String, Tensor> e : reference.stateDict().entrySet()) {
            if (e.getKey().endsWith("running_var")) for (int i = 0; i < e.getValue().size(); i++) e.getValue().set(i, 0.5f + rng.nextFloat());
            if (e.getKey().endsWith("running_mean")) for (int i = 0; i < e.getValue().size(); i++) e.getValue().set(i, rng.nextFloat() - 0.5f);
        }
        reference.eval();
        weights = dir.resolve("resnet32.safetensors");
        Safetensors.write(weights, reference.stateDict(), Map.of());
        model = Model.load(NAME, weights);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void loadsTheReferenceSetupAndTheWeights() {
        assertThat(model.name()).isEqualTo(NAME);
        assertThat(model.inputSize()).isEqualTo(new InputSize(SIDE, SIDE, 3));
        assertThat(model.labels()).containsExactly("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
        assertThat(model.preprocessing().mean()).containsExactly(ReferenceInputs.IMAGENET_MEAN);
        Tensor x = Tensor.uniform(Shape.of(2, SIDE, SIDE, 3), -1, 1, 11);
        assertThat(model.predictor().logits(x).toArray()).containsExactly(forward(reference, x));
    }

    /**
     * A CIFAR ResNet predicts through its fused copy (batch norms folded): the bits of
     * {@link FusedCifarResNet#forward}, and the unfused module's logits within 1e-5 relative (plus 1e-5 of the
     * image's largest logit, for logits near zero).
     */
    @Test
    void aCifarResNetRunsFusedAndAgreesWithTheModule() {
        assertThat(model.isFused()).isTrue();
        Tensor x = Tensor.uniform(Shape.of(3, SIDE, SIDE, 3), -1, 1, 12);
        float[] got = model.predictor().logits(x).toArray();
        assertThat(bits(got)).containsExactly(bits(FusedCifarResNet.fuse(reference).forward(x).toArray()));
        float[] unfused;
        try (NoGrad ignored = NoGrad.enter()) {
            unfused = reference.forward(Variable.constant(x)).value().toArray();
        }
        boolean anyDiffers = false;
        for (int i = 0; i < 3; i++) {
            double scale = 0;
            for (int j = 0; j < 10; j++) scale = Math.max(scale, Math.abs(unfused[i * 10 + j]));
            for (int j = 0; j < 10; j++) {
                float e = unfused[i * 10 + j], a = got[i * 10 + j];
                anyDiffers |= e != a;
                assertThat((double) Math.abs(a - e)).as("image %d logit %d: fused %s vs module %s", i, j, a, e)
                        .isLessThanOrEqualTo(1e-5 * Math.abs(e) + 1e-5 * scale);
            }
        }
        // Folding rounds differently: identical bits would mean the module ran, not the fused network.
        assertThat(anyDiffers).isTrue();
    }

    @Test
    void imageArrayAndTensorInputsGiveTheSameLogits() {
        BufferedImage img = randomImage(SIDE, SIDE, 5);
        Image pre = model.preprocessing().apply(img);
        float[] expected = forward(reference, Tensor.wrap(pre.data(), Shape.of(1, SIDE, SIDE, 3)));
        Predictor p = model.predictor();
        assertThat(p.logits(img)).containsExactly(expected);
        float[] nchw = Tensor.wrap(pre.data(), Shape.of(1, SIDE, SIDE, 3)).nhwcToNchw().toArray();
        assertThat(p.logits(nchw)).containsExactly(expected);
        assertThat(p.logits(Tensor.wrap(pre.data().clone(), Shape.of(1, SIDE, SIDE, 3))).toArray()).containsExactly(expected);

        List<Classification> top = p.classify(img, 10);
        assertThat(top).hasSize(10);
        double sum = 0;
        for (int i = 0; i < top.size(); i++) {
            Classification c = top.get(i);
            assertThat(c.label()).isEqualTo(model.labels().get(c.index()));
            if (i > 0) assertThat(c.probability()).isLessThanOrEqualTo(top.get(i - 1).probability());
            sum += c.probability();
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        int argmax = 0;
        for (int c = 1; c < expected.length; c++) if (expected[c] > expected[argmax]) argmax = c;
        assertThat(p.classify(nchw, 1)).singleElement().extracting(Classification::index).isEqualTo(argmax);
    }

    @Test
    void nonFiniteInputsAreRefusedNamingSampleAndIndex() {
        Predictor p = model.predictor();
        float[] nchw = new float[3 * SIDE * SIDE];
        nchw[2 * SIDE * SIDE + 4 * SIDE + 7] = Float.POSITIVE_INFINITY;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.classify(nchw, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Predictor: input holds Infinity in sample 0 at [c=2, h=4, w=7] of [N=1, C=3, H=32, W=32]");
        Tensor batch = Tensor.zeros(2, SIDE, SIDE, 3);
        batch.set(SIDE * SIDE * 3 + 1, Float.NaN);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.logits(batch)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Predictor: batch holds NaN in sample 1 at [h=0, w=0, c=1] of [N=2, H=32, W=32, C=3]");
    }

    @Test
    void anImageOfAnotherSizeIsResizedAndCroppedFirst() {
        BufferedImage img = randomImage(40, 56, 9);
        Image decoded = ImageFolderReader.toImage(img, ColorMode.RGB);
        // torchvision: Resize(32) makes it 32x44, CenterCrop(32) cuts columns 6..37; then the ImageNet statistics.
        Image fitted = Transforms.compose(Transforms.resizeShorterSide(SIDE), Transforms.centerCrop(SIDE, SIDE),
                Transforms.normalize(ReferenceInputs.IMAGENET_MEAN, ReferenceInputs.IMAGENET_STD)).apply(decoded, Rng.of(0));
        assertThat(model.predictor().logits(img)).containsExactly(forward(reference, Tensor.wrap(fitted.data(), Shape.of(1, SIDE, SIDE, 3))));
    }

    @Test
    void eightThreadsGiveTheBitsOfSequentialCalls() throws Exception {
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < THREADS * CALLS_PER_THREAD; i++) images.add(randomImage(SIDE + i % 3, SIDE + 2 * (i % 2), 100 + i));
        Predictor p = model.predictor();
        List<float[]> sequential = new ArrayList<>();
        for (BufferedImage img : images) sequential.add(p.logits(img));

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Callable<Map<Integer, float[]>>> jobs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int first = t;
                jobs.add(() -> {
                    Map<Integer, float[]> out = new LinkedHashMap<>();
                    // Interleaved indices, so that threads run different images at the same moment.
                    for (int i = first; i < images.size(); i += THREADS) out.put(i, p.logits(images.get(i)));
                    return out;
                });
            }
            int seen = 0;
            for (Future<Map<Integer, float[]>> f : pool.invokeAll(jobs)) {
                for (Map.Entry<Integer, float[]> e : f.get().entrySet()) {
                    assertThat(bits(e.getValue())).as("image %d", e.getKey()).containsExactly(bits(sequential.get(e.getKey())));
                    seen++;
                }
            }
            assertThat(seen).isEqualTo(images.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badInputIsNamed() {
        Predictor p = model.predictor();
        assertThatThrownBy(() -> p.logits(new float[3000])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ResNet32").hasMessageContaining("NCHW [1, 3, 32, 32] = 3072 floats, got 3000 floats");
        assertThatThrownBy(() -> p.logits(Tensor.zeros(1, 3, 32, 32))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NHWC [N, 32, 32, 3]").hasMessageContaining("got [1, 3, 32, 32]");
        assertThatThrownBy(() -> p.classify(new float[3072], 11)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topK must be in [1, 10]").hasMessageContaining("got 11");
        assertThatThrownBy(() -> p.classify(new float[3072], 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> p.logits(new Image(32, 32, 1, new float[1024]))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3-channel images");
        assertThatThrownBy(() -> p.logits((BufferedImage) null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
    }

    @Test
    void badModelNamesFilesAndWeightsAreNamed() {
        assertThatThrownBy(() -> Model.load("ResNet33", weights)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown model 'ResNet33'").hasMessageContaining("cifar10/ResNet32");
        Path missing = dir.resolve("nothing-here.safetensors");
        assertThatThrownBy(() -> Model.load(NAME, missing)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("no weights file for ResNet32");
        assertThatThrownBy(() -> Model.load("ResNet20", weights)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not hold weights for ResNet20").hasMessageContaining("unexpected keys [layer1.3.conv1.weight");
        assertThatThrownBy(() -> Model.load(NAME, weights, Model.Options.builder().optNumClasses(100).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shape mismatches [fc.weight: expected [100, 64], got [10, 64]");
        assertThatThrownBy(() -> Model.load(NAME, weights, Model.Options.builder().optInChannels(1).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RGB").hasMessageContaining("optPreprocessing");
        assertThatThrownBy(() -> Model.load(NAME, weights, Model.Options.builder().optLabels(List.of("a", "b")).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10 outputs but 2 labels");
    }

    /**
     * A small MetaFormer is built for 28×28 grey images and 10 classes: the model's own channels and classes,
     * not the reference MetaFormers' 3 and 1000, and the grey reference pipeline (bicubic, luma statistics).
     */
    @Test
    void aSmallGreyMetaFormerLoadsWithItsOwnShape() throws IOException {
        Module net = Models.create("dfformer_fmnist", ModelOptions.builder().optSeed(4).build());
        net.eval();
        Path small = dir.resolve("dfformer_fmnist.safetensors");
        Safetensors.write(small, net.stateDict(), Map.of());
        try (Model m = Model.load("dfformer_fmnist", small)) {
            assertThat(m.isFused()).isFalse();
            assertThat(m.inputSize()).isEqualTo(new InputSize(28, 28, 1));
            assertThat(m.numClasses()).isEqualTo(10);
            assertThat(m.preprocessing()).isEqualTo(Model.referencePreprocessing("metaformer/dfformer_fmnist", m.inputSize()));
            assertThat(m.preprocessing().interpolation()).isEqualTo(Interpolation.BICUBIC);
            BufferedImage img = randomImage(36, 30, 12);
            Image pre = m.preprocessing().apply(img);
            assertThat(m.predictor().logits(img)).containsExactly(forward(net, Tensor.wrap(pre.data(), Shape.of(1, 28, 28, 1))));
        }
        assertThatThrownBy(() -> Model.referencePreprocessing("dfformer_fmnist", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size must not be null");
    }

    @Test
    void aClosedModelRefusesToPredict() throws IOException {
        Model m = Model.load(NAME, weights);
        Predictor p = m.predictor();
        m.close();
        m.close();
        assertThat(m.isClosed()).isTrue();
        assertThatThrownBy(() -> p.logits(new float[3072])).isInstanceOf(IllegalStateException.class).hasMessageContaining("ResNet32 is closed");
        assertThatThrownBy(m::predictor).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    }

    /** What the predictor must give: the fused network's logits for a CIFAR ResNet, else the module's. */
    private static float[] forward(Module net, Tensor nhwc) {
        var fused = FusedCifarResNet.tryFuse(net);
        if (fused.isPresent()) return fused.get().forward(nhwc).toArray();
        try (NoGrad ignored = NoGrad.enter()) {
            return net.forward(Variable.constant(nhwc)).value().toArray();
        }
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }

    static BufferedImage randomImage(int h, int w, long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        return img;
    }
}
