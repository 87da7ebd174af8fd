package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.ConvKernels;
import io.github.basis4j.simd.spi.ConvKernels.Conv2dGeometry;
import io.github.basis4j.simd.spi.WinogradKernels;
import io.github.basis4j.simd.spi.WinogradKernels.Winograd3x3Geometry;

import java.util.Arrays;

/**
 * 2-D convolutions on NHWC tensors: validates shapes and delegates to the current backend's {@link ConvKernels}.
 *
 * <p>Layouts: input {@code x [n, h, w, c]}; output {@code y [n, oh, ow, oc]} with PyTorch's
 * {@code oh = (h + 2·padH − dilationH·(kh − 1) − 1) / strideH + 1} (floored), likewise {@code ow};
 * weights in PyTorch's {@code [oc, c/groups, kh, kw]} layout, so modules keep their {@code state_dict}
 * shapes (weight gradients come back in that layout too); bias {@code [oc]} or {@code null}.
 * Weights are repacked into the kernels' HWIO layout on every call (O(weights)); {@link PackedConv2dWeight}
 * does it once for inference. {@code groups == c == oc} is a depthwise convolution and goes to the
 * dedicated depthwise kernels.
 *
 * <p>Backward methods add into their gradient tensors ({@code +=}); zero them first.
 */
public final class Convolutions {
    private Convolutions() {
    }

    /** A new output {@code [n, oh, ow, oc]} of {@code conv2d(x, weight, bias)}. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams p) {
        Conv2dGeometry g = geometry("conv2d", x, weightShape("conv2d", weight), p);
        Tensor y = Tensor.zeros(g.n(), g.oh(), g.ow(), g.oc());
        conv2d(x, weight, bias, p, y);
        return y;
    }

    /** {@code y = conv2d(x, weight) + bias}, overwriting {@code y [n, oh, ow, oc]}. */
    public static void conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams p, Tensor y) {
        Conv2dGeometry g = geometry("conv2d", x, weightShape("conv2d", weight), p);
        checkBias("conv2d", bias, g.oc());
        checkOutput("conv2d", "y", y, g);
        float[] hwio = new float[weight.size()];
        PackedConv2dWeight.packInto(weight.data(), weight.offset(), g.oc(), g.icg(), g.kh(), g.kw(), hwio);
        forward(g, x, hwio, bias, y);
    }

    /** A new output of {@code conv2d(x, weight, bias)} with weights packed beforehand. */
    public static Tensor conv2d(Tensor x, PackedConv2dWeight weight, Tensor bias, Conv2dParams p) {
        if (weight == null) throw new IllegalArgumentException("conv2d: weight must not be null");
        Conv2dGeometry g = geometry("conv2d", x, weight.torchShape(), p);
        Tensor y = Tensor.zeros(g.n(), g.oh(), g.ow(), g.oc());
        conv2d(x, weight, bias, p, y);
        return y;
    }

    /** {@code y = conv2d(x, weight) + bias} with weights packed beforehand, overwriting {@code y}. */
    public static void conv2d(Tensor x, PackedConv2dWeight weight, Tensor bias, Conv2dParams p, Tensor y) {
        if (weight == null) throw new IllegalArgumentException("conv2d: weight must not be null");
        Conv2dGeometry g = geometry("conv2d", x, weight.torchShape(), p);
        checkBias("conv2d", bias, g.oc());
        checkOutput("conv2d", "y", y, g);
        forward(g, x, weight.data(), bias, y);
    }

    private static void forward(Conv2dGeometry g, Tensor x, float[] hwio, Tensor bias, Tensor y) {
        ConvKernels k = Backends.current().conv();
        float[] b = bias == null ? null : bias.data();
        int bOff = bias == null ? 0 : bias.offset();
        if (g.isDepthwise()) {
            k.depthwiseConv2dForward(g, x.data(), x.offset(), hwio, 0, b, bOff, y.data(), y.offset());
        } else {
            k.conv2dForward(g, x.data(), x.offset(), hwio, 0, b, bOff, y.data(), y.offset());
        }
    }

    /**
     * A new output {@code [n, oh, ow, oc]} of the 3×3, stride-1 convolution of {@code x [n, h, w, ic]} by
     * {@code weight}, computed by Winograd's F(2×2, 3×3); see {@link #conv2dWinograd3x3(Tensor, WinogradConv3x3Weight,
     * Tensor, int, Tensor, boolean, Tensor)}.
     */
    public static Tensor conv2dWinograd3x3(Tensor x, WinogradConv3x3Weight weight, Tensor bias, int padding) {
        Winograd3x3Geometry g = winogradGeometry(x, weight, padding);
        Tensor y = Tensor.zeros(g.n(), g.oh(), g.ow(), g.oc());
        conv2dWinograd3x3(x, weight, bias, padding, null, false, y);
        return y;
    }

    /** {@code y = conv2d(x, weight) + bias} by F(2×2, 3×3), overwriting {@code y [n, oh, ow, oc]}. */
    public static void conv2dWinograd3x3(Tensor x, WinogradConv3x3Weight weight, Tensor bias, int padding, Tensor y) {
        conv2dWinograd3x3(x, weight, bias, padding, null, false, y);
    }

    /**
     * {@code y = act(conv2d(x, weight) + bias + residual)} for a 3×3 kernel, stride 1, dilation 1, one group and
     * {@code padding} zeros on every side, computed by Winograd's F(2×2, 3×3) ({@link WinogradKernels}):
     * {@code x [n, h, w, ic]}, {@code y [n, oh, ow, oc]} with {@code oh = h + 2·padding − 2} (likewise ow);
     * {@code bias [oc]} or {@code null}; {@code residual} of y's shape or {@code null} for none; {@code act} is
     * ReLU when {@code relu}, else the identity. The residual add and the ReLU happen in the output transform,
     * which saves the two extra passes over y that a residual block's {@code add} and {@code relu} would make.
     * Results differ from {@link #conv2d} by rounding only (the transforms add and subtract inputs before
     * multiplying: a relative error of order 1e-6 of the output's magnitude). {@code y} must not overlap
     * {@code x} or {@code residual}.
     */
    public static void conv2dWinograd3x3(Tensor x, WinogradConv3x3Weight weight, Tensor bias, int padding, Tensor residual,
                                         boolean relu, Tensor y) {
        String op = "conv2dWinograd3x3";
        Winograd3x3Geometry g = winogradGeometry(x, weight, padding);
        checkBias(op, bias, g.oc());
        Shape want = Shape.of(g.n(), g.oh(), g.ow(), g.oc());
        if (y == null) throw new IllegalArgumentException(op + ": y must not be null");
        if (!y.shape().equals(want)) {
            throw new IllegalArgumentException(op + ": y must be [n, oh, ow, oc] = " + want + ", got " + y.shape());
        }
        if (residual != null && !residual.shape().equals(want)) {
            throw new IllegalArgumentException(op + ": residual must be y's shape [n, oh, ow, oc] = " + want + ", got " + residual.shape());
        }
        if (overlaps(x, y)) throw new IllegalArgumentException(op + ": y must not overlap x (the kernel reads x after writing y)");
        if (residual != null && overlaps(residual, y)) {
            throw new IllegalArgumentException(op + ": y must not overlap residual");
        }
        float[] b = bias == null ? new float[g.oc()] : bias.data();
        int bOff = bias == null ? 0 : bias.offset();
        Backends.current().winograd().conv3x3Forward(g, x.data(), x.offset(), weight.data(), 0, b, bOff,
                residual == null ? null : residual.data(), residual == null ? 0 : residual.offset(), relu, y.data(), y.offset());
    }

    private static Winograd3x3Geometry winogradGeometry(Tensor x, WinogradConv3x3Weight weight, int padding) {
        String op = "conv2dWinograd3x3";
        if (weight == null) throw new IllegalArgumentException(op + ": weight must not be null");
        if (x == null) throw new IllegalArgumentException(op + ": x must not be null");
        if (x.rank() != 4 || x.dim(1) < 1 || x.dim(2) < 1 || x.dim(3) != weight.inChannels()) {
            throw new IllegalArgumentException(op + ": x must be [n, h, w, ic] with h, w >= 1 and ic = " + weight.inChannels()
                    + " (the weight's input channels), got shape " + x.shape());
        }
        int n = x.dim(0), h = x.dim(1), w = x.dim(2);
        if (padding < 0) throw new IllegalArgumentException(op + ": padding must be >= 0, got " + padding);
        long oh = (long) h + 2L * padding - 2, ow = (long) w + 2L * padding - 2;
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": output size must be positive, got oh × ow = " + oh + " × " + ow + " for input "
                    + h + " × " + w + " with padding " + padding);
        }
        if (n * oh * ow * weight.outChannels() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(op + ": output [" + n + ", " + oh + ", " + ow + ", " + weight.outChannels()
                    + "] is too large for a Java array");
        }
        return new Winograd3x3Geometry(n, h, w, weight.inChannels(), weight.outChannels(), padding);
    }

    private static boolean overlaps(Tensor a, Tensor b) {
        return a.data() == b.data() && a.offset() < b.offset() + b.size() && b.offset() < a.offset() + a.size();
    }

    /**
     * {@code dx += ∂L/∂x} given {@code dy = ∂L/∂y}: {@code dy [n, oh, ow, oc]}, {@code weight [oc, c/groups, kh, kw]},
     * {@code dx [n, h, w, c]} (its shape gives the input size).
     */
    public static void conv2dBackwardInput(Tensor dy, Tensor weight, Conv2dParams p, Tensor dx) {
        String op = "conv2dBackwardInput";
        Conv2dGeometry g = geometry(op, dx, weightShape(op, weight), p);
        checkOutput(op, "dy", dy, g);
        float[] hwio = new float[weight.size()];
        PackedConv2dWeight.packInto(weight.data(), weight.offset(), g.oc(), g.icg(), g.kh(), g.kw(), hwio);
        ConvKernels k = Backends.current().conv();
        if (g.isDepthwise()) {
            k.depthwiseConv2dBackwardInput(g, dy.data(), dy.offset(), hwio, 0, dx.data(), dx.offset());
        } else {
            k.conv2dBackwardInput(g, dy.data(), dy.offset(), hwio, 0, dx.data(), dx.offset());
        }
    }

    /**
     * {@code dWeight += ∂L/∂weight} ({@code [oc, c/groups, kh, kw]}) and, unless {@code dBias} is null,
     * {@code dBias += ∂L/∂bias} ({@code [oc]}), given the forward input {@code x [n, h, w, c]} and
     * {@code dy [n, oh, ow, oc]}.
     */
    public static void conv2dBackwardWeight(Tensor x, Tensor dy, Conv2dParams p, Tensor dWeight, Tensor dBias) {
        String op = "conv2dBackwardWeight";
        Conv2dGeometry g = geometry(op, x, weightShape(op, dWeight), p);
        checkOutput(op, "dy", dy, g);
        if (dBias != null) checkBias(op, dBias, g.oc());
        float[] hwio = new float[dWeight.size()];
        float[] b = dBias == null ? null : dBias.data();
        int bOff = dBias == null ? 0 : dBias.offset();
        ConvKernels k = Backends.current().conv();
        if (g.isDepthwise()) {
            k.depthwiseConv2dBackwardWeight(g, x.data(), x.offset(), dy.data(), dy.offset(), hwio, 0, b, bOff);
        } else {
            k.conv2dBackwardWeight(g, x.data(), x.offset(), dy.data(), dy.offset(), hwio, 0, b, bOff);
        }
        PackedConv2dWeight.addUnpacked(hwio, g.oc(), g.icg(), g.kh(), g.kw(), dWeight.data(), dWeight.offset());
    }

    /** The output shape {@code [n, oh, ow, oc]} of a convolution of {@code x} by {@code weight}, validating both. */
    public static Shape outputShape(Shape x, Shape weight, Conv2dParams p) {
        if (x == null || weight == null) throw new IllegalArgumentException("conv2d: x and weight shapes must not be null");
        Conv2dGeometry g = geometry("conv2d", x, weight.dims(), p);
        return Shape.of(g.n(), g.oh(), g.ow(), g.oc());
    }

    private static int[] weightShape(String op, Tensor weight) {
        if (weight == null) throw new IllegalArgumentException(op + ": weight must not be null");
        return weight.shape().dims();
    }

    private static Conv2dGeometry geometry(String op, Tensor x, int[] weight, Conv2dParams p) {
        if (x == null) throw new IllegalArgumentException(op + ": x must not be null");
        return geometry(op, x.shape(), weight, p);
    }

    private static Conv2dGeometry geometry(String op, Shape x, int[] weight, Conv2dParams p) {
        if (p == null) throw new IllegalArgumentException(op + ": params must not be null");
        if (x.rank() != 4) {
            throw new IllegalArgumentException(op + ": x must be a rank-4 [n, h, w, c] tensor (NHWC), got shape " + x);
        }
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        if (h < 1 || w < 1 || c < 1) {
            throw new IllegalArgumentException(op + ": x must have h, w, c >= 1, got shape " + x);
        }
        if (weight.length != 4) {
            throw new IllegalArgumentException(op + ": weight must be a rank-4 [oc, ic/groups, kh, kw] tensor, got shape "
                    + Arrays.toString(weight));
        }
        int groups = p.groups();
        if (c % groups != 0) {
            throw new IllegalArgumentException(op + ": input channels c = " + c + " must be divisible by groups = " + groups);
        }
        int oc = weight[0], kh = weight[2], kw = weight[3];
        if (oc < 1 || kh < 1 || kw < 1 || weight[1] != c / groups) {
            throw new IllegalArgumentException(op + ": weight must be [oc, ic/groups, kh, kw] = [" + oc + ", " + (c / groups)
                    + ", " + kh + ", " + kw + "] (oc, kh, kw >= 1) for x " + x + " with groups " + groups
                    + ", got " + Arrays.toString(weight));
        }
        if (oc % groups != 0) {
            throw new IllegalArgumentException(op + ": output channels oc = " + oc + " must be divisible by groups = " + groups);
        }
        long oh = Math.floorDiv((long) h + 2L * p.padH() - (long) p.dilationH() * (kh - 1) - 1, p.strideH()) + 1;
        long ow = Math.floorDiv((long) w + 2L * p.padW() - (long) p.dilationW() * (kw - 1) - 1, p.strideW()) + 1;
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": output size must be positive, got oh × ow = " + oh + " × " + ow
                    + " for input " + h + " × " + w + ", kernel " + kh + " × " + kw + ", padding " + p.padH() + " × " + p.padW()
                    + ", dilation " + p.dilationH() + " × " + p.dilationW() + ", stride " + p.strideH() + " × " + p.strideW());
        }
        if (n * oh * ow * oc > Integer.MAX_VALUE - 8 || (long) h + 2L * p.padH() > Integer.MAX_VALUE / Math.max(1, (w + 2L * p.padW()) * c)) {
            throw new IllegalArgumentException(op + ": output [" + n + ", " + oh + ", " + ow + ", " + oc
                    + "] or padded input is too large for a Java array");
        }
        return new Conv2dGeometry(n, h, w, c, oc, kh, kw, p.strideH(), p.strideW(), p.padH(), p.padW(),
                p.dilationH(), p.dilationW(), groups);
    }

    private static void checkBias(String op, Tensor bias, int oc) {
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != oc)) {
            throw new IllegalArgumentException(op + ": bias must be [oc] = [" + oc + "], got " + bias.shape());
        }
    }

    private static void checkOutput(String op, String name, Tensor t, Conv2dGeometry g) {
        Shape want = Shape.of(g.n(), g.oh(), g.ow(), g.oc());
        if (t == null) throw new IllegalArgumentException(op + ": " + name + " must not be null");
        if (!t.shape().equals(want)) {
            throw new IllegalArgumentException(op + ": " + name + " must be [n, oh, ow, oc] = " + want + ", got " + t.shape());
        }
    }
}
