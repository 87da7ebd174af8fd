package io.github.basis4j.nn.profile;

/**
 * The kinds of work {@link OpProfiler} adds time to. Each functional op names one; an op that calls another
 * op is timed as a whole under its own category.
 */
public enum OpCategory {
    /** Dense layers and matrix products ({@code linear}, {@code matmul}). */
    GEMM("GEMM"),
    /** Spectral token mixing: {@code rfft2}, {@code irfft2}, the spectral filter products and the fused mixer. */
    FFT("FFT"),
    /** Convolutions with {@code groups == in channels == out channels}. */
    DEPTHWISE_CONV("depthwise conv"),
    /** Every other convolution (dense and grouped). */
    CONV("other conv"),
    /** Batch and layer normalisation. */
    NORM("norms"),
    /** Activations, sums, products, channel scales and biases, softmax, dropout and drop-path. */
    ELEMENTWISE("elementwise"),
    /** Pooling, padding, reshapes and concatenation, losses, regularisers, spectral filter resizing. */
    OTHER("other");

    private final String label;

    OpCategory(String label) {
        this.label = label;
    }

    /** A short name for tables ({@code "depthwise conv"}). */
    public String label() {
        return label;
    }
}
