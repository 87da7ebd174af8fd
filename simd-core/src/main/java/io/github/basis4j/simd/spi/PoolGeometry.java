package io.github.basis4j.simd.spi;

/**
 * The geometry of a 2-D pooling window over an NHWC input: input {@code [n, h, w, c]}, a
 * {@code kernelH × kernelW} window moved by {@code strideH, strideW}, {@code padH, padW} implicit
 * padding on each side (top and bottom, left and right), output {@code [n, outH, outW, c]}.
 *
 * <p>Output {@code (oy, ox)} covers input rows {@code oy·strideH − padH … oy·strideH − padH + kernelH − 1}
 * and columns likewise (dilation 1). The facades compute {@code outH, outW} as PyTorch does with
 * {@code ceil_mode=False}: {@code (h + 2·padH − kernelH) / strideH + 1}; kernels only assert.
 *
 * @param n       batch size
 * @param h       input height
 * @param w       input width
 * @param c       channels
 * @param kernelH window height
 * @param kernelW window width
 * @param strideH vertical step
 * @param strideW horizontal step
 * @param padH    implicit padding above and below
 * @param padW    implicit padding left and right
 * @param outH    output height
 * @param outW    output width
 */
public record PoolGeometry(int n, int h, int w, int c, int kernelH, int kernelW, int strideH, int strideW,
                           int padH, int padW, int outH, int outW) {
    /** Elements of the input, {@code n·h·w·c}. */
    public int inputSize() {
        return n * h * w * c;
    }

    /** Elements of the output, {@code n·outH·outW·c}. */
    public int outputSize() {
        return n * outH * outW * c;
    }
}
