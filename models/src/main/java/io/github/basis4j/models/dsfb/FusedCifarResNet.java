package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.Sequential;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Conv2dParams;
import io.github.basis4j.simd.ops.Convolutions;
import io.github.basis4j.simd.ops.Elementwise;
import io.github.basis4j.simd.ops.Gemm;
import io.github.basis4j.simd.ops.PackedConv2dWeight;
import io.github.basis4j.simd.ops.Padding;
import io.github.basis4j.simd.ops.Pooling;
import io.github.basis4j.simd.ops.WinogradConv3x3Weight;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * An inference-only copy of a {@link CifarResNet} in eval mode, with every batch norm folded into the
 * convolution before it and, per basis-block convolution, the basis and coefficient convolutions merged
 * into one k×k convolution where that costs fewer multiply-adds. It runs on plain {@link Tensor}s through
 * the simd-core facades: no autograd, weights folded and packed once ({@link PackedConv2dWeight}),
 * activations in buffers allocated once per input shape and reused, ReLU and residual adds in place.
 *
 * <p>Folding. Eval-mode batch norm is {@code y = γ·(x − mean)/√(var + eps) + β} per channel; after a
 * convolution with weight {@code w} and bias {@code b} (0 if none) it equals a convolution with
 * {@code w'[o] = s[o]·w[o]} and {@code b'[o] = β[o] − s[o]·mean[o] + s[o]·b[o]}, where
 * {@code s = γ/√(var + eps)} (γ = 1, β = 0 for a norm without affine parameters). In a {@link BasisBlock}
 * the unique and shared basis weights are concatenated along the output channels (unique first, as the
 * model's {@code cat}) and {@code basis_bn} folds into them; {@code bn} folds into the 1×1 coefficients.
 *
 * <p>Merging. With the folded basis {@code B [R, C_in, k, k]}, {@code b_B [R]} and coefficients
 * {@code A [C_out, R]}, {@code b_A [C_out]}, the pair equals one k×k convolution with
 * {@code W[o, i, kh, kw] = Σ_r A[o, r]·B[r, i, kh, kw]} and {@code b = A·b_B + b_A}: the 1×1 convolution
 * acts pixel by pixel, so it commutes with the basis convolution's window, zero padding included (the
 * basis bias is added at border pixels too, and so is {@code A·b_B}). The basis norm sits between the two
 * convolutions, so it must be folded into B before merging. Per output pixel the split pair costs
 * {@code k²·C_in·R + R·C_out} multiply-adds and the merged convolution {@code k²·C_in·C_out}; the plan
 * ({@link #layerPlans()}) takes the merged one only where it is strictly cheaper.
 *
 * <p>Algorithms. A 3×3 stride-1 convolution with at least {@link #WINOGRAD_MIN_CHANNELS} input and output
 * channels (a plain or merged layer, or a split layer's basis convolution) runs by Winograd's F(2×2, 3×3)
 * ({@link Convolutions#conv2dWinograd3x3}), 16 instead of 36 multiplies per 2×2 outputs and channel pair; the
 * others (the stem, 16-channel layers, stride-2 and 1×1 convolutions) run the direct kernels. The plan says which
 * ({@link LayerPlan#algorithm()}). Winograd's transforms add inputs before multiplying, so its results differ
 * from the direct convolution's by rounding (about 1e-6 of the largest output). Where a Winograd layer is
 * followed by the block's ReLU, or by its residual add and ReLU, both happen in its output transform.
 *
 * <p>The folding arithmetic runs in double and rounds once to float (Winograd weights are transformed from
 * the folded doubles, so they too round once). The fused network is a snapshot: later
 * changes to the model's weights or statistics do not reach it. Its forward methods may be called from any
 * number of threads at once: each call takes a set of activation buffers for its input shape from a pool
 * of idle sets (or makes one) and gives it back when done; the pool keeps the most recently used sets
 * while they hold at most {@link #IDLE_FLOATS} floats together, and always at least one, so a caller
 * that repeats one shape allocates nothing after its first call.
 *
 * <p>Shapes: x {@code [n, h, w, inChannels]} (NHWC, any n, h, w ≥ 1) → logits {@code [n, numClasses]}.
 */
public final class FusedCifarResNet {
    private static final String OP = "FusedCifarResNet";
    /**
     * Floats of idle activation buffers kept beyond the most recent set (64 MiB): enough for a few
     * concurrent callers at small batches or one at batch 128 of 32×32 images (about 11 M floats).
     */
    public static final long IDLE_FLOATS = 16L << 20;
    /**
     * Channels (in and out) from which a 3×3 stride-1 layer runs by Winograd. Measured against the direct kernels
     * (b128 and b1, T=1, simd-core's {@code WinogradTiming}): 32 → 32 at 16×16 1.2–1.4× faster, 64 → 64 at 8×8
     * 1.8–1.9×, but 16 → 16 at 32×32 0.7–0.8× (0.8× even with the block's add and ReLU fused): with one 16-lane
     * vector of output channels every multiply-add of the Winograd products needs its own broadcast, while the
     * direct kernel's sliding tiles share theirs.
     */
    public static final int WINOGRAD_MIN_CHANNELS = 32;

    /** How a fused layer computes its convolution. */
    public enum Kind {
        /** An ordinary convolution with its batch norm folded in: the stem, basic blocks, option-B shortcuts. */
        PLAIN,
        /** A basis-block convolution run as the k×k basis convolution (C_in → R) then the 1×1 coefficients (R → C_out). */
        SPLIT,
        /** A basis-block convolution run as one merged k×k convolution (C_in → C_out). */
        MERGED
    }

    /** Which algorithm runs a layer's spatial (k×k) convolution. */
    public enum Algorithm {
        /** The direct convolution kernels ({@link Convolutions#conv2d}). */
        DIRECT,
        /** Winograd's F(2×2, 3×3) ({@link Convolutions#conv2dWinograd3x3}). */
        WINOGRAD
    }

    /**
     * The plan of one fused convolution layer.
     *
     * @param name        the layer's place in the model: {@code conv1} (stem), {@code layer<s>.<i>.conv<j>}
     *                    (for a basis block the basis-and-coefficient pair j), {@code layer<s>.<i>.shortcut}
     * @param kind        how it runs
     * @param kernel      the (square) kernel size k of its spatial convolution
     * @param stride      its stride
     * @param padding     its zero padding
     * @param inChannels  C_in
     * @param rank        R, the number of basis filters (0 for {@link Kind#PLAIN})
     * @param outChannels C_out
     * @param algorithm   how its k×k convolution runs (for {@link Kind#SPLIT}, the basis convolution; the 1×1
     *                    coefficients always run direct). The multiply-add counts below are those of the direct
     *                    convolution whichever algorithm runs.
     */
    public record LayerPlan(String name, Kind kind, int kernel, int stride, int padding, int inChannels, int rank, int outChannels,
                            Algorithm algorithm) {
        /** Multiply-adds per output pixel of the basis-then-coefficients pair, {@code k²·C_in·R + R·C_out}; a plain layer's own cost. */
        public long splitMacsPerPixel() {
            if (kind == Kind.PLAIN) return mergedMacsPerPixel();
            return (long) kernel * kernel * inChannels * rank + (long) rank * outChannels;
        }

        /** Multiply-adds per output pixel of one k×k convolution C_in → C_out, {@code k²·C_in·C_out}. */
        public long mergedMacsPerPixel() {
            return (long) kernel * kernel * inChannels * outChannels;
        }

        /** Multiply-adds per output pixel as planned. */
        public long macsPerPixel() {
            return kind == Kind.MERGED ? mergedMacsPerPixel() : splitMacsPerPixel();
        }

        /** Multiply-adds per output pixel of the unfused model, which always runs a basis layer split. */
        public long unfusedMacsPerPixel() {
            return splitMacsPerPixel();
        }

        /** Output height or width for an input of {@code size}: {@code (size + 2·padding − kernel)/stride + 1}. */
        int outputSize(int size) {
            return (size + 2 * padding - kernel) / stride + 1;
        }
    }

    /** A folded convolution in double: OIHW weights and a bias over the output channels. */
    private record Folded(double[] w, double[] b, int oc, int ic, int kh, int kw, Conv2dParams params) {
    }

    /**
     * A ready convolution: float bias and geometry, and either packed direct weights ({@code weight}) or
     * Winograd-transformed ones ({@code winograd}), the other null.
     */
    private record Conv(PackedConv2dWeight weight, WinogradConv3x3Weight winograd, Tensor bias, Conv2dParams params) {
        void run(Tensor x, Tensor y) {
            if (winograd != null) Convolutions.conv2dWinograd3x3(x, winograd, bias, params.padH(), y);
            else Convolutions.conv2d(x, weight, bias, params, y);
        }

        /** {@code y = relu(conv(x) + residual)} ({@code residual} may be null): in the output transform for Winograd. */
        void runRelu(Tensor x, Tensor residual, Tensor y) {
            if (winograd != null) {
                Convolutions.conv2dWinograd3x3(x, winograd, bias, params.padH(), residual, true, y);
                return;
            }
            Convolutions.conv2d(x, weight, bias, params, y);
            if (residual != null) Elementwise.add(y, residual, y);
            Elementwise.relu(y, y);
        }

        Shape outputShape(Shape x) {
            int[] w = winograd != null ? winograd.torchShape() : weight.torchShape();
            return Convolutions.outputShape(x, Shape.of(w), params);
        }
    }

    /** A planned layer: {@code first} alone, or for {@link Kind#SPLIT} {@code first} (basis) then {@code second} (coefficients). */
    private record Layer(LayerPlan plan, Conv first, Conv second) {
        /** x → y; a split layer passes through {@code scratch}, the basis responses. */
        void run(Tensor x, Tensor y, Tensor scratch) {
            if (second == null) {
                first.run(x, y);
            } else {
                first.run(x, scratch);
                second.run(scratch, y);
            }
        }

        /** {@code y = relu(layer(x) + residual)}, {@code residual} null for none. */
        void runRelu(Tensor x, Tensor residual, Tensor y, Tensor scratch) {
            if (second == null) {
                first.runRelu(x, residual, y);
            } else {
                first.run(x, scratch);
                second.runRelu(scratch, residual, y);
            }
        }

        /** The basis responses' shape for input x, or null when the layer needs no scratch. */
        Shape scratchShape(Shape x) {
            return second == null ? null : first.outputShape(x);
        }

        Shape outputShape(Shape x) {
            Shape s = first.outputShape(x);
            return second == null ? s : second.outputShape(s);
        }
    }

    private enum ShortcutKind { IDENTITY, OPTION_A, OPTION_B }

    /** A residual block: {@code relu(conv2(relu(conv1(x))) + shortcut(x))}. */
    private record Block(Layer conv1, Layer conv2, ShortcutKind shortcut, int optionAPad, Layer shortcutConv) {
    }

    /** The activation buffers of one input shape, bound to each block's inputs and outputs. */
    private record Workspace(Shape input, Tensor stem, Tensor[] in, Tensor[] tmp, Tensor[] out, Tensor[] scratch1, Tensor[] scratch2,
                             Tensor[] shortcut, Tensor pooled, Tensor logits, long floats) {
        /** Identity: the pool removes exactly the set it found, never another one that compares equal. */
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    private final int inChannels;
    private final int numClasses;
    private final Layer stem;
    private final List<Block> blocks;
    private final Tensor fcWeight;
    private final Tensor fcBias;
    private final List<LayerPlan> plans;
    /** Idle buffer sets, most recently returned first. */
    private final ConcurrentLinkedDeque<Workspace> idle = new ConcurrentLinkedDeque<>();
    /** The pool's budget, {@link #IDLE_FLOATS}; tests shrink it to see sets dropped. */
    volatile long idleFloats = IDLE_FLOATS;

    private FusedCifarResNet(int inChannels, int numClasses, Layer stem, List<Block> blocks, Tensor fcWeight, Tensor fcBias) {
        this.inChannels = inChannels;
        this.numClasses = numClasses;
        this.stem = stem;
        this.blocks = List.copyOf(blocks);
        this.fcWeight = fcWeight;
        this.fcBias = fcBias;
        List<LayerPlan> p = new ArrayList<>();
        p.add(stem.plan());
        for (Block b : this.blocks) {
            p.add(b.conv1().plan());
            p.add(b.conv2().plan());
            if (b.shortcutConv() != null) p.add(b.shortcutConv().plan());
        }
        this.plans = List.copyOf(p);
    }

    /**
     * Fuses {@code model} when fusion applies: a {@link CifarResNet} with every module in eval mode and every
     * batch norm tracking running statistics; otherwise empty, and the model runs as it is. For callers that
     * take the fused path where they can (the inference API, the command line's eval, predict and forward).
     *
     * @throws IllegalArgumentException for a null model
     */
    public static Optional<FusedCifarResNet> tryFuse(Module model) {
        if (model == null) throw new IllegalArgumentException(OP + ".tryFuse: model must not be null");
        if (!(model instanceof CifarResNet)) return Optional.empty();
        for (Module m : model.namedModules().values()) {
            if (m.isTraining()) return Optional.empty();
            if (m instanceof BatchNorm2d bn && (bn.runningMean() == null || bn.runningVar() == null)) return Optional.empty();
        }
        return Optional.of(fuse(model));
    }

    /**
     * Fuses {@code model}, which must be a {@link CifarResNet} whose every module is in eval mode and whose
     * batch norms track running statistics.
     *
     * @throws IllegalArgumentException for null, another kind of model, a module in training mode, or a
     *     batch norm without running statistics, naming what was found
     */
    public static FusedCifarResNet fuse(Module model) {
        if (model == null) throw new IllegalArgumentException(OP + ": model must not be null");
        if (!(model instanceof CifarResNet net)) {
            throw new IllegalArgumentException(OP + ": can only fuse a CifarResNet (the CIFAR ResNets and their DSFB variants), got "
                    + model.getClass().getName());
        }
        for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
            if (e.getValue().isTraining()) {
                String where = e.getKey().isEmpty() ? "the model" : "module '" + e.getKey() + "'";
                throw new IllegalArgumentException(OP + ": the model must be in eval mode (call eval() first): fusion folds batch norm's "
                        + "running statistics, which training mode does not use, but " + where + " is in training mode");
            }
        }
        Layer stem = plain("conv1", net.stemConv(), net.stemBn());
        List<Block> blocks = new ArrayList<>();
        List<CifarResNet.Stage> stages = net.stages();
        for (int s = 0; s < stages.size(); s++) {
            List<Module> layers = stages.get(s).layer().layers();
            for (int i = 0; i < layers.size(); i++) {
                String prefix = "layer" + (s + 1) + "." + i + ".";
                Module m = layers.get(i);
                if (m instanceof BasicBlock bb) {
                    blocks.add(basicBlock(prefix, bb));
                } else if (m instanceof BasisBlock bb) {
                    blocks.add(new Block(decomposed(prefix + "conv1", bb, 0), decomposed(prefix + "conv2", bb, 1), ShortcutKind.IDENTITY, 0, null));
                } else {
                    throw new IllegalArgumentException(OP + ": " + prefix + " must be a BasicBlock or a BasisBlock, got " + m.getClass().getName());
                }
            }
        }
        Linear fc = net.fc();
        Tensor fcBias = fc.bias() == null ? null : fc.bias().value().copy();
        return new FusedCifarResNet(net.inChannels(), net.numClasses(), stem, blocks, fc.weight().value().copy(), fcBias);
    }

    private static Block basicBlock(String prefix, BasicBlock bb) {
        Layer conv1 = plain(prefix + "conv1", bb.conv1(), bb.bn1());
        Layer conv2 = plain(prefix + "conv2", bb.conv2(), bb.bn2());
        Module sc = bb.shortcutModule();
        if (sc instanceof OptionAShortcut a) return new Block(conv1, conv2, ShortcutKind.OPTION_A, a.planes() / 4, null);
        if (sc instanceof Sequential seq && seq.size() == 0) return new Block(conv1, conv2, ShortcutKind.IDENTITY, 0, null);
        if (sc instanceof Sequential seq && seq.size() == 2 && seq.get(0) instanceof Conv2d c && seq.get(1) instanceof BatchNorm2d n) {
            return new Block(conv1, conv2, ShortcutKind.OPTION_B, 0, plain(prefix + "shortcut", c, n));
        }
        throw new IllegalArgumentException(OP + ": " + prefix + "shortcut must be the identity, option A or option B's conv and norm, got "
                + sc.getClass().getName());
    }

    /** A convolution with the norm after it folded in. */
    private static Layer plain(String name, Conv2d conv, BatchNorm2d bn) {
        Folded f = foldNorm(name, toDouble(name, conv), bn);
        Algorithm a = algorithm(f);
        LayerPlan plan = new LayerPlan(name, Kind.PLAIN, f.kh(), f.params().strideH(), f.params().padH(), f.ic(), 0, f.oc(), a);
        return new Layer(plan, pack(f, a), null);
    }

    /** Basis-block convolution j: folds both norms, then keeps the pair or merges it, whichever costs fewer multiply-adds. */
    private static Layer decomposed(String name, BasisBlock bb, int j) {
        Conv2d unique = bb.uniqueBasis(j), shared = bb.sharedBasis(j);
        Folded basis;
        if (unique == null) basis = toDouble(name, shared);
        else if (shared == null) basis = toDouble(name, unique);
        else basis = concatOutputs(toDouble(name, unique), toDouble(name, shared));
        basis = foldNorm(name, basis, bb.basisBn(j));
        Folded coeff = foldNorm(name, toDouble(name, bb.coeff(j)), bb.bn(j));
        if (coeff.kh() != 1 || coeff.kw() != 1 || coeff.ic() != basis.oc() || !coeff.params().equals(Conv2dParams.DEFAULT)) {
            throw new IllegalArgumentException(OP + ": " + name + " coefficients must be a 1×1 stride-1 unpadded convolution from the "
                    + basis.oc() + " basis channels, got [" + coeff.oc() + ", " + coeff.ic() + ", " + coeff.kh() + ", " + coeff.kw()
                    + "] with " + coeff.params());
        }
        Algorithm basisAlgorithm = algorithm(basis);
        LayerPlan split = new LayerPlan(name, Kind.SPLIT, basis.kh(), basis.params().strideH(), basis.params().padH(), basis.ic(), basis.oc(), coeff.oc(),
                basisAlgorithm);
        if (split.mergedMacsPerPixel() < split.splitMacsPerPixel()) {
            Folded m = merge(basis, coeff);
            Algorithm a = algorithm(m);
            LayerPlan merged = new LayerPlan(name, Kind.MERGED, split.kernel(), split.stride(), split.padding(), split.inChannels(), split.rank(),
                    split.outChannels(), a);
            return new Layer(merged, pack(m, a), null);
        }
        return new Layer(split, pack(basis, basisAlgorithm), pack(coeff, Algorithm.DIRECT));
    }

    private static Folded toDouble(String name, Conv2d conv) {
        Conv2dParams p = conv.params();
        if (p.groups() != 1 || p.dilationH() != 1 || p.dilationW() != 1 || conv.kernelH() != conv.kernelW() || p.strideH() != p.strideW()
                || p.padH() != p.padW()) {
            throw new IllegalArgumentException(OP + ": " + name + " must be a square, ungrouped, undilated convolution with equal strides and "
                    + "paddings, got weight " + conv.weight().shape() + " with " + p);
        }
        Tensor w = conv.weight().value();
        double[] wd = new double[w.size()];
        for (int i = 0; i < wd.length; i++) wd[i] = w.get(i);
        double[] bd = new double[conv.outChannels()];
        if (conv.bias() != null) for (int o = 0; o < bd.length; o++) bd[o] = conv.bias().value().get(o);
        return new Folded(wd, bd, conv.outChannels(), conv.inChannels(), conv.kernelH(), conv.kernelW(), p);
    }

    /** {@code w'[o] = s[o]·w[o]}, {@code b'[o] = β[o] + s[o]·(b[o] − mean[o])} with {@code s = γ/√(var + eps)}. */
    private static Folded foldNorm(String name, Folded f, BatchNorm2d bn) {
        if (bn.runningMean() == null || bn.runningVar() == null) {
            throw new IllegalArgumentException(OP + ": the batch norm after " + name + " must track running statistics to be folded");
        }
        if (bn.numFeatures() != f.oc()) {
            throw new IllegalArgumentException(OP + ": the batch norm after " + name + " must have " + f.oc() + " features, got " + bn.numFeatures());
        }
        int per = f.w().length / f.oc();
        double[] w = new double[f.w().length], b = new double[f.oc()];
        for (int o = 0; o < f.oc(); o++) {
            double gamma = bn.weight() == null ? 1.0 : bn.weight().value().get(o);
            double beta = bn.bias() == null ? 0.0 : bn.bias().value().get(o);
            double s = gamma / Math.sqrt((double) bn.runningVar().get(o) + bn.eps());
            for (int i = 0; i < per; i++) w[o * per + i] = s * f.w()[o * per + i];
            b[o] = beta + s * (f.b()[o] - bn.runningMean().get(o));
        }
        return new Folded(w, b, f.oc(), f.ic(), f.kh(), f.kw(), f.params());
    }

    /** Two convolutions of one input and geometry stacked along the output channels, a's first. */
    private static Folded concatOutputs(Folded a, Folded b) {
        if (a.ic() != b.ic() || a.kh() != b.kh() || a.kw() != b.kw() || !a.params().equals(b.params())) {
            throw new IllegalArgumentException(OP + ": unique and shared bases must share geometry, got [" + a.oc() + ", " + a.ic() + ", " + a.kh()
                    + ", " + a.kw() + "] with " + a.params() + " and [" + b.oc() + ", " + b.ic() + ", " + b.kh() + ", " + b.kw() + "] with " + b.params());
        }
        double[] w = new double[a.w().length + b.w().length], bias = new double[a.oc() + b.oc()];
        System.arraycopy(a.w(), 0, w, 0, a.w().length);
        System.arraycopy(b.w(), 0, w, a.w().length, b.w().length);
        System.arraycopy(a.b(), 0, bias, 0, a.oc());
        System.arraycopy(b.b(), 0, bias, a.oc(), b.oc());
        return new Folded(w, bias, a.oc() + b.oc(), a.ic(), a.kh(), a.kw(), a.params());
    }

    /** {@code W[o] = Σ_r A[o, r]·B[r]}, {@code b = A·b_B + b_A}, for the folded basis B and 1×1 coefficients A. */
    private static Folded merge(Folded basis, Folded coeff) {
        int rank = basis.oc(), oc = coeff.oc(), per = basis.w().length / rank;
        double[] w = new double[oc * per], b = new double[oc];
        for (int o = 0; o < oc; o++) {
            double bias = coeff.b()[o];
            for (int r = 0; r < rank; r++) {
                double a = coeff.w()[o * rank + r];
                bias += a * basis.b()[r];
                for (int i = 0; i < per; i++) w[o * per + i] += a * basis.w()[r * per + i];
            }
            b[o] = bias;
        }
        return new Folded(w, b, oc, basis.ic(), basis.kh(), basis.kw(), basis.params());
    }

    /** Winograd for a 3×3 stride-1 convolution with at least {@link #WINOGRAD_MIN_CHANNELS} channels in and out, else direct. */
    private static Algorithm algorithm(Folded f) {
        boolean winograd = f.kh() == 3 && f.kw() == 3 && f.params().strideH() == 1 && f.params().strideW() == 1
                && f.params().padH() == f.params().padW() && f.params().dilationH() == 1 && f.params().dilationW() == 1
                && f.params().groups() == 1 && f.ic() >= WINOGRAD_MIN_CHANNELS && f.oc() >= WINOGRAD_MIN_CHANNELS;
        return winograd ? Algorithm.WINOGRAD : Algorithm.DIRECT;
    }

    private static Conv pack(Folded f, Algorithm a) {
        float[] b = new float[f.oc()];
        for (int o = 0; o < b.length; o++) b[o] = (float) f.b()[o];
        if (a == Algorithm.WINOGRAD) return new Conv(null, WinogradConv3x3Weight.pack(f.w(), f.oc(), f.ic()), Tensor.of(b, f.oc()), f.params());
        float[] w = new float[f.w().length];
        for (int i = 0; i < w.length; i++) w[i] = (float) f.w()[i];
        return new Conv(PackedConv2dWeight.pack(Tensor.of(w, f.oc(), f.ic(), f.kh(), f.kw())), null, Tensor.of(b, f.oc()), f.params());
    }

    /** Every fused convolution layer in execution order (stem, then per block conv1, conv2 and any shortcut convolution). */
    public List<LayerPlan> layerPlans() {
        return plans;
    }

    /** Channels of the input images, the model's {@code inChannels}. */
    public int inChannels() {
        return inChannels;
    }

    /** Classes, the width of the logits. */
    public int numClasses() {
        return numClasses;
    }

    /**
     * Multiply-adds per image of size h × w as planned: every convolution's {@link LayerPlan#macsPerPixel()}
     * times its output pixels, plus the classifier's {@code 64·numClasses}. Batch norm, ReLU, residual adds
     * and pooling are not counted. These are the direct convolution's multiply-adds even for the layers that run
     * by Winograd (which multiplies 16/36 as often, plus its transforms): the usual convention, so that rates in
     * MAC/s compare with other implementations of the same network.
     */
    public long macsPerImage(int h, int w) {
        return macs(h, w, true);
    }

    /** {@link #macsPerImage} of the unfused model: basis layers split, so {@link LayerPlan#unfusedMacsPerPixel()}. */
    public long unfusedMacsPerImage(int h, int w) {
        return macs(h, w, false);
    }

    private long macs(int h, int w, boolean fused) {
        if (h < 1 || w < 1) throw new IllegalArgumentException(OP + ": macsPerImage needs h, w >= 1, got " + h + " × " + w);
        long total = layerMacs(stem.plan(), h, w, fused);
        for (Block b : blocks) {
            LayerPlan p1 = b.conv1().plan();
            total += layerMacs(p1, h, w, fused);
            int oh = p1.outputSize(h), ow = p1.outputSize(w);
            total += layerMacs(b.conv2().plan(), oh, ow, fused);
            if (b.shortcutConv() != null) total += layerMacs(b.shortcutConv().plan(), h, w, fused);
            h = oh;
            w = ow;
        }
        return total + (long) fcWeight.dim(1) * numClasses;
    }

    private static long layerMacs(LayerPlan p, int h, int w, boolean fused) {
        long pixels = (long) p.outputSize(h) * p.outputSize(w);
        return pixels * (fused ? p.macsPerPixel() : p.unfusedMacsPerPixel());
    }

    /** x {@code [n, h, w, inChannels]} → a new logits tensor {@code [n, numClasses]}. */
    public Tensor forward(Tensor x) {
        checkInput(x);
        Tensor logits = Tensor.zeros(x.dim(0), numClasses);
        forward(x, logits);
        return logits;
    }

    /** x {@code [n, h, w, inChannels]} → logits written into {@code logits [n, numClasses]}. Safe to call concurrently. */
    public void forward(Tensor x, Tensor logits) {
        checkInput(x);
        Shape want = Shape.of(x.dim(0), numClasses);
        if (logits == null || !logits.shape().equals(want)) {
            throw new IllegalArgumentException(OP + ": logits must be [n, numClasses] = " + want + ", got " + (logits == null ? "null" : logits.shape()));
        }
        Workspace ws = acquire(x.shape());
        try {
            run(x, ws);
            logits.copyFrom(ws.logits());
        } finally {
            release(ws);
        }
    }

    /** The forward pass through the buffers of {@code ws}; the logits end in {@code ws.logits()}. */
    private void run(Tensor x, Workspace ws) {
        stem.runRelu(x, null, ws.stem(), null);
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            Tensor in = ws.in()[i], tmp = ws.tmp()[i], out = ws.out()[i];
            b.conv1().runRelu(in, null, tmp, ws.scratch1()[i]);
            // The shortcut first, so the second convolution can add it and apply the ReLU as it writes out.
            Tensor shortcut = switch (b.shortcut()) {
                case IDENTITY -> in;
                case OPTION_A -> {
                    Padding.subsamplePadChannels(in, 2, 2, b.optionAPad(), b.optionAPad(), ws.shortcut()[i]);
                    yield ws.shortcut()[i];
                }
                case OPTION_B -> {
                    b.shortcutConv().run(in, ws.shortcut()[i], null);
                    yield ws.shortcut()[i];
                }
            };
            b.conv2().runRelu(tmp, shortcut, out, ws.scratch2()[i]);
        }
        Pooling.globalMean(blocks.isEmpty() ? ws.stem() : ws.out()[blocks.size() - 1], ws.pooled());
        Gemm.gemm(false, true, 1f, ws.pooled(), fcWeight, 0f, ws.logits());
        if (fcBias != null) Elementwise.addChannel(ws.logits(), fcBias, ws.logits());
    }

    /** An idle buffer set for {@code input}, removed from the pool, or a new one. */
    private Workspace acquire(Shape input) {
        for (Iterator<Workspace> it = idle.iterator(); it.hasNext(); ) {
            Workspace ws = it.next();
            if (ws.input().equals(input) && idle.removeFirstOccurrence(ws)) return ws;
        }
        return newWorkspace(input);
    }

    /** Returns {@code ws} to the front of the pool, then drops the oldest sets beyond {@link #IDLE_FLOATS}. */
    private void release(Workspace ws) {
        idle.addFirst(ws);
        long total = 0;
        boolean first = true;
        for (Iterator<Workspace> it = idle.iterator(); it.hasNext(); ) {
            Workspace w = it.next();
            total += w.floats();
            // Another caller may have taken it meanwhile; then there is nothing to drop.
            if (!first && total > idleFloats) idle.removeFirstOccurrence(w);
            first = false;
        }
    }

    /** Sets of activation buffers in the pool now (for tests). */
    int idleWorkspaces() {
        return idle.size();
    }

    private void checkInput(Tensor x) {
        if (x == null || x.rank() != 4 || x.dim(3) != inChannels || x.dim(0) < 1 || x.dim(1) < 1 || x.dim(2) < 1) {
            throw new IllegalArgumentException(OP + ": x must be [n, h, w, " + inChannels + "] (NHWC, n, h, w >= 1), got "
                    + (x == null ? "null" : x.shape()));
        }
    }

    /**
     * A new set of buffers for inputs of shape {@code input}. Each stage has three maps
     * of its shape: {@code tmp} (after the first convolution) and two that take turns as block input and
     * output; every split layer's basis responses share one array, since only one layer runs at a time.
     */
    private Workspace newWorkspace(Shape input) {
        int nb = blocks.size();
        Tensor[] in = new Tensor[nb], tmp = new Tensor[nb], out = new Tensor[nb], sc = new Tensor[nb];
        long floats = 0;
        Shape[] s1 = new Shape[nb], s2 = new Shape[nb];
        Tensor stemOut = Tensor.zeros(stem.outputShape(input));
        Tensor cur = stemOut, t0 = null, t1 = null, t2 = null;
        long scratchSize = 0;
        for (int i = 0; i < nb; i++) {
            Block b = blocks.get(i);
            Shape mid = b.conv1().outputShape(cur.shape());
            Shape outShape = b.conv2().outputShape(mid);
            if (t0 == null || !t0.shape().equals(outShape)) {
                t0 = Tensor.zeros(outShape);
                t1 = Tensor.zeros(outShape);
                t2 = Tensor.zeros(outShape);
                floats += 3 * outShape.size();
            }
            in[i] = cur;
            tmp[i] = t0;
            out[i] = cur == t1 ? t2 : t1;
            s1[i] = b.conv1().scratchShape(cur.shape());
            s2[i] = b.conv2().scratchShape(mid);
            for (Shape s : new Shape[] {s1[i], s2[i]}) if (s != null) scratchSize = Math.max(scratchSize, s.size());
            if (b.shortcut() != ShortcutKind.IDENTITY) {
                sc[i] = Tensor.zeros(outShape);
                floats += outShape.size();
            }
            cur = out[i];
        }
        float[] scratch = new float[Math.toIntExact(scratchSize)];
        Tensor[] scratch1 = new Tensor[nb], scratch2 = new Tensor[nb];
        for (int i = 0; i < nb; i++) {
            if (s1[i] != null) scratch1[i] = Tensor.wrap(scratch, s1[i]);
            if (s2[i] != null) scratch2[i] = Tensor.wrap(scratch, s2[i]);
        }
        Tensor pooled = Tensor.zeros(input.dim(0), cur.dim(3));
        floats += stemOut.size() + scratchSize + pooled.size() + (long) input.dim(0) * numClasses;
        return new Workspace(input, stemOut, in, tmp, out, scratch1, scratch2, sc, pooled, Tensor.zeros(input.dim(0), numClasses), floats);
    }
}
