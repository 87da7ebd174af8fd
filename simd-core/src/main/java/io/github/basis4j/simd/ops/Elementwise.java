package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.ElementwiseKernels;

/**
 * Elementwise arithmetic, channel broadcasting and activations on tensors: validates every argument
 * and delegates to the current backend's {@link ElementwiseKernels}.
 *
 * <p>Channel broadcasting: a channel-last tensor x of any rank ≥ 1 is seen as {@code [rows, c]} with c
 * its last dimension, and b must be exactly {@code [c]} (nothing else is broadcast, never silently).
 *
 * <p>Forward ops come in two forms: one returns a new tensor, the other writes into {@code out}, which
 * must have the input's shape and may be the input itself (in place) but must not partially overlap
 * it. Backward ops add into their gradient tensors ({@code +=}); the caller zeroes them first. Where a
 * backward has two gradients, either may be {@code null} to skip it.
 *
 * <p>Errors are {@link IllegalArgumentException}s naming the operation, the argument, the expected
 * shape and the shape received.
 */
public final class Elementwise {
    private Elementwise() {
    }

    private static ElementwiseKernels k() {
        return Backends.current().elementwise();
    }

    // ---- same-shape binary ops ---------------------------------------------------------------------

    /** {@code a + b}, same shapes; a new tensor. */
    public static Tensor add(Tensor a, Tensor b) {
        return add(a, b, Tensor.zeros(shapeOf("add", "a", a)));
    }

    /** {@code out = a + b}, all of one shape; returns out. */
    public static Tensor add(Tensor a, Tensor b, Tensor out) {
        binary("add", a, b, out);
        k().add(a.data(), a.offset(), b.data(), b.offset(), out.data(), out.offset(), a.size());
        return out;
    }

    /** {@code a − b}, same shapes; a new tensor. */
    public static Tensor sub(Tensor a, Tensor b) {
        return sub(a, b, Tensor.zeros(shapeOf("sub", "a", a)));
    }

    /** {@code out = a − b}, all of one shape; returns out. */
    public static Tensor sub(Tensor a, Tensor b, Tensor out) {
        binary("sub", a, b, out);
        k().sub(a.data(), a.offset(), b.data(), b.offset(), out.data(), out.offset(), a.size());
        return out;
    }

    /** {@code a · b} elementwise, same shapes; a new tensor. */
    public static Tensor mul(Tensor a, Tensor b) {
        return mul(a, b, Tensor.zeros(shapeOf("mul", "a", a)));
    }

    /** {@code out = a · b} elementwise, all of one shape; returns out. */
    public static Tensor mul(Tensor a, Tensor b, Tensor out) {
        binary("mul", a, b, out);
        k().mul(a.data(), a.offset(), b.data(), b.offset(), out.data(), out.offset(), a.size());
        return out;
    }

    /** {@code a / b} elementwise, same shapes; a new tensor. */
    public static Tensor div(Tensor a, Tensor b) {
        return div(a, b, Tensor.zeros(shapeOf("div", "a", a)));
    }

    /** {@code out = a / b} elementwise, all of one shape; returns out. */
    public static Tensor div(Tensor a, Tensor b, Tensor out) {
        binary("div", a, b, out);
        k().div(a.data(), a.offset(), b.data(), b.offset(), out.data(), out.offset(), a.size());
        return out;
    }

    /** Backward of {@link #mul}: {@code da += dy·b}, {@code db += dy·a}; all of one shape, da or db may be null. */
    public static void mulBackward(Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db) {
        binaryBackward("mulBackward", a, b, dy, da, db);
        k().mulBackward(a.data(), a.offset(), b.data(), b.offset(), dy.data(), dy.offset(),
                arr(da), off(da), arr(db), off(db), a.size());
    }

    /** Backward of {@link #div}: {@code da += dy/b}, {@code db −= dy·a/b²}; all of one shape, da or db may be null. */
    public static void divBackward(Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db) {
        binaryBackward("divBackward", a, b, dy, da, db);
        k().divBackward(a.data(), a.offset(), b.data(), b.offset(), dy.data(), dy.offset(),
                arr(da), off(da), arr(db), off(db), a.size());
    }

    // ---- scalar ops, axpy --------------------------------------------------------------------------

    /** {@code alpha · x}; a new tensor. */
    public static Tensor scale(Tensor x, float alpha) {
        return scale(x, alpha, Tensor.zeros(shapeOf("scale", "x", x)));
    }

    /** {@code out = alpha · x}; returns out. */
    public static Tensor scale(Tensor x, float alpha, Tensor out) {
        unary("scale", x, out);
        k().scale(x.data(), x.offset(), alpha, out.data(), out.offset(), x.size());
        return out;
    }

    /** {@code x + s}; a new tensor. */
    public static Tensor addScalar(Tensor x, float s) {
        return addScalar(x, s, Tensor.zeros(shapeOf("addScalar", "x", x)));
    }

    /** {@code out = x + s}; returns out. */
    public static Tensor addScalar(Tensor x, float s, Tensor out) {
        unary("addScalar", x, out);
        k().addScalar(x.data(), x.offset(), s, out.data(), out.offset(), x.size());
        return out;
    }

    /** {@code y += alpha · x}, same shapes (also the backward of add, sub and scale). */
    public static void axpy(float alpha, Tensor x, Tensor y) {
        requireNonNull("axpy", "x", x);
        requireNonNull("axpy", "y", y);
        requireSameShape("axpy", "y", y, "x", x);
        requireNoPartialOverlap("axpy", "y", y, "x", x);
        k().axpy(alpha, x.data(), x.offset(), y.data(), y.offset(), x.size());
    }

    // ---- channel broadcasting ----------------------------------------------------------------------

    /** {@code x + b} with b [c] broadcast over the leading axes of channel-last x [..., c]; a new tensor. */
    public static Tensor addChannel(Tensor x, Tensor b) {
        return addChannel(x, b, Tensor.zeros(shapeOf("addChannel", "x", x)));
    }

    /** {@code out = x + b}, b [c] broadcast over x [..., c]; returns out. */
    public static Tensor addChannel(Tensor x, Tensor b, Tensor out) {
        int c = channel("addChannel", x, b, out);
        k().addChannel(x.data(), x.offset(), b.data(), b.offset(), out.data(), out.offset(), x.size() / Math.max(1, c), c);
        return out;
    }

    /** {@code x − b}, b [c] broadcast over x [..., c]; a new tensor. */
    public static Tensor subChannel(Tensor x, Tensor b) {
        return subChannel(x, b, Tensor.zeros(shapeOf("subChannel", "x", x)));
    }

    /** {@code out = x − b}, b [c] broadcast over x [..., c]; returns out. */
    public static Tensor subChannel(Tensor x, Tensor b, Tensor out) {
        int c = channel("subChannel", x, b, out);
        k().subChannel(x.data(), x.offset(), b.data(), b.offset(), out.data(), out.offset(), x.size() / Math.max(1, c), c);
        return out;
    }

    /** {@code x · b}, b [c] broadcast over x [..., c] (a per-channel scale); a new tensor. */
    public static Tensor mulChannel(Tensor x, Tensor b) {
        return mulChannel(x, b, Tensor.zeros(shapeOf("mulChannel", "x", x)));
    }

    /** {@code out = x · b}, b [c] broadcast over x [..., c]; returns out. */
    public static Tensor mulChannel(Tensor x, Tensor b, Tensor out) {
        int c = channel("mulChannel", x, b, out);
        k().mulChannel(x.data(), x.offset(), b.data(), b.offset(), out.data(), out.offset(), x.size() / Math.max(1, c), c);
        return out;
    }

    /** {@code x / b}, b [c] broadcast over x [..., c]; a new tensor. */
    public static Tensor divChannel(Tensor x, Tensor b) {
        return divChannel(x, b, Tensor.zeros(shapeOf("divChannel", "x", x)));
    }

    /** {@code out = x / b}, b [c] broadcast over x [..., c]; returns out. */
    public static Tensor divChannel(Tensor x, Tensor b, Tensor out) {
        int c = channel("divChannel", x, b, out);
        k().divChannel(x.data(), x.offset(), b.data(), b.offset(), out.data(), out.offset(), x.size() / Math.max(1, c), c);
        return out;
    }

    /** Backward of {@link #addChannel}: {@code dx += dy}, {@code db += Σ_rows dy}; dx or db may be null. */
    public static void addChannelBackward(Tensor dy, Tensor dx, Tensor db) {
        int c = channelBackward("addChannelBackward", null, null, dy, dx, db);
        k().addChannelBackward(dy.data(), dy.offset(), arr(dx), off(dx), arr(db), off(db), dy.size() / Math.max(1, c), c);
    }

    /** Backward of {@link #subChannel}: {@code dx += dy}, {@code db −= Σ_rows dy}; dx or db may be null. */
    public static void subChannelBackward(Tensor dy, Tensor dx, Tensor db) {
        int c = channelBackward("subChannelBackward", null, null, dy, dx, db);
        k().subChannelBackward(dy.data(), dy.offset(), arr(dx), off(dx), arr(db), off(db), dy.size() / Math.max(1, c), c);
    }

    /** Backward of {@link #mulChannel}: {@code dx += dy·b}, {@code db += Σ_rows dy·x}; dx or db may be null. */
    public static void mulChannelBackward(Tensor x, Tensor b, Tensor dy, Tensor dx, Tensor db) {
        int c = channelBackward("mulChannelBackward", x, b, dy, dx, db);
        k().mulChannelBackward(x.data(), x.offset(), b.data(), b.offset(), dy.data(), dy.offset(),
                arr(dx), off(dx), arr(db), off(db), dy.size() / Math.max(1, c), c);
    }

    /** Backward of {@link #divChannel}: {@code dx += dy/b}, {@code db −= Σ_rows dy·x/b²}; dx or db may be null. */
    public static void divChannelBackward(Tensor x, Tensor b, Tensor dy, Tensor dx, Tensor db) {
        int c = channelBackward("divChannelBackward", x, b, dy, dx, db);
        k().divChannelBackward(x.data(), x.offset(), b.data(), b.offset(), dy.data(), dy.offset(),
                arr(dx), off(dx), arr(db), off(db), dy.size() / Math.max(1, c), c);
    }

    // ---- activations -------------------------------------------------------------------------------

    /** {@code max(x, 0)}; a new tensor. */
    public static Tensor relu(Tensor x) {
        return relu(x, Tensor.zeros(shapeOf("relu", "x", x)));
    }

    /** {@code out = max(x, 0)}; returns out. */
    public static Tensor relu(Tensor x, Tensor out) {
        unary("relu", x, out);
        k().reluForward(x.data(), x.offset(), out.data(), out.offset(), x.size());
        return out;
    }

    /**
     * Backward of {@link #relu} that overwrites: {@code dx = x > 0 ? dy : 0} (the output may stand in for x);
     * dx may be dy itself, masking a gradient in place.
     */
    public static void reluMask(Tensor x, Tensor dy, Tensor dx) {
        activationBackward("reluMask", "x", x, dy, dx);
        k().reluMask(x.data(), x.offset(), dy.data(), dy.offset(), dx.data(), dx.offset(), x.size());
    }

    /** Backward of {@link #relu}: {@code dx += x > 0 ? dy : 0} (the output may stand in for x). */
    public static void reluBackward(Tensor x, Tensor dy, Tensor dx) {
        activationBackward("reluBackward", "x", x, dy, dx);
        k().reluBackward(x.data(), x.offset(), dy.data(), dy.offset(), dx.data(), dx.offset(), x.size());
    }

    /** Exact GELU {@code 0.5·x·(1 + erf(x/√2))}, PyTorch's {@code nn.GELU()} default; a new tensor. */
    public static Tensor gelu(Tensor x) {
        return gelu(x, Tensor.zeros(shapeOf("gelu", "x", x)));
    }

    /** {@code out = gelu(x)}; returns out. */
    public static Tensor gelu(Tensor x, Tensor out) {
        unary("gelu", x, out);
        k().geluForward(x.data(), x.offset(), out.data(), out.offset(), x.size());
        return out;
    }

    /** Backward of {@link #gelu}: {@code dx += dy·(Φ(x) + x·φ(x))}. */
    public static void geluBackward(Tensor x, Tensor dy, Tensor dx) {
        activationBackward("geluBackward", "x", x, dy, dx);
        k().geluBackward(x.data(), x.offset(), dy.data(), dy.offset(), dx.data(), dx.offset(), x.size());
    }

    /** StarReLU {@code scale·relu(x)² + bias} with scale and bias of shape [1]; a new tensor. */
    public static Tensor starRelu(Tensor x, Tensor scale, Tensor bias) {
        return starRelu(x, scale, bias, Tensor.zeros(shapeOf("starRelu", "x", x)));
    }

    /** {@code out = scale·relu(x)² + bias}, scale and bias [1]; returns out. */
    public static Tensor starRelu(Tensor x, Tensor scale, Tensor bias, Tensor out) {
        unary("starRelu", x, out);
        requireScalarParameter("starRelu", "scale", scale);
        requireScalarParameter("starRelu", "bias", bias);
        k().starReluForward(x.data(), x.offset(), scale.get(0), bias.get(0), out.data(), out.offset(), x.size());
        return out;
    }

    /**
     * Backward of {@link #starRelu}: {@code dx += dy·2·scale·relu(x)}, {@code dScale += Σ dy·relu(x)²},
     * {@code dBias += Σ dy}. scale, dScale and dBias are [1]; dx, dScale or dBias may be null.
     */
    public static void starReluBackward(Tensor x, Tensor scale, Tensor dy, Tensor dx, Tensor dScale, Tensor dBias) {
        String op = "starReluBackward";
        requireNonNull(op, "x", x);
        requireNonNull(op, "dy", dy);
        requireSameShape(op, "dy", dy, "x", x);
        if (dx != null) requireSameShape(op, "dx", dx, "x", x);
        requireScalarParameter(op, "scale", scale);
        if (dScale != null) requireScalarParameter(op, "dScale", dScale);
        if (dBias != null) requireScalarParameter(op, "dBias", dBias);
        k().starReluBackward(x.data(), x.offset(), scale.get(0), dy.data(), dy.offset(), arr(dx), off(dx),
                arr(dScale), off(dScale), arr(dBias), off(dBias), x.size());
    }

    /** SquaredReLU {@code relu(x)²}; a new tensor. */
    public static Tensor squaredRelu(Tensor x) {
        return squaredRelu(x, Tensor.zeros(shapeOf("squaredRelu", "x", x)));
    }

    /** {@code out = relu(x)²}; returns out. */
    public static Tensor squaredRelu(Tensor x, Tensor out) {
        unary("squaredRelu", x, out);
        k().squaredReluForward(x.data(), x.offset(), out.data(), out.offset(), x.size());
        return out;
    }

    /** Backward of {@link #squaredRelu}: {@code dx += dy·2·relu(x)}. */
    public static void squaredReluBackward(Tensor x, Tensor dy, Tensor dx) {
        activationBackward("squaredReluBackward", "x", x, dy, dx);
        k().squaredReluBackward(x.data(), x.offset(), dy.data(), dy.offset(), dx.data(), dx.offset(), x.size());
    }

    /** {@code 1/(1 + exp(−x))}; a new tensor. */
    public static Tensor sigmoid(Tensor x) {
        return sigmoid(x, Tensor.zeros(shapeOf("sigmoid", "x", x)));
    }

    /** {@code out = sigmoid(x)}; returns out. */
    public static Tensor sigmoid(Tensor x, Tensor out) {
        unary("sigmoid", x, out);
        k().sigmoidForward(x.data(), x.offset(), out.data(), out.offset(), x.size());
        return out;
    }

    /** Backward of {@link #sigmoid} from its output y: {@code dx += dy·y·(1 − y)}. */
    public static void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        activationBackward("sigmoidBackward", "y", y, dy, dx);
        k().sigmoidBackward(y.data(), y.offset(), dy.data(), dy.offset(), dx.data(), dx.offset(), y.size());
    }

    /** {@code tanh(x)}; a new tensor. */
    public static Tensor tanh(Tensor x) {
        return tanh(x, Tensor.zeros(shapeOf("tanh", "x", x)));
    }

    /** {@code out = tanh(x)}; returns out. */
    public static Tensor tanh(Tensor x, Tensor out) {
        unary("tanh", x, out);
        k().tanhForward(x.data(), x.offset(), out.data(), out.offset(), x.size());
        return out;
    }

    /** Backward of {@link #tanh} from its output y: {@code dx += dy·(1 − y²)}. */
    public static void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        activationBackward("tanhBackward", "y", y, dy, dx);
        k().tanhBackward(y.data(), y.offset(), dy.data(), dy.offset(), dx.data(), dx.offset(), y.size());
    }

    /** {@code exp(x)}; a new tensor. */
    public static Tensor exp(Tensor x) {
        return exp(x, Tensor.zeros(shapeOf("exp", "x", x)));
    }

    /** {@code out = exp(x)}; returns out. */
    public static Tensor exp(Tensor x, Tensor out) {
        unary("exp", x, out);
        k().expForward(x.data(), x.offset(), out.data(), out.offset(), x.size());
        return out;
    }

    /** Backward of {@link #exp} from its output y: {@code dx += dy·y}. */
    public static void expBackward(Tensor y, Tensor dy, Tensor dx) {
        activationBackward("expBackward", "y", y, dy, dx);
        k().expBackward(y.data(), y.offset(), dy.data(), dy.offset(), dx.data(), dx.offset(), y.size());
    }

    /** The error function; a new tensor. */
    public static Tensor erf(Tensor x) {
        return erf(x, Tensor.zeros(shapeOf("erf", "x", x)));
    }

    /** {@code out = erf(x)}; returns out. */
    public static Tensor erf(Tensor x, Tensor out) {
        unary("erf", x, out);
        k().erf(x.data(), x.offset(), out.data(), out.offset(), x.size());
        return out;
    }

    // ---- validation --------------------------------------------------------------------------------

    private static float[] arr(Tensor t) {
        return t == null ? null : t.data();
    }

    private static int off(Tensor t) {
        return t == null ? 0 : t.offset();
    }

    private static Shape shapeOf(String op, String name, Tensor t) {
        requireNonNull(op, name, t);
        return t.shape();
    }

    static void requireNonNull(String op, String name, Tensor t) {
        if (t == null) throw new IllegalArgumentException(op + ": " + name + " must not be null");
    }

    static void requireSameShape(String op, String name, Tensor t, String refName, Tensor ref) {
        if (!t.shape().equals(ref.shape())) {
            throw new IllegalArgumentException(op + ": " + name + " must have the shape of " + refName + " "
                    + ref.shape() + ", got " + t.shape());
        }
    }

    /**
     * An output may be its input exactly (in place) or lie apart from it; a partial overlap would let a
     * kernel read values it has already overwritten.
     */
    static void requireNoPartialOverlap(String op, String name, Tensor out, String inName, Tensor in) {
        if (out.data() != in.data() || out.offset() == in.offset()) return;
        long a0 = out.offset(), a1 = a0 + out.size(), b0 = in.offset(), b1 = b0 + in.size();
        if (a0 < b1 && b0 < a1) {
            throw new IllegalArgumentException(op + ": " + name + " (elements [" + a0 + ", " + a1 + ")) partially overlaps "
                    + inName + " (elements [" + b0 + ", " + b1 + ")) in the same array; use the same tensor for in-place or a separate one");
        }
    }

    private static void unary(String op, Tensor x, Tensor out) {
        requireNonNull(op, "x", x);
        requireNonNull(op, "out", out);
        requireSameShape(op, "out", out, "x", x);
        requireNoPartialOverlap(op, "out", out, "x", x);
    }

    private static void binary(String op, Tensor a, Tensor b, Tensor out) {
        requireNonNull(op, "a", a);
        requireNonNull(op, "b", b);
        requireNonNull(op, "out", out);
        requireSameShape(op, "b", b, "a", a);
        requireSameShape(op, "out", out, "a", a);
        requireNoPartialOverlap(op, "out", out, "a", a);
        requireNoPartialOverlap(op, "out", out, "b", b);
    }

    private static void binaryBackward(String op, Tensor a, Tensor b, Tensor dy, Tensor da, Tensor db) {
        requireNonNull(op, "a", a);
        requireNonNull(op, "b", b);
        requireNonNull(op, "dy", dy);
        requireSameShape(op, "b", b, "a", a);
        requireSameShape(op, "dy", dy, "a", a);
        if (da != null) requireSameShape(op, "da", da, "a", a);
        if (db != null) requireSameShape(op, "db", db, "a", a);
    }

    private static void activationBackward(String op, String savedName, Tensor saved, Tensor dy, Tensor dx) {
        requireNonNull(op, savedName, saved);
        requireNonNull(op, "dy", dy);
        requireNonNull(op, "dx", dx);
        requireSameShape(op, "dy", dy, savedName, saved);
        requireSameShape(op, "dx", dx, savedName, saved);
    }

    private static void requireScalarParameter(String op, String name, Tensor t) {
        requireNonNull(op, name, t);
        if (t.rank() != 1 || t.dim(0) != 1) {
            throw new IllegalArgumentException(op + ": " + name + " must be [1], got " + t.shape());
        }
    }

    /** Checks b is [c] for x [..., c]; returns c. */
    private static int channelOf(String op, Tensor x, String bName, Tensor b) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException(op + ": x must have a channel axis (rank >= 1), got the scalar shape " + x.shape());
        }
        int c = x.dim(-1);
        if (b.rank() != 1 || b.dim(0) != c) {
            throw new IllegalArgumentException(op + ": " + bName + " must be [c] = [" + c + "] to match x " + x.shape()
                    + " (channel-last), got " + b.shape());
        }
        return c;
    }

    private static int channel(String op, Tensor x, Tensor b, Tensor out) {
        requireNonNull(op, "x", x);
        requireNonNull(op, "b", b);
        requireNonNull(op, "out", out);
        int c = channelOf(op, x, "b", b);
        requireSameShape(op, "out", out, "x", x);
        requireNoPartialOverlap(op, "out", out, "x", x);
        requireNoPartialOverlap(op, "out", out, "b", b);
        return c;
    }

    private static int channelBackward(String op, Tensor x, Tensor b, Tensor dy, Tensor dx, Tensor db) {
        requireNonNull(op, "dy", dy);
        if (x != null || b != null) {
            requireNonNull(op, "x", x);
            requireNonNull(op, "b", b);
            requireSameShape(op, "dy", dy, "x", x);
        }
        int c;
        if (b != null) {
            c = channelOf(op, x, "b", b);
        } else {
            if (dy.rank() < 1) {
                throw new IllegalArgumentException(op + ": dy must have a channel axis (rank >= 1), got the scalar shape " + dy.shape());
            }
            c = dy.dim(-1);
        }
        if (dx != null) requireSameShape(op, "dx", dx, "dy", dy);
        if (db != null && (db.rank() != 1 || db.dim(0) != c)) {
            throw new IllegalArgumentException(op + ": db must be [c] = [" + c + "] to match dy " + dy.shape()
                    + " (channel-last), got " + db.shape());
        }
        return c;
    }
}
