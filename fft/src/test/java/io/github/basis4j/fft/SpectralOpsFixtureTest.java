package io.github.basis4j.fft;

import static io.github.basis4j.simd.testing.Numerics.assertClose;

import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import org.junit.jupiter.api.Test;

/**
 * {@link SpectralOps} and {@link FilterResize} against PyTorch autograd ({@code spectral_products.safetensors}, written
 * by {@code tools/fixtures/fft_fixtures.py}): GFFormer's global filter, DFFormer's dynamic filter, and the dynamic
 * filter with a bicubically resized bank. PyTorch tensors are in {@code view_as_real} layout and are converted with
 * {@link SpectralOps#toPlanar} / {@link SpectralOps#toInterleaved}, which these tests therefore also pin.
 */
class SpectralOpsFixtureTest {
    private static final Safetensors.File FIXTURE = Fixtures.open("spectral_products.safetensors");
    /** Spatial width of the fixture's maps (half-spectrum width 4), from the script. */
    private static final int WIDTH = 7;
    /** Float32 on both sides; sums of at most a few dozen products of randn-sized values. */
    private static final double RTOL = 1e-5, ATOL = 1e-5;

    private static Tensor t(String name) {
        return FIXTURE.tensor(name);
    }

    private static void assertMatches(String name, Tensor actual) {
        Tensor expected = t(name);
        if (!expected.shape().equals(actual.shape())) {
            throw new AssertionError(name + ": shape " + actual.shape() + " differs from PyTorch's " + expected.shape());
        }
        assertClose(name, expected.toArray(), actual.toArray(), RTOL, ATOL);
    }

    @Test
    void globalFilterMatchesPyTorch() {
        Tensor x = SpectralOps.toPlanar(t("global.x_spec"));
        Tensor k = SpectralOps.toPlanar(t("global.complex_weights"));
        assertMatches("global.y", SpectralOps.toInterleaved(SpectralOps.globalFilter(x, k, WIDTH)));

        Tensor gx = Tensor.zeros(x.shape()), gk = Tensor.zeros(k.shape());
        SpectralOps.globalFilterBackward(x, k, SpectralOps.toPlanar(t("global.grad_y")), WIDTH, gx, gk);
        assertMatches("global.grad_x_spec", SpectralOps.toInterleaved(gx));
        assertMatches("global.grad_complex_weights", SpectralOps.toInterleaved(gk));
    }

    @Test
    void dynamicFilterMatchesPyTorch() {
        Tensor x = SpectralOps.toPlanar(t("dynamic.x_spec"));
        Tensor r = t("dynamic.routeing"), k = t("dynamic.complex_weights");
        assertMatches("dynamic.y", SpectralOps.toInterleaved(SpectralOps.dynamicFilter(x, r, k, WIDTH)));

        Tensor gx = Tensor.zeros(x.shape()), gr = Tensor.zeros(r.shape()), gk = Tensor.zeros(k.shape());
        SpectralOps.dynamicFilterBackward(x, r, k, SpectralOps.toPlanar(t("dynamic.grad_y")), WIDTH, gx, gr, gk);
        assertMatches("dynamic.grad_x_spec", SpectralOps.toInterleaved(gx));
        assertMatches("dynamic.grad_routeing", gr);
        assertMatches("dynamic.grad_complex_weights", gk);
    }

    @Test
    void dynamicFilterWithResizedBankMatchesPyTorch() {
        Tensor x = SpectralOps.toPlanar(t("dynamic_resize.x_spec"));
        Tensor r = t("dynamic_resize.routeing"), small = t("dynamic_resize.complex_weights");
        Tensor k = FilterResize.resize(small, x.dim(1), x.dim(2));
        assertMatches("dynamic_resize.y", SpectralOps.toInterleaved(SpectralOps.dynamicFilter(x, r, k, WIDTH)));

        Tensor gx = Tensor.zeros(x.shape()), gr = Tensor.zeros(r.shape()), gk = Tensor.zeros(k.shape());
        SpectralOps.dynamicFilterBackward(x, r, k, SpectralOps.toPlanar(t("dynamic_resize.grad_y")), WIDTH, gx, gr, gk);
        Tensor gSmall = Tensor.zeros(small.shape());
        FilterResize.resizeBackward(gk, gSmall);
        assertMatches("dynamic_resize.grad_x_spec", SpectralOps.toInterleaved(gx));
        assertMatches("dynamic_resize.grad_routeing", gr);
        assertMatches("dynamic_resize.grad_complex_weights", gSmall);
    }
}
