package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;

/**
 * A timing main, not a test: best-of-N milliseconds of the direct 3×3 convolution ({@link Convolutions#conv2d}
 * with packed weights) against {@link Convolutions#conv2dWinograd3x3} on the CIFAR ResNet layer shapes, to
 * choose which layers the fused network runs by Winograd; also a residual block's second convolution
 * (conv, add, ReLU) against Winograd with that epilogue fused. Reports, never asserts.
 *
 * <p>Run after {@code mvn test-compile}: {@code java --add-modules jdk.incubator.vector -cp
 * simd-core/target/classes:simd-core/target/test-classes io.github.basis4j.simd.ops.WinogradTiming [threads] [reps]}.
 */
public final class WinogradTiming {
    private WinogradTiming() {
    }

    /**
     * Prints one line per shape.
     *
     * @param args optional thread count (default 1) and repetitions (default 20)
     */
    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Parallel.setThreads(threads);
        int[][] shapes = {{128, 32, 3, 16}, {128, 32, 16, 16}, {128, 16, 32, 32}, {128, 8, 64, 64},
            {1, 32, 3, 16}, {1, 32, 16, 16}, {1, 16, 32, 32}, {1, 8, 64, 64}, {1, 32, 16, 4}, {1, 8, 64, 16}};
        for (int[] s : shapes) {
            int n = s[0], hw = s[1], c = s[2], oc = s[3];
            Tensor x = Tensor.of(Numerics.randomFloats(n * hw * hw * c, 1), n, hw, hw, c);
            Tensor w = Tensor.of(Numerics.randomFloats(oc * c * 9, 2), oc, c, 3, 3);
            Tensor b = Tensor.of(Numerics.randomFloats(oc, 3), oc);
            Tensor y = Tensor.zeros(n, hw, hw, oc);
            PackedConv2dWeight pw = PackedConv2dWeight.pack(w);
            WinogradConv3x3Weight uw = WinogradConv3x3Weight.pack(w);
            Conv2dParams p = Conv2dParams.of(1, 1);
            int inner = n == 1 ? 200 : 1;
            Tensor res = Tensor.of(Numerics.randomFloats(y.size(), 4), y.shape().dims());
            double direct = Double.MAX_VALUE, wino = Double.MAX_VALUE, directBlock = Double.MAX_VALUE, winoBlock = Double.MAX_VALUE;
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < inner; i++) Convolutions.conv2d(x, pw, b, p, y);
                long t1 = System.nanoTime();
                for (int i = 0; i < inner; i++) Convolutions.conv2dWinograd3x3(x, uw, b, 1, y);
                long t2 = System.nanoTime();
                // A residual block's second convolution: conv, + shortcut, ReLU.
                for (int i = 0; i < inner; i++) {
                    Convolutions.conv2d(x, pw, b, p, y);
                    Elementwise.add(y, res, y);
                    Elementwise.relu(y, y);
                }
                long t3 = System.nanoTime();
                for (int i = 0; i < inner; i++) Convolutions.conv2dWinograd3x3(x, uw, b, 1, res, true, y);
                long t4 = System.nanoTime();
                direct = Math.min(direct, (t1 - t0) / 1e6 / inner);
                wino = Math.min(wino, (t2 - t1) / 1e6 / inner);
                directBlock = Math.min(directBlock, (t3 - t2) / 1e6 / inner);
                winoBlock = Math.min(winoBlock, (t4 - t3) / 1e6 / inner);
            }
            double macs = (double) n * hw * hw * c * oc * 9;
            System.out.printf("n=%d %dx%d %d->%d  direct %.4f ms (%.1f GMAC/s)  winograd %.4f ms (%.1f eff. GMAC/s)  ratio %.2f"
                    + "  | with add+relu: direct %.4f  winograd %.4f  ratio %.2f%n",
                    n, hw, hw, c, oc, direct, macs / direct / 1e6, wino, macs / wino / 1e6, direct / wino, directBlock, winoBlock,
                    directBlock / winoBlock);
        }
    }
}
