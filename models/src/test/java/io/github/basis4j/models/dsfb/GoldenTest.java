package io.github.basis4j.models.dsfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import io.github.basis4j.simd.testing.Numerics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ResNet20 and ResNet32_DoubleShared against the PyTorch reference ({@code tools/fixtures/dsfb_cifar10_golden.py}
 * with {@code ssregibility/Net_RL2}): eval and train logits, and gradients of {@code mean((y + 1)²)} for the
 * input and a few parameters (a shared basis among them, whose gradient sums its uses). Both sides set
 * the weights from the same formula (see {@link #setFormulaWeights}), so the fixture stores no weights and
 * any difference in wiring (concatenation order, where ReLUs sit, which basis a block uses) shows up.
 */
class GoldenTest {
    private static final Path FILE = Path.of("src/test/resources/fixtures/dsfb_cifar10_golden.safetensors");
    /**
     * Logits after 20–32 float layers whose sums run in another order than the float64 reference; the
     * fixture script keeps only cases where PyTorch's own float32 stays within 1e-4 of it.
     */
    private static final double LOGIT_RTOL = 1e-4, LOGIT_ATOL = 1e-4;
    /**
     * Gradients: relative to each element plus a floor relative to the tensor's largest element, because
     * batch norm makes many elements small differences of large terms.
     */
    private static final double GRAD_RTOL = 1e-3, GRAD_ATOL_OF_MAX = 1e-4;

    private static Safetensors.File file;

    @BeforeAll
    static void load() throws IOException {
        assertThat(FILE).as("fixture missing: run /usr/bin/python3 tools/fixtures/dsfb_cifar10_golden.py --ref <Net_RL2 checkout>").exists();
        file = Safetensors.read(FILE);
    }

    private static Tensor fixture(String name) {
        assertThat(file.contains(name)).as("fixture entry " + name + " (regenerate with tools/fixtures/dsfb_cifar10_golden.py)").isTrue();
        return file.tensor(name).copy();
    }

    /**
     * The fixture script's formula: entry k of the state dict (aliases counted, an already-set tensor
     * skipped), element i, s = sin(0.1·i·i + 0.7·k) in double, evaluated left to right as in the script:
     * weights of rank ≥ 2 √(2/fan_in)·s, batch-norm weights 1 + 0.1·s, biases and running means 0.1·s,
     * running variances 1 + 0.5·|s|.
     */
    static void setFormulaWeights(Module m) {
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        int k = 0;
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            String key = e.getKey();
            Tensor t = e.getValue();
            int index = k++;
            if (key.endsWith("num_batches_tracked") || !seen.add(t)) continue;
            float[] d = t.data();
            int off = t.offset(), n = t.size();
            double amplitude = t.rank() >= 2 ? Math.sqrt(2.0 / (n / t.dim(0))) : 0;
            for (int i = 0; i < n; i++) {
                double s = Math.sin(0.1 * i * i + 0.7 * index);
                double v;
                if (key.endsWith("running_var")) v = 1 + 0.5 * Math.abs(s);
                else if (key.endsWith("running_mean") || key.endsWith("bias")) v = 0.1 * s;
                else if (t.rank() >= 2) v = amplitude * s;
                else v = 1 + 0.1 * s;
                d[off + i] = (float) v;
            }
        }
    }

    private static void assertGradient(String what, Tensor expected, Tensor actual) {
        assertThat(actual).as(what + " exists").isNotNull();
        float[] e = expected.toArray();
        double max = 0;
        for (float v : e) max = Math.max(max, Math.abs(v));
        Numerics.assertClose(what, e, actual.toArray(), GRAD_RTOL, GRAD_ATOL_OF_MAX * max);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ResNet20", "ResNet32_DoubleShared"})
    void logitsAndGradientsMatchPyTorch(String name) {
        CifarResNet m = Cifar10ResNets.create(name, null);
        setFormulaWeights(m);
        Tensor x = fixture(name + ".x");

        m.eval();
        try (NoGrad ignored = NoGrad.enter()) {
            Numerics.assertClose(name + " eval logits", fixture(name + ".eval_logits").toArray(), m.forward(Variable.constant(x)).value().toArray(),
                    LOGIT_RTOL, LOGIT_ATOL);
        }

        m.train();
        m.zeroGrad();
        Variable xv = new Variable(x, true);
        Variable y = m.forward(xv);
        Numerics.assertClose(name + " train logits", fixture(name + ".train_logits").toArray(), y.value().toArray(), LOGIT_RTOL, LOGIT_ATOL);
        // d mean((y + 1)²) / dy = 2·(y + 1) / numel
        float[] g = y.value().toArray();
        for (int i = 0; i < g.length; i++) g[i] = 2 * (g[i] + 1) / g.length;
        y.backward(Tensor.of(g, y.shape().dims()));

        assertGradient(name + " input gradient", fixture(name + ".grad.x"), xv.grad());
        Map<String, Parameter> params = m.namedParameters();
        int checked = 0;
        String prefix = name + ".grad.";
        for (String entry : file.entries().keySet()) {
            if (!entry.startsWith(prefix) || entry.equals(prefix + "x")) continue;
            String key = entry.substring(prefix.length());
            assertThat(params).as(name + " parameter " + key).containsKey(key);
            assertGradient(name + " gradient of " + key, fixture(entry), params.get(key).grad());
            checked++;
        }
        assertThat(checked).as(name + " parameter gradients in the fixture").isGreaterThanOrEqualTo(5);
    }
}
