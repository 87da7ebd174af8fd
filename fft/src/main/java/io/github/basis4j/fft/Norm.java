package io.github.basis4j.fft;

/**
 * Normalisation of a real 2-D FFT pair, with PyTorch's meaning of {@code norm} for
 * {@code torch.fft.rfft2} / {@code irfft2} over {@code P = H·W} points:
 *
 * <table>
 *   <caption>factor applied by each direction</caption>
 *   <tr><th>norm</th><th>rfft2 (forward)</th><th>irfft2 (inverse)</th></tr>
 *   <tr><td>{@link #BACKWARD}</td><td>1</td><td>1/P</td></tr>
 *   <tr><td>{@link #FORWARD}</td><td>1/P</td><td>1</td></tr>
 *   <tr><td>{@link #ORTHO}</td><td>1/√P</td><td>1/√P</td></tr>
 * </table>
 *
 * DFFormer's token mixer uses {@link #ORTHO}; callers always name the mode explicitly.
 */
public enum Norm {
    /** No scaling forward, {@code 1/P} inverse (PyTorch's default, {@code norm="backward"}). */
    BACKWARD,
    /** {@code 1/P} forward, no scaling inverse ({@code norm="forward"}). */
    FORWARD,
    /** {@code 1/√P} both ways: the transform pair is unitary ({@code norm="ortho"}). */
    ORTHO;

    /** The factor rfft2 applies over {@code points = H·W} points, computed in double. */
    double forwardScale(long points) {
        return switch (this) {
            case BACKWARD -> 1.0;
            case FORWARD -> 1.0 / points;
            case ORTHO -> 1.0 / Math.sqrt(points);
        };
    }

    /** The factor irfft2 applies over {@code points = H·W} points, computed in double. */
    double inverseScale(long points) {
        return switch (this) {
            case BACKWARD -> 1.0 / points;
            case FORWARD -> 1.0;
            case ORTHO -> 1.0 / Math.sqrt(points);
        };
    }
}
