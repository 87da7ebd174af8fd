package io.github.basis4j.models.dsfb;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Arith;
import io.github.basis4j.nn.loss.CrossEntropy;
import io.github.basis4j.nn.modules.Dropout;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import io.github.basis4j.simd.testing.Numerics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * One reference training step of a DSFB model against {@code tools/fixtures/dsfb_golden.py}'s fixture
 * {@code dsfb_golden_<dataset>.safetensors}: eval and train logits, the loss (cross-entropy and λ·penalty of
 * {@link DsfbRegularizer}, as the dataset's train script computes them) and the gradients of their sum for the
 * input (CIFAR) and the parameters the fixture holds. Weights come from {@link GoldenTest#setFormulaWeights};
 * the input is the script's formula {@code sin(0.1·i·i + phase)} over the NCHW-flattened index, the labels
 * {@code (37·n + 11) mod classes}.
 */
final class GoldenStep {
    /**
     * Per element plus a floor of 1e-4 (at least 1e-4 of the largest logit): the script keeps logits whose
     * conditioning runs stay within 1e-4 of the largest, and training-mode logits of the deep ImageNet models
     * (batch norms over 8 values) are small differences of large terms, like the gradients.
     */
    private static final double LOGIT_RTOL = 1e-4, LOGIT_ATOL = 1e-4;
    /** Per element plus a floor relative to the tensor's largest element (batch norm makes small differences of large terms). */
    private static final double GRAD_RTOL = 1e-3, GRAD_ATOL_OF_MAX = 1e-4;

    private final Safetensors.File file;
    private final String dataset;

    private GoldenStep(String dataset, Safetensors.File file) {
        this.dataset = dataset;
        this.file = file;
    }

    static GoldenStep load(String dataset) throws IOException {
        Path p = Path.of("src/test/resources/fixtures/dsfb_golden_" + dataset + ".safetensors");
        assertThat(p).as("fixture missing: run /usr/bin/python3 tools/fixtures/dsfb_golden.py --ref <Net_RL2 checkout>").exists();
        return new GoldenStep(dataset, Safetensors.read(p));
    }

    private Tensor fixture(String name) {
        assertThat(file.contains(name)).as("fixture entry " + name + " (regenerate with tools/fixtures/dsfb_golden.py)").isTrue();
        return file.tensor(name).copy();
    }

    /** The script's input: NCHW element i = sin(0.1·i·i + phase) rounded to float, returned NHWC. */
    static Tensor formulaInput(int batch, int side, double phase) {
        float[] nchw = new float[batch * 3 * side * side];
        for (int i = 0; i < nchw.length; i++) nchw[i] = (float) Math.sin(0.1 * i * i + phase);
        return Tensor.of(nchw, batch, 3, side, side).permute(0, 2, 3, 1).copy();
    }

    /**
     * Runs the step on {@code m} (built with the script's ranks) on the fixture's input ({@code <name>.input}:
     * batch and side; {@code <name>.phase}) and compares everything the fixture holds for {@code name}.
     *
     * @return the largest relative error seen over logits, loss and gradients
     */
    double check(String name, Module m) {
        GoldenTest.setFormulaWeights(m);
        double phase = fixture(name + ".phase").get(0);
        Tensor input = fixture(name + ".input");
        int batch = (int) input.get(0), side = (int) input.get(1);
        Tensor x = formulaInput(batch, side, phase);
        double worst = 0;

        m.eval();
        try (NoGrad ignored = NoGrad.enter()) {
            worst = Math.max(worst, compare(name + " eval logits", fixture(name + ".eval_logits"), m.forward(Variable.constant(x)).value(), LOGIT_RTOL,
                    LOGIT_ATOL));
        }

        m.train();
        // The ILSVRC MobileNetV2 classifier's dropout stays off on both sides: its mask cannot be shared.
        for (Module sub : m.namedModules().values()) if (sub instanceof Dropout) sub.eval();
        m.zeroGrad();
        Variable xv = new Variable(x, true);
        Variable y = m.forward(xv);
        worst = Math.max(worst, compare(name + " train logits", fixture(name + ".train_logits"), y.value(), LOGIT_RTOL, LOGIT_ATOL));
        int classes = y.shape().dim(1);
        int[] labels = new int[batch];
        for (int n = 0; n < batch; n++) labels[n] = (37 * n + 11) % classes;
        Variable ce = CrossEntropy.crossEntropy(y, labels);
        Variable reg = DsfbRegularizer.appliesTo(m) ? DsfbRegularizer.of(m).penalty() : null;
        float[] loss = {ce.value().get(0), reg == null ? 0f : reg.value().get(0)};
        worst = Math.max(worst, compare(name + " loss (cross-entropy, lambda·penalty)", fixture(name + ".loss"), Tensor.of(loss, 2), LOGIT_RTOL, LOGIT_ATOL));
        (reg == null ? ce : Arith.add(ce, reg)).backward();

        String prefix = name + ".grad.";
        Map<String, Parameter> params = m.namedParameters();
        int checked = 0;
        for (String entry : file.entries().keySet()) {
            if (!entry.startsWith(prefix)) continue;
            String key = entry.substring(prefix.length());
            Tensor actual;
            if (key.equals("x")) {
                actual = xv.grad();
            } else {
                assertThat(params).as(name + " parameter " + key).containsKey(key);
                actual = params.get(key).grad();
                checked++;
            }
            assertThat(actual).as(name + " gradient of " + key).isNotNull();
            Tensor expected = fixture(entry);
            double max = 0;
            for (float v : expected.toArray()) max = Math.max(max, Math.abs(v));
            worst = Math.max(worst, compare(name + " gradient of " + key, expected, actual, GRAD_RTOL, GRAD_ATOL_OF_MAX * max));
        }
        assertThat(checked).as(dataset + "/" + name + " parameter gradients in the fixture").isGreaterThanOrEqualTo(1);
        return worst;
    }

    /** Asserts closeness and returns the largest |actual − expected| / max|expected|. */
    private static double compare(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        float[] e = expected.toArray(), a = actual.toArray();
        double largest = 0;
        for (float v : e) largest = Math.max(largest, Math.abs(v));
        Numerics.assertClose(what, e, a, rtol, rtol == LOGIT_RTOL ? Math.max(atol, LOGIT_ATOL * largest) : atol);
        double max = 0, err = 0;
        for (int i = 0; i < e.length; i++) {
            max = Math.max(max, Math.abs(e[i]));
            err = Math.max(err, Math.abs(e[i] - a[i]));
        }
        return max == 0 ? err : err / max;
    }
}
