package io.github.basis4j.nn.functional;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.fft.Norm;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import io.github.basis4j.simd.testing.Numerics;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The spectral cores of DFFormer's GlobalFilter and DynamicFilter (rfft2, filter, irfft2, ortho) built from
 * {@link Spectral}'s ops, against PyTorch 1.13 ({@code tools/fixtures/nn_spectral.py}): forward, and the
 * gradients of x, the complex weights and the routeing under {@code L = Σ r·y}.
 */
class SpectralFixtureTest {
    private static final Path FILE = Path.of("src/test/resources/fixtures/nn_spectral.safetensors");

    /**
     * Forward: float FFTs of 49–80 points on either side agree to a few ulps relative to the map's magnitude
     * (order 1 here); the floor covers outputs near zero, whose error is that of their neighbours.
     */
    private static final double FORWARD_RTOL = 1e-5, FORWARD_ATOL = 1e-5;
    /**
     * Gradients: the weight and routeing gradients sum N·C or H·Wc products in another order than PyTorch's,
     * so ten times the forward's relative tolerance, with a floor of the same kind.
     */
    private static final double GRAD_RTOL = 1e-4, GRAD_ATOL = 2e-5;

    private static Safetensors.File file;

    @BeforeAll
    static void load() throws IOException {
        assertThat(FILE).as("fixture missing: run /usr/bin/python3 tools/fixtures/nn_spectral.py").exists();
        file = Safetensors.read(FILE);
    }

    private static Tensor tensor(String name) {
        assertThat(file.contains(name)).as("fixture entry " + name + " (regenerate with tools/fixtures/nn_spectral.py)").isTrue();
        return file.tensor(name).copy();
    }

    @Test
    void globalFilterCoreMatchesPyTorch() {
        for (String name : new String[] {"even", "odd"}) {
            String p = "global." + name + ".";
            Parameter x = new Parameter(tensor(p + "x")), weight = new Parameter(tensor(p + "complex_weights"));
            int h = x.shape().dim(1), w = x.shape().dim(2);
            // GlobalFilter.forward between act1 and act2.
            Variable spec = Spectral.rfft2(x, Norm.ORTHO);
            Variable y = Spectral.irfft2(Spectral.globalFilter(spec, weight, w), h, w, Norm.ORTHO);
            assertClose(p + "y", y.value(), FORWARD_RTOL, FORWARD_ATOL);
            y.backward(tensor(p + "r"));
            assertClose(p + "dx", x.grad(), GRAD_RTOL, GRAD_ATOL);
            assertClose(p + "dcomplex_weights", weight.grad(), GRAD_RTOL, GRAD_ATOL);
        }
    }

    @Test
    void dynamicFilterCoreMatchesPyTorch() {
        for (String name : new String[] {"even", "odd"}) {
            String p = "dynamic." + name + ".";
            Parameter x = new Parameter(tensor(p + "x")), routeing = new Parameter(tensor(p + "routeing"));
            Parameter bank = new Parameter(tensor(p + "complex_weights"));
            int h = x.shape().dim(1), w = x.shape().dim(2);
            // DynamicFilter.forward between act1 and act2, weight_resize=False.
            Variable spec = Spectral.rfft2(x, Norm.ORTHO);
            Variable y = Spectral.irfft2(Spectral.dynamicFilter(spec, routeing, bank, w), h, w, Norm.ORTHO);
            assertClose(p + "y", y.value(), FORWARD_RTOL, FORWARD_ATOL);
            y.backward(tensor(p + "r"));
            assertDynamicGradients(p, x, routeing, bank);
        }
    }

    @Test
    void resizedBankThroughTheMixerMatchesPyTorch() {
        // weight_resize=True: a 7 x 4 bank (learnt on 7 x 7 maps) on an 8 x 10 map's 8 x 6 spectrum.
        String p = "dynamic.resized.";
        Parameter x = new Parameter(tensor(p + "x")), routeing = new Parameter(tensor(p + "routeing"));
        Parameter bank = new Parameter(tensor(p + "complex_weights"));
        int h = x.shape().dim(1), w = x.shape().dim(2);
        Variable y = Spectral.dynamicFilterMixer(x, routeing, Spectral.resizeFilter(bank, h, w / 2 + 1), Norm.ORTHO);
        assertClose(p + "y", y.value(), FORWARD_RTOL, FORWARD_ATOL);
        y.backward(tensor(p + "r"));
        assertDynamicGradients(p, x, routeing, bank);
    }

    @Test
    void fusedInferenceMixerMatchesPyTorch() {
        for (String name : new String[] {"even", "odd", "resized"}) {
            String p = "dynamic." + name + ".";
            Tensor x = tensor(p + "x");
            int h = x.dim(1), w = x.dim(2);
            try (NoGrad ignored = NoGrad.enter()) {
                Variable bank = Spectral.resizeFilter(Variable.constant(tensor(p + "complex_weights")), h, w / 2 + 1);
                Variable y = Spectral.dynamicFilterMixer(Variable.constant(x), Variable.constant(tensor(p + "routeing")), bank,
                        Norm.ORTHO);
                assertClose(p + "y", y.value(), FORWARD_RTOL, FORWARD_ATOL);
            }
        }
    }

    private static void assertDynamicGradients(String p, Variable x, Variable routeing, Variable bank) {
        assertClose(p + "dx", x.grad(), GRAD_RTOL, GRAD_ATOL);
        assertClose(p + "drouteing", routeing.grad(), GRAD_RTOL, GRAD_ATOL);
        assertClose(p + "dcomplex_weights", bank.grad(), GRAD_RTOL, GRAD_ATOL);
    }

    private static void assertClose(String expectedName, Tensor actual, double rtol, double atol) {
        assertThat(actual).as(expectedName + " computed").isNotNull();
        Tensor expected = tensor(expectedName);
        assertThat(actual.shape()).as(expectedName + " shape").isEqualTo(expected.shape());
        Numerics.assertClose(expectedName, expected.toArray(), actual.toArray(), rtol, atol);
    }
}
