package io.github.basis4j.fft;

import static io.github.basis4j.simd.testing.Numerics.assertClose;

import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import org.junit.jupiter.api.Test;

/**
 * {@link RealFft2d} against PyTorch 1.13's {@code torch.fft.rfft2} / {@code irfft2} (norm "ortho", dim (1, 2)) and
 * their autograd gradients at the four DFFormer-S18 token-mixer shapes, and the whole spectral core of the
 * DynamicFilter (rfft2 → dynamic filter → irfft2) with all its gradients. Inputs come from {@link HashUniform}
 * (the file stores only a channel subset of each output; {@link DfformerFftFixtureTest} pins the file itself).
 */
class RealFft2dFixtureTest {
    private static final Safetensors.File SHAPES = Fixtures.open("fft_dfformer_shapes.safetensors");
    private static final int[][] DFFORMER = {{1, 56, 56, 128}, {1, 28, 28, 256}, {1, 14, 14, 640}, {1, 7, 7, 1024}};
    /** Float32 transforms of O(1) data against float64 PyTorch rounded to float32: a few ulps of the output's scale. */
    private static final double RTOL = 1e-4, ATOL = 2e-5;

    @Test
    void dfformerShapesMatchPyTorchForwardAndGradients() {
        for (int[] s : DFFORMER) {
            int h = s[1], w = s[2], c = s[3], wc = w / 2 + 1, hw = h * w, bins = h * wc;
            String p = "n1h" + h + "w" + w + "c" + c;
            int[] channels = ints(SHAPES.tensor(p + ".channels"));
            Tensor x = Tensor.zeros(1, h, w, c), gradY = Tensor.zeros(1, h, w, c);
            Tensor gradSpec = Tensor.zeros(1, h, wc, 2, c), spec = Tensor.zeros(1, h, wc, 2, c);
            int sx = seed(p, "x"), sw = seed(p, "rfft2_w"), sz = seed(p, "irfft2_X"), sv = seed(p, "irfft2_w");
            for (int i = 0; i < hw * c; i++) {
                x.set(i, HashUniform.at(i, sx));
                gradY.set(i, HashUniform.at(i, sv));
            }
            // PyTorch's view_as_real index (b·C + ch)·2 + part maps to our planar (b·2 + part)·C + ch.
            for (int b = 0; b < bins; b++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int part = 0; part < 2; part++) {
                        gradSpec.set((b * 2 + part) * c + ch, HashUniform.at((b * c + ch) * 2 + part, sw));
                        spec.set((b * 2 + part) * c + ch, HashUniform.at((b * c + ch) * 2 + part, sz));
                    }
                }
            }
            Tensor X = RealFft2d.rfft2(x, Norm.ORTHO);
            Tensor gx = Tensor.zeros(1, h, w, c);
            RealFft2d.rfft2Backward(gradSpec, gx, Norm.ORTHO);
            Tensor y = RealFft2d.irfft2(spec, h, w, Norm.ORTHO);
            Tensor gX = Tensor.zeros(1, h, wc, 2, c);
            RealFft2d.irfft2Backward(gradY, gX, Norm.ORTHO);

            assertClose(p + " rfft2", SHAPES.tensor(p + ".rfft2.X").toArray(), complexSubset(X, bins, c, channels), RTOL, ATOL);
            assertClose(p + " rfft2 grad_x", SHAPES.tensor(p + ".rfft2.grad_x").toArray(), realSubset(gx, hw, c, channels), RTOL, ATOL);
            assertClose(p + " irfft2", SHAPES.tensor(p + ".irfft2.y").toArray(), realSubset(y, hw, c, channels), RTOL, ATOL);
            assertClose(p + " irfft2 grad_X", SHAPES.tensor(p + ".irfft2.grad_X").toArray(), complexSubset(gX, bins, c, channels), RTOL, ATOL);
        }
    }

    @Test
    void dynamicFilterChainMatchesPyTorchEndToEnd() {
        Safetensors.File f = Fixtures.open("spectral_products.safetensors");
        Tensor x = f.tensor("dynamic_e2e.x"), r = f.tensor("dynamic_e2e.routeing"), k = f.tensor("dynamic_e2e.complex_weights");
        Tensor gy = f.tensor("dynamic_e2e.grad_y");
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        // forward: y = irfft2(dynamicFilter(rfft2(x)))
        Tensor X = RealFft2d.rfft2(x, Norm.ORTHO);
        Tensor Z = SpectralOps.dynamicFilter(X, r, k, w);
        Tensor y = RealFft2d.irfft2(Z, h, w, Norm.ORTHO);
        assertClose("dynamic e2e y", f.tensor("dynamic_e2e.y").toArray(), y.toArray(), RTOL, ATOL);
        // backward through the same chain, adjoint by adjoint
        Tensor gZ = Tensor.zeros(n, h, w / 2 + 1, 2, c);
        RealFft2d.irfft2Backward(gy, gZ, Norm.ORTHO);
        Tensor gX = Tensor.zeros(X.shape()), gr = Tensor.zeros(r.shape()), gk = Tensor.zeros(k.shape());
        SpectralOps.dynamicFilterBackward(X, r, k, gZ, w, gX, gr, gk);
        Tensor gx = Tensor.zeros(x.shape());
        RealFft2d.rfft2Backward(gX, gx, Norm.ORTHO);
        assertClose("dynamic e2e grad_x", f.tensor("dynamic_e2e.grad_x").toArray(), gx.toArray(), RTOL, ATOL);
        assertClose("dynamic e2e grad_routeing", f.tensor("dynamic_e2e.grad_routeing").toArray(), gr.toArray(), RTOL, ATOL);
        assertClose("dynamic e2e grad_complex_weights", f.tensor("dynamic_e2e.grad_complex_weights").toArray(), gk.toArray(), RTOL, ATOL);
    }

    /** Channel subset of a planar spectrum [1, H, Wc, 2, C] in PyTorch's view_as_real order [bins, K, 2]. */
    private static float[] complexSubset(Tensor spec, int bins, int c, int[] channels) {
        int kk = channels.length;
        float[] out = new float[bins * kk * 2];
        for (int b = 0; b < bins; b++) {
            for (int j = 0; j < kk; j++) {
                out[(b * kk + j) * 2] = spec.get((b * 2) * c + channels[j]);
                out[(b * kk + j) * 2 + 1] = spec.get((b * 2 + 1) * c + channels[j]);
            }
        }
        return out;
    }

    /** Channel subset of a real map [1, H, W, C] as [HW, K]. */
    private static float[] realSubset(Tensor t, int hw, int c, int[] channels) {
        float[] out = new float[hw * channels.length];
        for (int p = 0; p < hw; p++) {
            for (int j = 0; j < channels.length; j++) out[p * channels.length + j] = t.get(p * c + channels[j]);
        }
        return out;
    }

    private static int[] ints(Tensor t) {
        int[] v = new int[t.size()];
        for (int i = 0; i < v.length; i++) v[i] = (int) t.get(i);
        return v;
    }

    private static int seed(String p, String what) {
        String v = SHAPES.metadata().get(p + ".seed." + what);
        if (v == null) throw new AssertionError("fixture metadata lacks " + p + ".seed." + what + "; " + Fixtures.REGENERATE);
        return Integer.parseInt(v);
    }
}
