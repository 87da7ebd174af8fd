package io.github.basis4j.bench;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.Models;
import io.github.basis4j.models.dsfb.CifarResNet;
import io.github.basis4j.models.dsfb.DsfbRegularizer;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Arith;
import io.github.basis4j.nn.loss.CrossEntropy;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.optim.ParamGroup;
import io.github.basis4j.nn.optim.Sgd;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * The networks of the models group, built from a workload's shape string (see {@code benchmarks/workloads.py}):
 * a model token, then its options and the batch {@code n}.
 * <pre>
 *   resnet32_n128                 cifar10/ResNet32, input [n, 32, 32, 3]
 *   dsresnet32_s16_u1_n128        cifar10/ResNet32_DoubleShared, shared rank s, unique rank u
 *   dfformer18_r224_n1            metaformer/dfformer_s18 at r×r, input [n, r, r, 3]
 *   cdfformer18_r224_n8           metaformer/cdfformer_s18
 * </pre>
 * With {@code -Dbasis4j.bench.weights=DIR} (set by the comparison script after
 * {@code benchmarks/reference_models.py prepare DIR}) the model takes the reference's weights from
 * {@code DIR/<token>.safetensors}, and {@link #checkAgainstReference} compares its eval logits with the
 * reference's in {@code DIR/<token>.check.safetensors}; without it the model keeps its own initialisation.
 */
final class BenchModels {
    /** The property naming the directory of reference weights. */
    static final String WEIGHTS = "basis4j.bench.weights";
    /**
     * Logits of 32 layers (or a 224² MetaFormer with FFTs) summed in another order than PyTorch's differ by
     * ~1e-5 of the largest logit; a wrong weight or wiring is off by order 1.
     */
    static final double LOGIT_TOLERANCE = 1e-3;

    /** train_cifar10.py's optimiser: SGD, learning rate 0.1, momentum 0.9, weight decay 5e-4. */
    static final double LR = 0.1, MOMENTUM = 0.9, WEIGHT_DECAY = 5e-4;

    private BenchModels() {
    }

    /** A built model: its token ({@code dsresnet32}), the module, the batch input and the image side. */
    record Built(String token, Module module, int batch, int size) {
        /** Whether this is one of the CIFAR-10 ResNets (the only ones with a training step and an ONNX file). */
        boolean isCifar() {
            return module instanceof CifarResNet;
        }
    }

    /** The model of {@code shape}, with the reference's weights when {@code -Dbasis4j.bench.weights} names them. */
    static Built build(String shape) {
        ShapeSpec s = ShapeSpec.parse(shape);
        int n = s.get("n");
        Built b;
        if (s.get("resnet", -1) == 32) {
            b = new Built("resnet32", Models.create("cifar10/ResNet32", ModelOptions.builder().optSeed(0).build()), n, 32);
        } else if (s.get("dsresnet", -1) == 32) {
            b = new Built("dsresnet32", Models.create("cifar10/ResNet32_DoubleShared", ModelOptions.builder()
                    .optSharedRank(s.get("s")).optUniqueRank(s.get("u")).optSeed(0).build()), n, 32);
        } else if (s.get("dfformer", -1) == 18 || s.get("cdfformer", -1) == 18) {
            String token = s.get("dfformer", -1) == 18 ? "dfformer18" : "cdfformer18";
            int r = s.get("r");
            String name = token.equals("dfformer18") ? "metaformer/dfformer_s18" : "metaformer/cdfformer_s18";
            b = new Built(token, Models.create(name, ModelOptions.builder().optImageSize(r).optSeed(0).build()), n, r);
        } else {
            throw new IllegalArgumentException("models shape '" + shape
                    + "': needs a model token resnet32, dsresnet32, dfformer18 or cdfformer18");
        }
        Path dir = weightsDir();
        if (dir != null && Files.isRegularFile(dir.resolve(b.token() + ".safetensors"))) {
            loadStreaming(b.module(), dir.resolve(b.token() + ".safetensors"));
        }
        return b;
    }

    /** The weights directory, or null when the property is unset. */
    static Path weightsDir() {
        String d = System.getProperty(WEIGHTS);
        return d == null || d.isBlank() ? null : Path.of(d);
    }

    /** A seeded batch [n, size, size, 3] in [-1, 1]. */
    static Tensor input(Built b) {
        return Tensor.uniform(Shape.of(b.batch(), b.size(), b.size(), 3), -1f, 1f, 7);
    }

    /** Seeded CIFAR-10 labels, one per image. */
    static int[] labels(int n) {
        Random r = new Random(11);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = r.nextInt(10);
        return y;
    }

    /**
     * Copies every state-dict entry of the file into {@code model}, one tensor at a time, so the model's weights
     * are never held twice (the file is memory-mapped). Keys must match exactly and sizes agree.
     */
    static void loadStreaming(Module model, Path file) {
        try {
            Safetensors.File f = Safetensors.read(file);
            Map<String, Tensor> own = model.stateDict();
            if (!own.keySet().equals(f.entries().keySet())) {
                TreeSet<String> missing = new TreeSet<>(own.keySet()), unexpected = new TreeSet<>(f.entries().keySet());
                missing.removeAll(f.entries().keySet());
                unexpected.removeAll(own.keySet());
                throw new IllegalStateException(file + ": keys differ from the model's: missing " + missing + ", unexpected " + unexpected);
            }
            for (Map.Entry<String, Tensor> e : own.entrySet()) {
                Tensor src = f.tensor(e.getKey()), dst = e.getValue();
                if (src.size() != dst.size()) {
                    throw new IllegalStateException(file + ": " + e.getKey() + " has shape " + src.shape() + ", the model " + dst.shape());
                }
                System.arraycopy(src.data(), src.offset(), dst.data(), dst.offset(), dst.size());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the reference weights " + file, e);
        }
    }

    /** The reference check of the weights directory: {@code x} (NHWC) and the reference's eval {@code logits}, or null. */
    static Map<String, Tensor> referenceCheck(String token) {
        Path dir = weightsDir();
        if (dir == null) return null;
        Path file = dir.resolve(token + ".check.safetensors");
        if (!Files.isRegularFile(file)) return null;
        try {
            return Safetensors.read(file).tensors();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Throws unless the model's eval logits on the reference's check batch equal the reference's; does nothing
     * without a weights directory. Leaves the model in eval mode.
     *
     * @return whether a check ran
     */
    static boolean checkAgainstReference(Built b, String what) {
        Map<String, Tensor> check = referenceCheck(b.token());
        if (check == null) return false;
        b.module().eval();
        Tensor logits;
        try (NoGrad ignored = NoGrad.enter()) {
            logits = b.module().forward(Variable.constant(check.get("x"))).value();
        }
        Verify.close(what + ": eval logits against the reference PyTorch model on the same weights",
                check.get("logits").data(), logits.copy().data(), LOGIT_TOLERANCE);
        return true;
    }

    /** One SGD step of a CIFAR ResNet as {@link ModelBench#trainStep()} runs it, in training mode. */
    static final class Trainer {
        private final Module model;
        private final Sgd sgd;
        private final DsfbRegularizer regularizer;
        private final Tensor x;
        private final int[] labels;

        Trainer(Built b) {
            if (!b.isCifar()) throw new IllegalArgumentException("train step: only the CIFAR ResNets are trained here, got " + b.token());
            model = b.module();
            CifarResNet net = (CifarResNet) model;
            regularizer = DsfbRegularizer.appliesTo(net) ? DsfbRegularizer.of(net) : null;
            sgd = new Sgd(List.of(new ParamGroup(model.parameters(), LR, WEIGHT_DECAY)), MOMENTUM, 0, false);
            x = input(b);
            labels = labels(b.batch());
        }

        /** Zero gradients, forward, cross-entropy (+ the DSFB penalty), backward, SGD step; returns the loss. */
        float step() {
            model.train();
            sgd.zeroGrad();
            Variable loss = CrossEntropy.crossEntropy(model.forward(Variable.constant(x)), labels);
            if (regularizer != null) loss = Arith.add(loss, regularizer.penalty());
            loss.backward();
            sgd.step();
            return loss.value().data()[loss.value().offset()];
        }
    }
}
