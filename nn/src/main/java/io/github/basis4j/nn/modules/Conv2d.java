package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Conv;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.ops.Conv2dParams;

/**
 * 2-D convolution over channel-last maps, mirroring {@code torch.nn.Conv2d(in, out, kernel, stride, padding,
 * dilation, groups, bias)} with {@code padding_mode='zeros'}.
 *
 * <p>Shapes: x {@code [n, h, w, in]} → y {@code [n, oh, ow, out]} with
 * {@code oh = ⌊(h + 2·padH − dilationH·(kh − 1) − 1)/strideH⌋ + 1}, likewise ow.
 *
 * <p>State (PyTorch's names and layout): {@code weight [out, in/groups, kh, kw]}, then {@code bias [out]}
 * if the layer has one. Both start from PyTorch's default: U(−1/√fan_in, 1/√fan_in) with
 * {@code fan_in = in/groups·kh·kw}, weight drawn first.
 *
 * <p>The functional twin is {@link Conv#conv2d(Variable, Variable, Variable, Conv2dParams)}.
 */
public final class Conv2d extends Module {
    private final int inChannels;
    private final int outChannels;
    private final int kernelH;
    private final int kernelW;
    private final Conv2dParams params;
    private final Parameter weight;
    private final Parameter bias;
    private final PackedWeightCache packed = new PackedWeightCache();

    /**
     * A square-kernel convolution with the same stride and padding on both axes, no dilation, one group.
     *
     * @param rng the source of the initial weights
     */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias, Rng rng) {
        this(builder().setInChannels(inChannels).setOutChannels(outChannels).setKernelSize(kernel).optStride(stride)
                .optPadding(padding).optBias(bias).setRng(rng).validate());
    }

    private Conv2d(Builder b) {
        this.inChannels = b.inChannels;
        this.outChannels = b.outChannels;
        this.kernelH = b.kernelH;
        this.kernelW = b.kernelW;
        this.params = new Conv2dParams(b.strideH, b.strideW, b.padH, b.padW, b.dilationH, b.dilationW, b.groups);
        this.weight = registerParameter("weight", Shape.of(outChannels, inChannels / b.groups, kernelH, kernelW));
        this.bias = b.bias ? registerParameter("bias", Shape.of(outChannels)) : null;
        LayerInit.pytorchDefault(weight, bias, b.rng);
    }

    /** A builder: {@code setInChannels}, {@code setOutChannels}, {@code setKernelSize}, {@code setRng} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * x {@code [n, h, w, in]} → {@code [n, oh, ow, out]}. Inside a {@link NoGrad} scope the weight is packed
     * into the kernels' layout once and reused while it is unchanged ({@link PackedWeightCache}); the result is
     * bit-identical to the recorded path, which repacks on every call.
     */
    @Override
    public Variable forward(Variable x) {
        if (!NoGrad.isGradEnabled() && x != null) return Conv.conv2d(x, packed.get(weight.value()), bias, params);
        return Conv.conv2d(x, weight, bias, params);
    }

    /** The weight {@code [out, in/groups, kh, kw]}. */
    public Parameter weight() {
        return weight;
    }

    /** The bias {@code [out]}, or null for a layer built without one. */
    public Parameter bias() {
        return bias;
    }

    /** Stride, padding, dilation and groups. */
    public Conv2dParams params() {
        return params;
    }

    /** Input channels. */
    public int inChannels() {
        return inChannels;
    }

    /** Output channels. */
    public int outChannels() {
        return outChannels;
    }

    /** Kernel height kh. */
    public int kernelH() {
        return kernelH;
    }

    /** Kernel width kw. */
    public int kernelW() {
        return kernelW;
    }

    /**
     * Options of a {@link Conv2d}. Defaults are PyTorch's: stride 1, padding 0, dilation 1, one group, with
     * bias.
     */
    public static final class Builder {
        private int inChannels = -1;
        private int outChannels = -1;
        private int kernelH = -1;
        private int kernelW = -1;
        private int strideH = 1;
        private int strideW = 1;
        private int padH;
        private int padW;
        private int dilationH = 1;
        private int dilationW = 1;
        private int groups = 1;
        private boolean bias = true;
        private Rng rng;

        private Builder() {
        }

        /** Input channels (required). */
        public Builder setInChannels(int c) {
            this.inChannels = c;
            return this;
        }

        /** Output channels (required). */
        public Builder setOutChannels(int c) {
            this.outChannels = c;
            return this;
        }

        /** A square {@code k × k} kernel (this or {@link #setKernelSize(int, int)} is required). */
        public Builder setKernelSize(int k) {
            return setKernelSize(k, k);
        }

        /** A {@code kh × kw} kernel. */
        public Builder setKernelSize(int kh, int kw) {
            this.kernelH = kh;
            this.kernelW = kw;
            return this;
        }

        /** The source of the initial weights (required). */
        public Builder setRng(Rng rng) {
            this.rng = rng;
            return this;
        }

        /** The same stride on both axes. */
        public Builder optStride(int s) {
            return optStride(s, s);
        }

        /** Vertical and horizontal strides (default 1). */
        public Builder optStride(int sh, int sw) {
            this.strideH = sh;
            this.strideW = sw;
            return this;
        }

        /** The same zero padding on both axes. */
        public Builder optPadding(int p) {
            return optPadding(p, p);
        }

        /** Zero rows above and below, zero columns left and right (default 0). */
        public Builder optPadding(int ph, int pw) {
            this.padH = ph;
            this.padW = pw;
            return this;
        }

        /** The same dilation on both axes. */
        public Builder optDilation(int d) {
            return optDilation(d, d);
        }

        /** Vertical and horizontal spacing of the kernel taps (default 1). */
        public Builder optDilation(int dh, int dw) {
            this.dilationH = dh;
            this.dilationW = dw;
            return this;
        }

        /** Channel groups; in and out must be multiples of it ({@code groups = in = out} is depthwise). */
        public Builder optGroups(int g) {
            this.groups = g;
            return this;
        }

        /** Whether the layer has a bias (default true). */
        public Builder optBias(boolean b) {
            this.bias = b;
            return this;
        }

        /** Validates every option and builds the layer, drawing its initial weights from the rng. */
        public Conv2d build() {
            return new Conv2d(validate());
        }

        private Builder validate() {
            String op = "Conv2d";
            if (inChannels < 1) throw new IllegalArgumentException(op + ": inChannels must be set and >= 1, got " + inChannels);
            if (outChannels < 1) throw new IllegalArgumentException(op + ": outChannels must be set and >= 1, got " + outChannels);
            if (kernelH < 1 || kernelW < 1) {
                throw new IllegalArgumentException(op + ": kernel size must be set and >= 1, got " + kernelH + "x" + kernelW);
            }
            if (groups < 1) throw new IllegalArgumentException(op + ": groups must be >= 1, got " + groups);
            if (inChannels % groups != 0 || outChannels % groups != 0) {
                throw new IllegalArgumentException(op + ": inChannels and outChannels must be multiples of groups = " + groups
                        + ", got in " + inChannels + ", out " + outChannels);
            }
            // Conv2dParams validates stride, padding and dilation with messages naming the field.
            new Conv2dParams(strideH, strideW, padH, padW, dilationH, dilationW, groups);
            Args.requireRng(op, rng);
            return this;
        }
    }
}
