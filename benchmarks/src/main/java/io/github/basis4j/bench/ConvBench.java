package io.github.basis4j.bench;

import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Conv2dParams;
import io.github.basis4j.simd.ops.Convolutions;
import io.github.basis4j.simd.spi.Backends;
import io.github.basis4j.simd.spi.ConvKernels;
import io.github.basis4j.simd.spi.ConvKernels.Conv2dGeometry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * 2-D convolutions through the {@link Convolutions} facade on NHWC tensors, dense and depthwise, without bias
 * (ResNet convolutions have none). The weight is a PyTorch-layout {@code [oc, c/g, k, k]} tensor handed to
 * the facade on every call, as in training, so its repacking is timed too (O(weights), under 2 % here).
 *
 * <p>Shape tokens: {@code n h w c oc k}, optional {@code s} (stride, default 1), {@code p} (padding, default
 * {@code k/2}, "same") and {@code g} (groups, default 1; {@code g = c = oc} is depthwise). FLOPs per forward:
 * {@code 2·n·oh·ow·oc·k·k·c/g}; forward+backward is three times that (forward, input gradient, weight gradient).
 *
 * <p>Shapes: the four ResNet 3×3 shapes of PERF.md (CIFAR stages 1–3 at batch 128, ResNet-34 stage 1 at
 * batch 1) and the 7×7 depthwise convolution of CDFFormer-S18's first-stage separable-convolution mixer
 * (64 channels expanded twice: C=128 on the 56×56 map).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConvBench {
    /** The list is also in benchmarks/workloads.py under "ConvBench.forward" and "ConvBench.forwardBackward". */
    @Param({
            "n128_h32_w32_c16_oc16_k3",
            "n128_h16_w16_c32_oc32_k3",
            "n128_h8_w8_c64_oc64_k3",
            "n1_h56_w56_c64_oc64_k3",
            "n1_h56_w56_c128_oc128_k7_g128",
    })
    public String shape;

    Conv2dParams params;
    Conv2dGeometry geometry;
    /** Input [n, h, w, c] and its gradient. */
    Tensor x, dx;
    /** Weight [oc, c/g, k, k] and its gradient. */
    Tensor w, dw;
    /** Output [n, oh, ow, oc] and a fixed upstream gradient of the same shape. */
    Tensor y, dy;

    /** Builds seeded inputs and checks forward, input and weight gradients against the scalar twin. */
    @Setup(Level.Trial)
    public void setUp() {
        ShapeSpec s = ShapeSpec.parse(shape);
        int n = s.get("n"), h = s.get("h"), wd = s.get("w"), c = s.get("c"), oc = s.get("oc"), k = s.get("k");
        int stride = s.get("s", 1), pad = s.get("p", k / 2), groups = s.get("g", 1);
        params = Conv2dParams.of(stride, pad, 1, groups);
        geometry = new Conv2dGeometry(n, h, wd, c, oc, k, k, stride, stride, pad, pad, 1, 1, groups);
        x = Tensor.uniform(Shape.of(n, h, wd, c), -1f, 1f, 1);
        // He-like scale keeps outputs of order 1 whatever c·k·k is.
        float scale = (float) Math.sqrt(3.0 / (k * k * (c / groups)));
        w = Tensor.uniform(Shape.of(oc, c / groups, k, k), -scale, scale, 2);
        y = Tensor.zeros(n, geometry.oh(), geometry.ow(), oc);
        dy = Tensor.uniform(y.shape(), -1f, 1f, 3);
        dx = Tensor.zeros(x.shape());
        dw = Tensor.zeros(w.shape());
        if (Verify.announceBackend("ConvBench " + shape)) return;
        forwardBackward();
        checkAgainstScalarTwin();
    }

    private void checkAgainstScalarTwin() {
        Conv2dGeometry g = geometry;
        ConvKernels scalar = Backends.scalar().conv();
        float[] hwio = TorchLayout.oihwToHwio(w.data(), g.oc(), g.icg(), g.kh(), g.kw());
        float[] yRef = new float[y.size()], dxRef = new float[dx.size()], dwRef = new float[hwio.length];
        if (g.isDepthwise()) {
            scalar.depthwiseConv2dForward(g, x.data(), 0, hwio, 0, null, 0, yRef, 0);
            scalar.depthwiseConv2dBackwardInput(g, dy.data(), 0, hwio, 0, dxRef, 0);
            scalar.depthwiseConv2dBackwardWeight(g, x.data(), 0, dy.data(), 0, dwRef, 0, null, 0);
        } else {
            scalar.conv2dForward(g, x.data(), 0, hwio, 0, null, 0, yRef, 0);
            scalar.conv2dBackwardInput(g, dy.data(), 0, hwio, 0, dxRef, 0);
            scalar.conv2dBackwardWeight(g, x.data(), 0, dy.data(), 0, dwRef, 0, null, 0);
        }
        Verify.close("ConvBench " + shape + " forward", yRef, y.data(), Verify.FORWARD_TOLERANCE);
        Verify.close("ConvBench " + shape + " input gradient", dxRef, dx.data(), Verify.GRADIENT_TOLERANCE);
        Verify.close("ConvBench " + shape + " weight gradient",
                TorchLayout.hwioToOihw(dwRef, g.oc(), g.icg(), g.kh(), g.kw()), dw.data(), Verify.GRADIENT_TOLERANCE);
    }

    /** {@code y = conv2d(x, w)}. */
    @Benchmark
    public void forward() {
        Convolutions.conv2d(x, w, null, params, y);
    }

    /**
     * A training step's convolution work: the forward pass, then {@code dx} and {@code dw} from the fixed
     * upstream gradient {@code dy}. The gradients are zeroed first, since the backward kernels add into them.
     */
    @Benchmark
    public void forwardBackward() {
        Convolutions.conv2d(x, w, null, params, y);
        dx.fill(0f);
        dw.fill(0f);
        Convolutions.conv2dBackwardInput(dy, w, params, dx);
        Convolutions.conv2dBackwardWeight(x, dy, params, dw, null);
    }
}
