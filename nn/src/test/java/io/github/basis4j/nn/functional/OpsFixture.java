package io.github.basis4j.nn.functional;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import io.github.basis4j.simd.testing.Numerics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * The PyTorch 1.13 golden values of the functional ops ({@code tools/fixtures/nn_ops.py}): activations
 * NHWC, weights in PyTorch's layout, and the gradients of {@code Σ r·y} for the stored r.
 */
final class OpsFixture {
    private static final Path FILE = Path.of("src/test/resources/fixtures/nn_ops.safetensors");

    /**
     * Forward: a float op against PyTorch's float op agree to a few ulps relative; the absolute floor
     * covers outputs near zero that are sums of up to ~150 products of order 1.
     */
    static final double FORWARD_RTOL = 1e-5, FORWARD_ATOL = 1e-5;
    /**
     * Gradients: weight gradients sum hundreds of products in an order that differs from PyTorch's, so
     * they get ten times the forward's relative tolerance, and the same kind of absolute floor.
     */
    static final double GRAD_RTOL = 1e-4, GRAD_ATOL = 2e-5;

    private static Safetensors.File file;

    private OpsFixture() {
    }

    static synchronized Safetensors.File file() {
        if (file == null) {
            assertThat(FILE).as("fixture missing: run /usr/bin/python3 tools/fixtures/nn_ops.py").exists();
            try {
                file = Safetensors.read(FILE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    static boolean has(String name) {
        return file().contains(name);
    }

    /** A fresh copy of the stored tensor (tests may modify it, e.g. running statistics). */
    static Tensor tensor(String name) {
        assertThat(has(name)).as("fixture entry " + name + " (regenerate with tools/fixtures/nn_ops.py)").isTrue();
        return file().tensor(name).copy();
    }

    /** The stored tensor as a parameter (a leaf that receives gradients), or null when absent. */
    static Parameter parameterOrNull(String name) {
        return has(name) ? new Parameter(tensor(name)) : null;
    }

    /** An I64 entry as ints. */
    static int[] ints(String name) {
        float[] f = tensor(name).toArray();
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) out[i] = Math.round(f[i]);
        return out;
    }

    static void assertForward(String what, String expectedName, Tensor actual) {
        assertTensor(what + " forward", tensor(expectedName), actual, FORWARD_RTOL, FORWARD_ATOL);
    }

    static void assertGradient(String what, String expectedName, Variable v) {
        assertThat(v.grad()).as(what + " has a gradient").isNotNull();
        assertTensor(what, tensor(expectedName), v.grad(), GRAD_RTOL, GRAD_ATOL);
    }

    /**
     * A one-input pooling or padding op against the entries {@code pool.<name>.x, y, r, dx}: its forward, and the
     * gradient it gives x for the upstream gradient r.
     */
    static void assertPoolOpMatches(String name, UnaryOperator<Variable> op) {
        String p = "pool." + name + ".";
        Parameter x = new Parameter(tensor(p + "x"));
        Variable y = op.apply(x);
        assertForward(name, p + "y", y.value());
        y.backward(tensor(p + "r"));
        assertGradient(name + " dx", p + "dx", x);
    }

    static void assertTensor(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        assertThat(actual.shape()).as(what + " shape").isEqualTo(expected.shape());
        Numerics.assertClose(what, expected.toArray(), actual.toArray(), rtol, atol);
    }

    /**
     * Values spaced at least {@code 0.05} apart in random order, scaled to about [-1, 1]: a max-pool
     * window never holds two values closer than the finite-difference step, so no perturbation moves
     * the argmax.
     */
    static Tensor distinct(Shape shape, long seed) {
        int n = shape.sizeAsInt();
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (perm[i] * 0.05 - n * 0.025);
        return Tensor.of(v, shape.dims());
    }
}
