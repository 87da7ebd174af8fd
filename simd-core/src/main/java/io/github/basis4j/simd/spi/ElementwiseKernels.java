package io.github.basis4j.simd.spi;

/**
 * Elementwise arithmetic with broadcasting over the channel axis, activations (ReLU, GELU, StarReLU,
 * SquaredReLU, sigmoid, tanh, exp, erf) and their backwards.
 *
 * <p>Layouts: same-shape kernels see {@code n} contiguous elements. Channel-broadcast kernels see x as
 * {@code [rows, c]} (a channel-last tensor flattened to its last axis) and a per-channel vector b as
 * {@code [c]}; {@code y[r, j] = x[r, j] ∘ b[j]}.
 *
 * <p>Contracts: forward kernels overwrite their outputs; an output may be the very same range as an input
 * (in place) but must not overlap it partially. Backward kernels add into their gradient buffers
 * ({@code +=}); the caller zeroes them first. A gradient buffer passed as {@code null} is not computed
 * (e.g. only the bias gradient of {@code addChannel}). Arguments are only asserted; the facade
 * {@code io.github.basis4j.simd.ops.Elementwise} validates.
 *
 * <p>Backwards not listed: add and sub of same-shape tensors and {@code scale} are {@link #axpy} with
 * α = ±1 or the scale; {@code addScalar} passes dy through.
 *
 * <p>Threading: large inputs are cut into fixed chunks over {@code Parallel}. Sums that cross chunks
 * (the [c] gradient of a channel broadcast, StarReLU's scale and bias gradients) keep one partial per
 * chunk and add the partials in chunk order, so results are bit-identical for any thread count.
 *
 * <p>Implemented by {@code io.github.basis4j.simd.scalar.ScalarElementwise} (plain loops, transcendental
 * functions in double: the oracle) and {@code io.github.basis4j.simd.panama.PanamaElementwise} (Vector
 * API, float polynomial approximations within a few ulp).
 */
public interface ElementwiseKernels {

    // ---- same-shape binary ops, scalar ops, axpy ---------------------------------------------------

    /** {@code y[i] = a[i] + b[i]} for {@code i < n}. */
    void add(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n);

    /** {@code y[i] = a[i] − b[i]} for {@code i < n}. */
    void sub(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n);

    /** {@code y[i] = a[i] · b[i]} for {@code i < n}. */
    void mul(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n);

    /** {@code y[i] = a[i] / b[i]} for {@code i < n}. */
    void div(float[] a, int aOff, float[] b, int bOff, float[] y, int yOff, int n);

    /** Backward of {@link #mul}: {@code da[i] += dy[i]·b[i]}, {@code db[i] += dy[i]·a[i]}. */
    void mulBackward(float[] a, int aOff, float[] b, int bOff, float[] dy, int dyOff,
                     float[] da, int daOff, float[] db, int dbOff, int n);

    /** Backward of {@link #div}: {@code da[i] += dy[i] / b[i]}, {@code db[i] −= dy[i]·a[i] / b[i]²}. */
    void divBackward(float[] a, int aOff, float[] b, int bOff, float[] dy, int dyOff,
                     float[] da, int daOff, float[] db, int dbOff, int n);

    /** {@code y[i] = alpha · x[i]} for {@code i < n}. */
    void scale(float[] x, int xOff, float alpha, float[] y, int yOff, int n);

    /** {@code y[i] = x[i] + s} for {@code i < n}. */
    void addScalar(float[] x, int xOff, float s, float[] y, int yOff, int n);

    /** {@code y[i] += alpha · x[i]} for {@code i < n} (BLAS saxpy). */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    // ---- broadcasting over the channel axis: x [rows, c], b [c] -------------------------------------

    /** {@code y[r, j] = x[r, j] + b[j]}; x and y are [rows, c], b is [c]. */
    void addChannel(float[] x, int xOff, float[] b, int bOff, float[] y, int yOff, int rows, int c);

    /** {@code y[r, j] = x[r, j] − b[j]}; x and y are [rows, c], b is [c]. */
    void subChannel(float[] x, int xOff, float[] b, int bOff, float[] y, int yOff, int rows, int c);

    /** {@code y[r, j] = x[r, j] · b[j]}; x and y are [rows, c], b is [c]. */
    void mulChannel(float[] x, int xOff, float[] b, int bOff, float[] y, int yOff, int rows, int c);

    /** {@code y[r, j] = x[r, j] / b[j]}; x and y are [rows, c], b is [c]. */
    void divChannel(float[] x, int xOff, float[] b, int bOff, float[] y, int yOff, int rows, int c);

    /**
     * Backward of {@link #addChannel}: {@code dx[r, j] += dy[r, j]}, {@code db[j] += Σ_r dy[r, j]}.
     * dy and dx are [rows, c], db is [c].
     */
    void addChannelBackward(float[] dy, int dyOff, float[] dx, int dxOff, float[] db, int dbOff, int rows, int c);

    /**
     * Backward of {@link #subChannel}: {@code dx[r, j] += dy[r, j]}, {@code db[j] −= Σ_r dy[r, j]}.
     * dy and dx are [rows, c], db is [c].
     */
    void subChannelBackward(float[] dy, int dyOff, float[] dx, int dxOff, float[] db, int dbOff, int rows, int c);

    /**
     * Backward of {@link #mulChannel}: {@code dx[r, j] += dy[r, j]·b[j]}, {@code db[j] += Σ_r dy[r, j]·x[r, j]}.
     * x, dy and dx are [rows, c], b and db are [c].
     */
    void mulChannelBackward(float[] x, int xOff, float[] b, int bOff, float[] dy, int dyOff,
                            float[] dx, int dxOff, float[] db, int dbOff, int rows, int c);

    /**
     * Backward of {@link #divChannel}: {@code dx[r, j] += dy[r, j] / b[j]},
     * {@code db[j] −= Σ_r dy[r, j]·x[r, j] / b[j]²}. x, dy and dx are [rows, c], b and db are [c].
     */
    void divChannelBackward(float[] x, int xOff, float[] b, int bOff, float[] dy, int dyOff,
                            float[] dx, int dxOff, float[] db, int dbOff, int rows, int c);

    // ---- activations: x, y, dy, dx are [n] ---------------------------------------------------------

    /** {@code y = max(x, 0)} (NaN stays NaN, as PyTorch's {@code relu}). */
    void reluForward(float[] x, int xOff, float[] y, int yOff, int n);

    /** Backward of {@link #reluForward}: {@code dx += x > 0 ? dy : 0}; the output y may stand in for x. */
    void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /**
     * {@link #reluBackward} that overwrites: {@code dx = x > 0 ? dy : 0}. dx may be dy (in place), so autograd
     * can mask a gradient it owns and hand it on instead of adding it into a new zero-filled buffer.
     */
    void reluMask(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /**
     * Exact GELU, PyTorch's {@code nn.GELU()} default: {@code y = x·Φ(x) = 0.5·x·(1 + erf(x/√2))}. The
     * negative tail is computed as {@code 0.5·x·erfc(|x|/√2)}, which keeps full relative precision where
     * {@code 1 + erf} would cancel.
     */
    void geluForward(float[] x, int xOff, float[] y, int yOff, int n);

    /** Backward of {@link #geluForward}: {@code dx += dy·(Φ(x) + x·φ(x))}, φ the standard normal density. */
    void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /**
     * StarReLU (MetaFormer): {@code y = scale·relu(x)² + bias} with the learnable scalars scale and bias
     * (parameters of shape [1], defaults 1 and 0).
     */
    void starReluForward(float[] x, int xOff, float scale, float bias, float[] y, int yOff, int n);

    /**
     * Backward of {@link #starReluForward}: {@code dx += dy·2·scale·relu(x)},
     * {@code dScale[dScaleOff] += Σ dy·relu(x)²}, {@code dBias[dBiasOff] += Σ dy}.
     */
    void starReluBackward(float[] x, int xOff, float scale, float[] dy, int dyOff, float[] dx, int dxOff,
                          float[] dScale, int dScaleOff, float[] dBias, int dBiasOff, int n);

    /** SquaredReLU (Primer): {@code y = relu(x)²}. */
    void squaredReluForward(float[] x, int xOff, float[] y, int yOff, int n);

    /** Backward of {@link #squaredReluForward}: {@code dx += dy·2·relu(x)}. */
    void squaredReluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** {@code y = 1 / (1 + exp(−x))}. */
    void sigmoidForward(float[] x, int xOff, float[] y, int yOff, int n);

    /** Backward of {@link #sigmoidForward} from its output: {@code dx += dy·y·(1 − y)}. */
    void sigmoidBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** {@code y = tanh(x)}. */
    void tanhForward(float[] x, int xOff, float[] y, int yOff, int n);

    /** Backward of {@link #tanhForward} from its output: {@code dx += dy·(1 − y²)}. */
    void tanhBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** {@code y = exp(x)}. */
    void expForward(float[] x, int xOff, float[] y, int yOff, int n);

    /** Backward of {@link #expForward} from its output: {@code dx += dy·y}. */
    void expBackward(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff, int n);

    /** The error function {@code y = erf(x) = 2/√π ∫₀ˣ exp(−t²) dt}. */
    void erf(float[] x, int xOff, float[] y, int yOff, int n);
}
