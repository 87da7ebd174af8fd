package io.github.basis4j.inference;

import io.github.basis4j.models.dsfb.FusedCifarResNet;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.data.Image;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.NonFinite;
import io.github.basis4j.simd.Tensor;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link Model}: images, preprocessed arrays or tensors in, top-k {@link Classification}s or raw
 * logits out. Safe to call from any number of threads at once: it holds no state of its own, the network's
 * weights are only read, each call works on its own activations (a fused CIFAR ResNet lends each call its own
 * set of buffers), and inference mode ({@link NoGrad}) is a per-thread setting. Results do not depend on how many threads call or on the kernel thread count.
 *
 * <p>Inputs: a {@link BufferedImage} of any size goes through {@link Model#preprocessing()} (resize, centre
 * crop, normalisation); a {@code float[]} is one already preprocessed image in PyTorch's NCHW layout,
 * {@code [1, C, H, W]} flattened, exactly {@code C·H·W} values at the model's input size; a {@link Tensor} is
 * a preprocessed batch in the library's channel-last layout {@code [N, H, W, C]}.
 */
public final class Predictor {
    private final Model model;

    Predictor(Model model) {
        this.model = model;
    }

    /** The model this predictor runs. */
    public Model model() {
        return model;
    }

    /**
     * The {@code topK} most probable classes of {@code image}, best first (ties: lower index first).
     *
     * @throws IllegalArgumentException if {@code topK} is not in [1, numClasses] or the image is null
     * @throws IllegalStateException    if the model is closed
     */
    public List<Classification> classify(BufferedImage image, int topK) {
        checkTopK("Predictor.classify", topK);
        return top(logits(image), topK);
    }

    /**
     * The {@code topK} most probable classes of a decoded image {@code [H, W, C]} with values in [0, 1] (as the
     * {@code nn.data} readers produce), after the model's preprocessing.
     *
     * @throws IllegalArgumentException if its channels are not the model's, or for {@code topK}
     */
    public List<Classification> classify(Image image, int topK) {
        checkTopK("Predictor.classify", topK);
        return top(logits(image), topK);
    }

    /**
     * The {@code topK} most probable classes of one preprocessed image, NCHW {@code [1, C, H, W]} flattened.
     *
     * @throws IllegalArgumentException if {@code chw} does not hold exactly {@code C·H·W} values or holds NaN or ±∞ (its
     *     index named), or for {@code topK}
     */
    public List<Classification> classify(float[] chw, int topK) {
        checkTopK("Predictor.classify", topK);
        return top(logits(chw), topK);
    }

    /**
     * The {@code topK} most probable classes of each image of a preprocessed batch {@code [N, H, W, C]}.
     *
     * @throws IllegalArgumentException if the batch is not {@code [N, H, W, C]} at the input size or holds NaN or ±∞
     *     (sample and index named), or for {@code topK}
     */
    public List<List<Classification>> classify(Tensor nhwc, int topK) {
        checkTopK("Predictor.classify", topK);
        Tensor logits = logits(nhwc);
        int classes = model.numClasses();
        List<List<Classification>> out = new ArrayList<>(logits.dim(0));
        float[] row = new float[classes];
        for (int i = 0; i < logits.dim(0); i++) {
            System.arraycopy(logits.data(), logits.offset() + i * classes, row, 0, classes);
            out.add(top(row, topK));
        }
        return out;
    }

    /** The logits {@code [numClasses]} of {@code image} after the model's preprocessing. */
    public float[] logits(BufferedImage image) {
        if (image == null) throw new IllegalArgumentException("Predictor.logits: image must not be null");
        return runOne(model.preprocessing().apply(image));
    }

    /**
     * The logits {@code [numClasses]} of a decoded image {@code [H, W, C]} with values in [0, 1], after the
     * model's preprocessing.
     *
     * @throws IllegalArgumentException if its channels are not the model's
     */
    public float[] logits(Image image) {
        int c = model.inputSize().channels();
        if (image == null || image.channels() != c) {
            throw new IllegalArgumentException("Predictor.logits: " + model.name() + " takes " + c + "-channel images, got "
                    + (image == null ? "null" : image));
        }
        return runOne(model.preprocessing().apply(image));
    }

    private float[] runOne(Image x) {
        return run(Tensor.wrap(x.data(), Shape.of(1, x.height(), x.width(), x.channels()))).toArray();
    }

    /**
     * The logits {@code [numClasses]} of one preprocessed image, NCHW {@code [1, C, H, W]} flattened.
     *
     * @throws IllegalArgumentException if {@code chw} does not hold exactly {@code C·H·W} values or holds NaN or ±∞ (its
     *     index named)
     */
    public float[] logits(float[] chw) {
        InputSize s = model.inputSize();
        int n = s.channels() * s.height() * s.width();
        if (chw == null || chw.length != n) {
            throw new IllegalArgumentException("Predictor: a " + model.name() + " input is NCHW [1, " + s.channels() + ", " + s.height()
                    + ", " + s.width() + "] = " + n + " floats, got " + (chw == null ? "null" : chw.length + " floats"));
        }
        Tensor nchw = Tensor.wrap(chw, Shape.of(1, s.channels(), s.height(), s.width()));
        NonFinite.requireFiniteBatch("Predictor: input", nchw, "NCHW");
        return run(nchw.nchwToNhwc()).toArray();
    }

    /**
     * The logits {@code [N, numClasses]} of a preprocessed batch {@code [N, H, W, C]}.
     *
     * @throws IllegalArgumentException if the batch is not {@code [N, H, W, C]} at the input size with N ≥ 1, or holds NaN
     *     or ±∞ (sample and index named)
     */
    public Tensor logits(Tensor nhwc) {
        InputSize s = model.inputSize();
        if (nhwc == null || nhwc.rank() != 4 || nhwc.dim(0) < 1 || nhwc.dim(1) != s.height() || nhwc.dim(2) != s.width()
                || nhwc.dim(3) != s.channels()) {
            throw new IllegalArgumentException("Predictor: a " + model.name() + " batch is NHWC [N, " + s.height() + ", " + s.width() + ", "
                    + s.channels() + "] with N >= 1, got " + (nhwc == null ? "null" : nhwc.shape()));
        }
        NonFinite.requireFiniteBatch("Predictor: batch", nhwc, "NHWC");
        return run(nhwc);
    }

    /** One forward pass without a tape, through the fused network where the model has one; the network is read, never written. */
    private Tensor run(Tensor nhwc) {
        FusedCifarResNet fused = model.fusedNetwork("Predictor");
        if (fused != null) return fused.forward(nhwc);
        Module net = model.network("Predictor");
        try (NoGrad ignored = NoGrad.enter()) {
            return net.forward(Variable.constant(nhwc)).value();
        }
    }

    private void checkTopK(String op, int topK) {
        if (topK < 1 || topK > model.numClasses()) {
            throw new IllegalArgumentException(op + ": topK must be in [1, " + model.numClasses() + "] (the classes of " + model.name()
                    + "), got " + topK);
        }
    }

    /** Softmax in double, shifted by the maximum so exp never overflows; then the k best. */
    private List<Classification> top(float[] logits, int k) {
        int classes = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) max = Math.max(max, v);
        double[] p = new double[classes];
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            p[c] = Math.exp(logits[c] - max);
            sum += p[c];
        }
        boolean[] taken = new boolean[classes];
        List<Classification> out = new ArrayList<>(k);
        List<String> labels = model.labels();
        for (int r = 0; r < k; r++) {
            int best = -1;
            for (int c = 0; c < classes; c++) if (!taken[c] && (best < 0 || p[c] > p[best])) best = c;
            taken[best] = true;
            out.add(new Classification(labels.get(best), best, p[best] / sum));
        }
        return out;
    }
}
