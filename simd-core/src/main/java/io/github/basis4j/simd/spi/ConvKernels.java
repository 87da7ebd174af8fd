package io.github.basis4j.simd.spi;

/**
 * Dense, grouped and depthwise 2-D convolutions over NHWC feature maps, forward and backward.
 *
 * <p>Layouts (dimension letters as in the Javadoc of {@link Conv2dGeometry}):
 * <ul>
 *   <li>input {@code x} and its gradient: {@code [n, h, w, c]};</li>
 *   <li>output {@code y} and its gradient: {@code [n, oh, ow, oc]};</li>
 *   <li>weights of the dense/grouped kernels: packed <b>HWIO</b>, {@code [kh, kw, c/groups, oc]}: element
 *       {@code (i, j, ci, o)} at {@code ((i·kw + j)·(c/groups) + ci)·oc + o}, where output channel {@code o}
 *       belongs to group {@code o / (oc/groups)} and reads input channel {@code group·(c/groups) + ci}.
 *       Output channels are innermost so that a vector of consecutive {@code o} is one load, and the
 *       {@code (i, j, ci)} order matches an NHWC patch, so group {@code g}'s weights are the GEMM operand
 *       {@code [kh·kw·c/groups, oc/groups]} at offset {@code g·oc/groups} with row stride {@code oc};</li>
 *   <li>weights of the depthwise kernels ({@code groups == c == oc}): {@code [kh, kw, c]}, which is HWIO
 *       with {@code c/groups == 1};</li>
 *   <li>bias and its gradient: {@code [oc]}.</li>
 * </ul>
 * PyTorch's {@code [oc, c/groups, kh, kw]} layout is converted by {@code io.github.basis4j.simd.ops.Convolutions}
 * (O(weights), once per call or once at load).
 *
 * <p>Forward kernels overwrite {@code y}. Backward kernels add into their gradient buffers ({@code +=});
 * the caller zeroes them first. Implementations parallelise over {@code io.github.basis4j.simd.Parallel}
 * with chunks that depend on the geometry only, and combine weight-gradient partial sums in chunk
 * order, so results are bit-identical for any thread count.
 *
 * <p>Implemented by {@code io.github.basis4j.simd.scalar.ScalarConvolutions} (plain loops, the oracle) and
 * {@code io.github.basis4j.simd.panama.PanamaConvolutions} (Vector API); both have the same methods.
 */
public interface ConvKernels {

    /**
     * The sizes of one 2-D convolution; validated by the facade, asserted here.
     *
     * @param n         batch size
     * @param h         input height
     * @param w         input width
     * @param c         input channels
     * @param oc        output channels
     * @param kh        kernel height
     * @param kw        kernel width
     * @param strideH   vertical stride (≥ 1)
     * @param strideW   horizontal stride (≥ 1)
     * @param padH      zero rows added above and below (≥ 0)
     * @param padW      zero columns added left and right (≥ 0)
     * @param dilationH vertical spacing of kernel taps (≥ 1)
     * @param dilationW horizontal spacing of kernel taps (≥ 1)
     * @param groups    channel groups; {@code c} and {@code oc} are multiples of it
     */
    record Conv2dGeometry(int n, int h, int w, int c, int oc, int kh, int kw,
                          int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
        public Conv2dGeometry {
            assert n >= 0 && h >= 1 && w >= 1 && c >= 1 && oc >= 1 && kh >= 1 && kw >= 1 : "sizes";
            assert strideH >= 1 && strideW >= 1 && padH >= 0 && padW >= 0 && dilationH >= 1 && dilationW >= 1 : "params";
            assert groups >= 1 && c % groups == 0 && oc % groups == 0 : "groups";
        }

        /** Output height, PyTorch's formula: {@code (h + 2·padH − dilationH·(kh − 1) − 1) / strideH + 1}, floored. */
        public int oh() {
            return Math.floorDiv(h + 2 * padH - dilationH * (kh - 1) - 1, strideH) + 1;
        }

        /** Output width, as {@link #oh()}. */
        public int ow() {
            return Math.floorDiv(w + 2 * padW - dilationW * (kw - 1) - 1, strideW) + 1;
        }

        /** Input channels per group, {@code c / groups}. */
        public int icg() {
            return c / groups;
        }

        /** Output channels per group, {@code oc / groups}. */
        public int ocg() {
            return oc / groups;
        }

        /** Whether every channel is its own group: {@code groups == c == oc}. */
        public boolean isDepthwise() {
            return groups == c && oc == c;
        }

        /** Number of packed weights, {@code kh·kw·(c/groups)·oc}. */
        public int weightSize() {
            return kh * kw * icg() * oc;
        }
    }

    /**
     * Dense or grouped forward: {@code y[b, p, q, o] = bias[o] + Σ_{i, j, ci} x[b, p·sH − padH + i·dH,
     * q·sW − padW + j·dW, g·c/groups + ci] · w[i, j, ci, o]} with {@code g = o / (oc/groups)} and taps
     * outside the input counting as zero. Overwrites {@code y}.
     *
     * @param x    input [n, h, w, c] at {@code xOff}
     * @param w    packed HWIO weights [kh, kw, c/groups, oc] at {@code wOff}
     * @param bias [oc] at {@code biasOff}, or {@code null} for none
     * @param y    output [n, oh, ow, oc] at {@code yOff}
     */
    void conv2dForward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                       float[] y, int yOff);

    /**
     * Gradient with respect to the input: {@code dx += ∂(Σ dy·y)/∂x}, the transposed convolution of
     * {@code dy} with the weights.
     *
     * @param dy output gradient [n, oh, ow, oc] at {@code dyOff}
     * @param w  packed HWIO weights [kh, kw, c/groups, oc] at {@code wOff}
     * @param dx input gradient [n, h, w, c] at {@code dxOff}, added into
     */
    void conv2dBackwardInput(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff);

    /**
     * Gradients with respect to the weights and the bias: {@code dw[i, j, ci, o] += Σ_{b, p, q}
     * x[b, p·sH − padH + i·dH, q·sW − padW + j·dW, g·c/groups + ci] · dy[b, p, q, o]} and
     * {@code dBias[o] += Σ_{b, p, q} dy[b, p, q, o]}.
     *
     * @param x     input [n, h, w, c] at {@code xOff}
     * @param dy    output gradient [n, oh, ow, oc] at {@code dyOff}
     * @param dw    packed HWIO weight gradient [kh, kw, c/groups, oc] at {@code dwOff}, added into
     * @param dBias bias gradient [oc] at {@code dBiasOff}, added into, or {@code null} to skip it
     */
    void conv2dBackwardWeight(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff,
                              float[] dw, int dwOff, float[] dBias, int dBiasOff);

    /**
     * Depthwise forward ({@code g.isDepthwise()}): {@code y[b, p, q, ch] = bias[ch] + Σ_{i, j}
     * x[b, p·sH − padH + i·dH, q·sW − padW + j·dW, ch] · w[i, j, ch]}. Overwrites {@code y}.
     *
     * @param x    input [n, h, w, c] at {@code xOff}
     * @param w    weights [kh, kw, c] at {@code wOff}
     * @param bias [c] at {@code biasOff}, or {@code null}
     * @param y    output [n, oh, ow, c] at {@code yOff}
     */
    void depthwiseConv2dForward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                                float[] y, int yOff);

    /**
     * Depthwise gradient with respect to the input, added into {@code dx}.
     *
     * @param dy output gradient [n, oh, ow, c] at {@code dyOff}
     * @param w  weights [kh, kw, c] at {@code wOff}
     * @param dx input gradient [n, h, w, c] at {@code dxOff}, added into
     */
    void depthwiseConv2dBackwardInput(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff);

    /**
     * Depthwise gradients with respect to the weights and the bias, added into {@code dw} and {@code dBias}.
     *
     * @param x     input [n, h, w, c] at {@code xOff}
     * @param dy    output gradient [n, oh, ow, c] at {@code dyOff}
     * @param dw    weight gradient [kh, kw, c] at {@code dwOff}, added into
     * @param dBias bias gradient [c] at {@code dBiasOff}, added into, or {@code null} to skip it
     */
    void depthwiseConv2dBackwardWeight(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff,
                                       float[] dw, int dwOff, float[] dBias, int dBiasOff);
}
