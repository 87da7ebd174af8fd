package io.github.basis4j.nn.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import io.github.basis4j.simd.testing.Numerics;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Cross-entropy and MSE against PyTorch 1.13 (tools/fixtures/losses.py). */
class LossTest {
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/losses.safetensors");
    private static final double RTOL = 1e-5, ATOL = 1e-6;

    private static Safetensors.File fixture() throws IOException {
        assertThat(FIXTURE).as("fixture missing: run /usr/bin/python3 tools/fixtures/losses.py").exists();
        return Safetensors.read(FIXTURE);
    }

    @Test
    void crossEntropyCasesMatchPyTorch() throws IOException {
        Safetensors.File f = fixture();
        float[] labelsF = f.tensor("labels").toArray();
        int[] labels = new int[labelsF.length];
        for (int i = 0; i < labels.length; i++) labels[i] = (int) labelsF[i];
        float[] w = f.tensor("weight").toArray();
        check(f, "plain", labels, null, 0.0, Reduction.MEAN);
        check(f, "smooth", labels, null, 0.1, Reduction.MEAN);
        check(f, "weighted", labels, w, 0.0, Reduction.MEAN);
        check(f, "weighted_smooth", labels, w, 0.2, Reduction.MEAN);
        check(f, "sum", labels, null, 0.1, Reduction.SUM);
    }

    private void check(Safetensors.File f, String name, int[] labels, float[] w, double eps, Reduction r) {
        Parameter z = new Parameter(f.tensor("logits"));
        Variable loss = CrossEntropy.crossEntropy(z, labels, w, eps, r);
        Numerics.assertClose(name + " loss", f.tensor(name + ".loss").toArray(), loss.value().toArray(), RTOL, ATOL);
        loss.backward();
        Numerics.assertClose(name + " grad", f.tensor(name + ".grad").toArray(), z.grad().toArray(), RTOL, ATOL);
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Parameter z = new Parameter(Tensor.of(new float[] {1e4f, -1e4f, 0f, 3e4f, 3e4f, 0f}, 2, 3));
        Variable loss = CrossEntropy.crossEntropy(z, new int[] {0, 1});
        assertThat(loss.value().get(0)).isCloseTo((float) (Math.log(2) / 2), org.assertj.core.data.Offset.offset(1e-6f));
        loss.backward();
        assertThat(z.grad().toArray()).doesNotContain(Float.NaN);
    }

    @Test
    void mseMatchesPyTorch() throws IOException {
        Safetensors.File f = fixture();
        Parameter a = new Parameter(f.tensor("mse.input"));
        Variable loss = Mse.mse(a, f.tensor("mse.target"));
        Numerics.assertClose("mse", f.tensor("mse.loss").toArray(), loss.value().toArray(), RTOL, ATOL);
        loss.backward();
        Numerics.assertClose("mse grad", f.tensor("mse.grad").toArray(), a.grad().toArray(), RTOL, ATOL);
    }

    @Test
    void badArgumentsAreNamed() {
        Variable z = Variable.constant(Tensor.zeros(2, 3));
        assertThatThrownBy(() -> CrossEntropy.crossEntropy(z, new int[] {0})).hasMessageContaining("2 logit rows but 1 labels");
        assertThatThrownBy(() -> CrossEntropy.crossEntropy(z, new int[] {0, 3})).hasMessageContaining("label 3 at row 1 is outside [0, 3)");
        assertThatThrownBy(() -> CrossEntropy.crossEntropy(z, new int[] {0, 1}, new float[2], 0, Reduction.MEAN))
                .hasMessageContaining("class weights must have 3 entries, got 2");
        assertThatThrownBy(() -> CrossEntropy.crossEntropy(z, new int[] {0, 1}, null, 1.5, Reduction.MEAN))
                .hasMessageContaining("labelSmoothing must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> Mse.mse(z, Tensor.zeros(3, 2))).hasMessageContaining("target must have the input's shape [2, 3], got [3, 2]");
    }
}
