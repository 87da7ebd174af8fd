package io.github.basis4j.nn.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.fft.Norm;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** {@link Spectral}'s ops against finite differences, in inference mode, and on bad arguments. */
class SpectralTest {
    /**
     * Finite differences in float (see {@link GradCheck}). Every op is linear in each input, so central
     * differences have no truncation error; what remains is float rounding of the forward, about 1e-6 on the
     * weighted sum of a few hundred outputs of order 1, divided by the step 2h = 0.02.
     */
    private static final double FD_RTOL = 1e-3, FD_ATOL = 2e-4;

    /** Map sizes [N, H, W, C]: H and W over 4–7, odd and even, non-square, C over 3–5. */
    private static final int[][] MAPS = {{2, 4, 5, 3}, {1, 7, 6, 4}, {1, 5, 4, 5}, {2, 6, 7, 3}};
    /** Filter counts F, one per map above. */
    private static final int[] FILTERS = {2, 3, 4, 2};

    /**
     * What the gradient of an ignored imaginary part may hold: zero up to rounding. At row H/2 the column
     * transform's twiddle sin(π) is a rounded float, which leaves residues near 1e-8 on gradients of order 1.
     */
    private static final float SELF_CONJUGATE_RESIDUE = 1e-7f;

    private static long seed = 100;

    private static Parameter uniform(int... dims) {
        return new Parameter(Tensor.uniform(Shape.of(dims), -1, 1, seed++));
    }

    private static int wc(int w) {
        return w / 2 + 1;
    }

    // ---- gradients -----------------------------------------------------------------------------------------

    @Test
    void rfft2GradientMatchesFiniteDifferences() {
        Norm[] norms = {Norm.ORTHO, Norm.BACKWARD, Norm.FORWARD, Norm.ORTHO};
        for (int i = 0; i < MAPS.length; i++) {
            int[] m = MAPS[i];
            Norm norm = norms[i];
            GradCheck.check("rfft2 " + Shape.of(m) + " " + norm, List.of(uniform(m)), v -> Spectral.rfft2(v.get(0), norm),
                    FD_RTOL, FD_ATOL);
        }
    }

    @Test
    void irfft2GradientMatchesFiniteDifferences() {
        Norm[] norms = {Norm.ORTHO, Norm.FORWARD, Norm.BACKWARD, Norm.ORTHO};
        for (int i = 0; i < MAPS.length; i++) {
            int[] m = MAPS[i];
            int h = m[1], w = m[2];
            Norm norm = norms[i];
            // Perturbing the ignored imaginary parts changes nothing, so GradCheck also demands a zero gradient there.
            GradCheck.check("irfft2 " + Shape.of(m) + " " + norm, List.of(uniform(m[0], h, wc(w), 2, m[3])),
                    v -> Spectral.irfft2(v.get(0), h, w, norm), FD_RTOL, FD_ATOL);
        }
    }

    @Test
    void irfft2GivesNoGradientToTheImaginaryPartsOfSelfConjugateBins() {
        // Bins (h, w) with h in {0, H/2} and w in {0, W/2} (even sizes only for the halves) are their own
        // conjugates: irfft2 reads only their real parts. Every other imaginary part must get a gradient.
        for (int[] m : MAPS) {
            int n = m[0], h = m[1], w = m[2], c = m[3], wc = wc(w);
            Parameter spec = uniform(n, h, wc, 2, c);
            Spectral.irfft2(spec, h, w, Norm.ORTHO).backward(Tensor.uniform(Shape.of(m), -1, 1, seed++));
            Tensor g = spec.grad();
            for (int s = 0; s < n; s++) {
                for (int row = 0; row < h; row++) {
                    for (int col = 0; col < wc; col++) {
                        boolean selfConjugate = (row == 0 || 2 * row == h) && (col == 0 || 2 * col == w);
                        for (int ch = 0; ch < c; ch++) {
                            float im = g.get((((s * h + row) * wc + col) * 2 + 1) * c + ch);
                            String where = Shape.of(m) + " bin (" + row + ", " + col + ") channel " + ch;
                            if (selfConjugate) {
                                assertThat(Math.abs(im)).as(where).isLessThanOrEqualTo(SELF_CONJUGATE_RESIDUE);
                            } else {
                                assertThat(Math.abs(im)).as(where).isGreaterThan(1e-4f);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void globalFilterGradientsMatchFiniteDifferences() {
        for (int[] m : MAPS) {
            int n = m[0], h = m[1], w = m[2], c = m[3];
            GradCheck.check("globalFilter " + Shape.of(m), List.of(uniform(n, h, wc(w), 2, c), uniform(h, wc(w), c, 2)),
                    v -> Spectral.globalFilter(v.get(0), v.get(1), w), FD_RTOL, FD_ATOL);
        }
    }

    @Test
    void dynamicFilterGradientsMatchFiniteDifferences() {
        for (int i = 0; i < MAPS.length; i++) {
            int[] m = MAPS[i];
            int n = m[0], h = m[1], w = m[2], c = m[3], f = FILTERS[i];
            GradCheck.check("dynamicFilter " + Shape.of(m) + " F=" + f,
                    List.of(uniform(n, h, wc(w), 2, c), uniform(n, f, c), uniform(h, wc(w), f, 2)),
                    v -> Spectral.dynamicFilter(v.get(0), v.get(1), v.get(2), w), FD_RTOL, FD_ATOL);
        }
    }

    @Test
    void resizeFilterGradientMatchesFiniteDifferences() {
        // Up in both axes (a bank learnt on a smaller map), down in both, and mixed, over [h, w, F, 2] and [h, w, C, 2].
        int[][] banks = {{5, 3, 3, 2}, {7, 4, 2, 2}, {4, 4, 5, 2}};
        int[][] targets = {{7, 4}, {5, 3}, {6, 3}};
        for (int i = 0; i < banks.length; i++) {
            int oh = targets[i][0], ow = targets[i][1];
            GradCheck.check("resizeFilter " + Shape.of(banks[i]) + " to " + oh + "x" + ow, List.of(uniform(banks[i])),
                    v -> Spectral.resizeFilter(v.get(0), oh, ow), FD_RTOL, FD_ATOL);
        }
    }

    @Test
    void mixerGradientsMatchFiniteDifferencesThroughTheWholeChain() {
        // GradCheck differentiates the fused inference path (its evaluations run under NoGrad) and compares with
        // backward through the recorded rfft2 -> dynamicFilter (on a resized bank) -> irfft2.
        for (int i = 0; i < MAPS.length; i++) {
            int[] m = MAPS[i];
            int n = m[0], h = m[1], w = m[2], c = m[3], f = FILTERS[i];
            GradCheck.check("dynamicFilterMixer " + Shape.of(m),
                    List.of(uniform(m), uniform(n, f, c), uniform(h + 1, wc(w) - 1, f, 2)),
                    v -> Spectral.dynamicFilterMixer(v.get(0), v.get(1), Spectral.resizeFilter(v.get(2), h, wc(w)), Norm.ORTHO),
                    FD_RTOL, FD_ATOL);
        }
    }

    @Test
    void backwardAddsIntoGradientsAlreadyThere() {
        // A filter shared by two blocks gets the sum of both uses: every op must add, never overwrite.
        int[] m = MAPS[1];
        int n = m[0], h = m[1], w = m[2], c = m[3], f = FILTERS[1];
        Parameter x = uniform(m), spec = uniform(n, h, wc(w), 2, c), routeing = uniform(n, f, c);
        Parameter bank = uniform(h, wc(w), f, 2), weight = uniform(h, wc(w), c, 2), small = uniform(h - 1, wc(w) - 1, f, 2);
        Map<String, Supplier<Variable>> ops = new LinkedHashMap<>();
        ops.put("rfft2", () -> Spectral.rfft2(x, Norm.ORTHO));
        ops.put("irfft2", () -> Spectral.irfft2(spec, h, w, Norm.ORTHO));
        ops.put("globalFilter", () -> Spectral.globalFilter(spec, weight, w));
        ops.put("dynamicFilter", () -> Spectral.dynamicFilter(spec, routeing, bank, w));
        ops.put("resizeFilter", () -> Spectral.resizeFilter(small, h, wc(w)));
        List<Parameter> all = List.of(x, spec, routeing, bank, weight, small);
        ops.forEach((name, op) -> {
            Variable once = op.get();
            Tensor g = Tensor.uniform(once.shape(), -1, 1, seed++);
            once.backward(g);
            Map<Parameter, float[]> single = new LinkedHashMap<>();
            for (Parameter p : all) {
                if (p.grad() != null) single.put(p, p.grad().toArray());
                p.zeroGrad();
            }
            assertThat(single).as(name + " produced gradients").isNotEmpty();
            Arith.add(op.get(), op.get()).backward(g);
            single.forEach((p, expected) -> {
                float[] doubled = expected.clone();
                for (int i = 0; i < doubled.length; i++) doubled[i] *= 2;
                Numerics.assertClose(name + " gradient of " + p, doubled, p.grad().toArray(), 1e-6, 1e-6);
                p.zeroGrad();
            });
        });
    }

    @Test
    void theWeightGradientOfGlobalFilterIsInPyTorchLayout() {
        // One bin, one sample, C = 3: y = x·k, so dL/dk = conj(x)·g; with g = 1 that is (Re x, −Im x) per channel,
        // interleaved (re, im) per channel as complex_weights is.
        float[] xs = {1, 2, 3, 4, 5, 6}; // planar: re 1 2 3, im 4 5 6
        Variable spec = Variable.constant(Tensor.of(xs, 1, 1, 1, 2, 3));
        Parameter k = new Parameter(Tensor.of(new float[] {1, 0, 1, 0, 1, 0}, 1, 1, 3, 2));
        Tensor g = Tensor.of(new float[] {1, 1, 1, 0, 0, 0}, 1, 1, 1, 2, 3);
        Spectral.globalFilter(spec, k, 1).backward(g);
        assertThat(k.grad().toArray()).containsExactly(1, -4, 2, -5, 3, -6);
    }

    // ---- inference -----------------------------------------------------------------------------------------

    @Test
    void nothingIsRecordedUnderNoGrad() {
        int n = 2, h = 5, w = 6, c = 3, f = 2;
        Parameter x = uniform(n, h, w, c), spec = uniform(n, h, wc(w), 2, c), routeing = uniform(n, f, c);
        Parameter bank = uniform(h, wc(w), f, 2), weight = uniform(h, wc(w), c, 2);
        Map<String, Supplier<Variable>> ops = new LinkedHashMap<>();
        ops.put("rfft2", () -> Spectral.rfft2(x, Norm.ORTHO));
        ops.put("irfft2", () -> Spectral.irfft2(spec, h, w, Norm.ORTHO));
        ops.put("globalFilter", () -> Spectral.globalFilter(spec, weight, w));
        ops.put("dynamicFilter", () -> Spectral.dynamicFilter(spec, routeing, bank, w));
        ops.put("resizeFilter", () -> Spectral.resizeFilter(bank, h + 2, wc(w) + 1));
        ops.put("dynamicFilterMixer", () -> Spectral.dynamicFilterMixer(x, routeing, bank, Norm.ORTHO));
        try (NoGrad ignored = NoGrad.enter()) {
            ops.forEach((name, op) -> {
                Variable y = op.get();
                assertThat(y.gradFn()).as(name).isNull();
                assertThat(y.requiresGrad()).as(name).isFalse();
            });
        }
        ops.forEach((name, op) -> assertThat(op.get().gradFn()).as(name + " outside NoGrad").isNotNull());
    }

    @Test
    void fusedMixerGivesTheComposedOpsBitForBit() {
        for (int i = 0; i < MAPS.length; i++) {
            int[] m = MAPS[i];
            int n = m[0], h = m[1], w = m[2], c = m[3], f = FILTERS[i];
            Parameter x = uniform(m), routeing = uniform(n, f, c), bank = uniform(h, wc(w), f, 2);
            Variable composed = Spectral.irfft2(Spectral.dynamicFilter(Spectral.rfft2(x, Norm.ORTHO), routeing, bank, w),
                    h, w, Norm.ORTHO);
            Variable fused;
            try (NoGrad ignored = NoGrad.enter()) {
                fused = Spectral.dynamicFilterMixer(x, routeing, bank, Norm.ORTHO);
            }
            Numerics.assertBitIdentical("mixer " + Shape.of(m), composed.value().toArray(), fused.value().toArray());
            // Constants only: the fused path also runs with gradients enabled when nothing needs them.
            Variable constant = Spectral.dynamicFilterMixer(Variable.constant(x.value()), Variable.constant(routeing.value()),
                    Variable.constant(bank.value()), Norm.ORTHO);
            assertThat(constant.gradFn()).isNull();
            Numerics.assertBitIdentical("constant mixer " + Shape.of(m), composed.value().toArray(), constant.value().toArray());
        }
    }

    @Test
    void fusedMixerAllocatesOneSpectrumLess() {
        // The reason the fused path exists: in inference it filters the spectrum in place instead of allocating a
        // second one. Counted on this thread, on one thread: it then allocates every output and runs every chunk.
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int n = 2, h = 14, w = 14, c = 64, f = 4;
        Variable x = Variable.constant(Tensor.uniform(Shape.of(n, h, w, c), -1, 1, seed++));
        Variable routeing = Variable.constant(Tensor.uniform(Shape.of(n, f, c), 0, 1, seed++));
        Variable bank = Variable.constant(Tensor.uniform(Shape.of(h, wc(w), f, 2), -1, 1, seed++));
        long spectrumBytes = (long) Float.BYTES * n * h * wc(w) * 2 * c;
        long mapBytes = (long) Float.BYTES * n * h * w * c;
        // Until C2 has compiled the vector kernels they run the Vector API's Java fallback, which allocates on every
        // operation (megabytes per call here), and in a JVM that ran other tests first a path may keep allocating
        // a little more than its results. So compare the least each path allocated over many warm calls, stopping
        // once the composed path is down to its three results (spectrum, filtered spectrum, map) or after 10 s.
        long results = 2 * spectrumBytes + mapBytes, warm = results + 16 * 1024;
        int savedThreads = Parallel.threads();
        long id = Thread.currentThread().threadId();
        Parallel.setThreads(1);
        try (NoGrad ignored = NoGrad.enter()) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            long composed = Long.MAX_VALUE, fused = Long.MAX_VALUE;
            for (int rep = 0; rep < 20_000 && System.nanoTime() - deadline < 0 && (rep < 50 || composed > warm); rep++) {
                long a0 = threads.getThreadAllocatedBytes(id);
                Spectral.irfft2(Spectral.dynamicFilter(Spectral.rfft2(x, Norm.ORTHO), routeing, bank, w), h, w, Norm.ORTHO);
                long a1 = threads.getThreadAllocatedBytes(id);
                Spectral.dynamicFilterMixer(x, routeing, bank, Norm.ORTHO);
                long a2 = threads.getThreadAllocatedBytes(id);
                composed = Math.min(composed, a1 - a0);
                fused = Math.min(fused, a2 - a1);
            }
            assertThat(composed - fused).as("bytes saved by the fused mixer (composed %d, fused %d; the composed results take %d)",
                    composed, fused, results).isGreaterThanOrEqualTo(spectrumBytes * 9 / 10);
        } finally {
            Parallel.setThreads(savedThreads);
        }
    }

    // ---- errors --------------------------------------------------------------------------------------------

    @Test
    void badArgumentsAreNamedWithTheExpectedAndActualShapes() {
        Variable x = Variable.constant(Tensor.zeros(2, 7, 7, 6));
        Variable spec = Variable.constant(Tensor.zeros(2, 7, 4, 2, 6));
        Variable routeing = Variable.constant(Tensor.zeros(2, 4, 6));
        Variable bank = Variable.constant(Tensor.zeros(7, 4, 4, 2));
        Variable weight = Variable.constant(Tensor.zeros(7, 4, 6, 2));

        expect(() -> Spectral.rfft2(Variable.constant(Tensor.zeros(7, 7, 6)), Norm.ORTHO),
                "rfft2: x must be a map [N, H, W, C] with H, W, C >= 1, got [7, 7, 6]");
        expect(() -> Spectral.rfft2(x, null), "rfft2: norm must not be null");
        expect(() -> Spectral.rfft2(null, Norm.ORTHO), "rfft2: x must not be null");

        // Width 8 needs 5 bins: a width-7 spectrum is the wrong one.
        expect(() -> Spectral.irfft2(spec, 7, 8, Norm.ORTHO),
                "irfft2: spec must be the half spectrum of a width-8 map, [N, H, W/2+1, 2, C] = [2, 7, 5, 2, 6], got [2, 7, 4, 2, 6]");
        expect(() -> Spectral.irfft2(spec, 6, 7, Norm.ORTHO),
                "irfft2: spec must be [N, h, w/2+1, 2, C] = [2, 6, 4, 2, 6] for h=6, w=7, got [2, 7, 4, 2, 6]");
        // PyTorch's view_as_real layout [..., C, 2] is not a spectrum.
        expect(() -> Spectral.irfft2(Variable.constant(Tensor.zeros(2, 7, 4, 6, 2)), 7, 7, Norm.ORTHO),
                "irfft2: spec must be a half spectrum [N, H, Wc, 2, C] (rank 5, planar re/im), got [2, 7, 4, 6, 2]");
        expect(() -> Spectral.irfft2(spec, 7, 0, Norm.ORTHO), "irfft2: width must be >= 1, got 0");

        expect(() -> Spectral.globalFilter(spec, weight, 9),
                "globalFilter: spec must be the half spectrum of a width-9 map, [N, H, W/2+1, 2, C] = [2, 7, 5, 2, 6], got [2, 7, 4, 2, 6]");
        // Our planar layout [H, Wc, 2, C] where PyTorch's [H, Wc, C, 2] is expected.
        expect(() -> Spectral.globalFilter(spec, Variable.constant(Tensor.zeros(7, 4, 2, 6)), 7),
                "globalFilter: complexWeight must be [H, Wc, C, 2] = [7, 4, 6, 2] (PyTorch's complex_weights) to match spec "
                        + "[2, 7, 4, 2, 6], got [7, 4, 2, 6]");
        expect(() -> Spectral.globalFilter(spec, null, 7), "globalFilter: complexWeight must not be null");

        expect(() -> Spectral.dynamicFilter(spec, routeing, bank, 8),
                "dynamicFilter: spec must be the half spectrum of a width-8 map, [N, H, W/2+1, 2, C] = [2, 7, 5, 2, 6], got [2, 7, 4, 2, 6]");
        // A bank learnt at another size must go through resizeFilter first.
        expect(() -> Spectral.dynamicFilter(spec, routeing, Variable.constant(Tensor.zeros(8, 5, 4, 2)), 7),
                "dynamicFilter: complexWeights must be a filter bank [H, Wc, F, 2] = [7, 4, F >= 1, 2] (PyTorch's complex_weights; "
                        + "resizeFilter adapts other sizes) to match spec [2, 7, 4, 2, 6], got [8, 5, 4, 2]");
        // Planar [H, Wc, 2, F] where PyTorch's [H, Wc, F, 2] is expected.
        expect(() -> Spectral.dynamicFilter(spec, routeing, Variable.constant(Tensor.zeros(7, 4, 2, 4)), 7),
                "dynamicFilter: complexWeights must be a filter bank [H, Wc, F, 2] = [7, 4, F >= 1, 2]");
        // The reference's routeing before .view(B, F, -1): [B, F·C].
        expect(() -> Spectral.dynamicFilter(spec, Variable.constant(Tensor.zeros(2, 24)), bank, 7),
                "dynamicFilter: routeing must be [N, F, C] = [2, 4, 6] to match [2, 7, 4, 2, 6] and complexWeights [7, 4, 4, 2], got [2, 24]");
        expect(() -> Spectral.dynamicFilter(spec, Variable.constant(Tensor.zeros(2, 6, 4)), bank, 7),
                "dynamicFilter: routeing must be [N, F, C] = [2, 4, 6]");

        expect(() -> Spectral.resizeFilter(Variable.constant(Tensor.zeros(7)), 8, 5),
                "resizeFilter: bank must be a filter bank [h, w, ...] with h, w >= 1, got [7]");
        expect(() -> Spectral.resizeFilter(bank, 0, 5), "resizeFilter: target size must be at least 1x1, got 0x5");

        expect(() -> Spectral.dynamicFilterMixer(spec, routeing, bank, Norm.ORTHO),
                "dynamicFilterMixer: x must be a map [N, H, W, C] with H, W, C >= 1, got [2, 7, 4, 2, 6]");
        expect(() -> Spectral.dynamicFilterMixer(Variable.constant(Tensor.zeros(2, 7, 8, 6)), routeing, bank, Norm.ORTHO),
                "dynamicFilterMixer: complexWeights must be a filter bank [H, Wc, F, 2] = [7, 5, F >= 1, 2] (PyTorch's complex_weights; "
                        + "resizeFilter adapts other sizes) to match x [2, 7, 8, 6], got [7, 4, 4, 2]");
        expect(() -> Spectral.dynamicFilterMixer(x, Variable.constant(Tensor.zeros(1, 4, 6)), bank, Norm.ORTHO),
                "dynamicFilterMixer: routeing must be [N, F, C] = [2, 4, 6] to match [2, 7, 7, 6] and complexWeights [7, 4, 4, 2], got [1, 4, 6]");
        expect(() -> Spectral.dynamicFilterMixer(x, routeing, bank, null), "dynamicFilterMixer: norm must not be null");
    }

    private static void expect(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
