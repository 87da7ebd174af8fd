package io.github.basis4j.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import io.github.basis4j.simd.testing.Numerics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** SGD and AdamW against PyTorch 1.13 trajectories (tools/fixtures/optim_trajectories.py). */
class OptimizerTrajectoryTest {
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/optim_trajectories.safetensors");
    /** The bar for optimiser trajectories. */
    private static final double TOLERANCE = 1e-5;

    private static Safetensors.File fixture() throws IOException {
        assertThat(FIXTURE).as("fixture missing: run /usr/bin/python3 tools/fixtures/optim_trajectories.py").exists();
        return Safetensors.read(FIXTURE);
    }

    @Test
    void sgdPlain() throws IOException {
        replay("sgd_plain", g -> new Sgd(g, 0.0, 0.0, false));
    }

    @Test
    void sgdMomentumWithDampening() throws IOException {
        replay("sgd_momentum", g -> new Sgd(g, 0.9, 0.1, false));
    }

    @Test
    void sgdNesterov() throws IOException {
        replay("sgd_nesterov", g -> new Sgd(g, 0.9, 0.0, true));
    }

    @Test
    void adamW() throws IOException {
        replay("adamw", g -> new AdamW(g, 0.9, 0.999, 1e-8));
    }

    @Test
    void adamWOtherBetas() throws IOException {
        replay("adamw_betas", g -> new AdamW(g, 0.8, 0.95, 1e-6));
    }

    /** Replays a case: same start, same gradient rule, the fixture's lr per step; compares every step. */
    private void replay(String name, Function<List<ParamGroup>, Optimizer> make) throws IOException {
        Safetensors.File f = fixture();
        Parameter[] p = new Parameter[2];
        Tensor[] target = new Tensor[2], noise = new Tensor[2], after = new Tensor[2];
        for (int i = 0; i < 2; i++) {
            p[i] = new Parameter(f.tensor(name + ".p0." + i));
            target[i] = f.tensor(name + ".target." + i);
            noise[i] = f.tensor(name + ".noise." + i);
            after[i] = f.tensor(name + ".after." + i);
        }
        float[] lrs = f.tensor(name + ".lr").toArray();
        List<ParamGroup> groups = List.of(new ParamGroup(List.of(p[0]), lrs[0], 5e-2), new ParamGroup(List.of(p[1]), lrs[0], 0.0));
        Optimizer opt = make.apply(groups);
        for (int step = 0; step < lrs.length; step++) {
            opt.setLr(lrs[step]);
            for (int i = 0; i < 2; i++) {
                int n = p[i].value().size();
                Tensor g = p[i].gradBuffer();
                for (int j = 0; j < n; j++) {
                    g.set(j, (p[i].value().get(j) - target[i].get(j)) * 0.5f + noise[i].get(step * n + j));
                }
            }
            opt.step();
            opt.zeroGrad();
            for (int i = 0; i < 2; i++) {
                int n = p[i].value().size();
                Numerics.assertClose(name + " step " + step + " param " + i, after[i].data(), step * n, p[i].value().data(), 0, n,
                        TOLERANCE, TOLERANCE);
            }
        }
    }

    @Test
    void stateRoundTripContinuesIdentically() throws IOException {
        Parameter a = new Parameter(Tensor.uniform(io.github.basis4j.simd.Shape.of(4, 3), -1, 1, 7));
        Parameter b = new Parameter(a.value().copy());
        AdamW optA = new AdamW(List.of(new ParamGroup(List.of(a), 0.01, 0.1)), 0.9, 0.999, 1e-8);
        AdamW optB = new AdamW(List.of(new ParamGroup(List.of(b), 0.01, 0.1)), 0.9, 0.999, 1e-8);
        for (int s = 0; s < 3; s++) {
            fakeGrad(a, s);
            optA.step();
            fakeGrad(b, s);
            optB.step();
        }
        // Save optB's state through a real file and restore it into a fresh optimiser.
        Path tmp = Files.createTempFile("adamw", ".safetensors");
        Safetensors.write(tmp, optB.stateTensors(), optB.stateScalars());
        Safetensors.File saved = Safetensors.read(tmp);
        AdamW optC = new AdamW(List.of(new ParamGroup(List.of(b), 0.5, 0.1)), 0.9, 0.999, 1e-8);
        optC.loadState(saved.tensors(), saved.metadata());
        Files.delete(tmp);
        assertThat(optC.stepCount()).isEqualTo(3);
        assertThat(optC.groups().get(0).lr()).isEqualTo(0.01);
        for (int s = 3; s < 6; s++) {
            fakeGrad(a, s);
            optA.step();
            fakeGrad(b, s);
            optC.step();
        }
        Numerics.assertBitIdentical("resumed AdamW", a.value().toArray(), b.value().toArray());
    }

    private static void fakeGrad(Parameter p, int step) {
        Tensor g = p.gradBuffer();
        for (int j = 0; j < g.size(); j++) g.set(j, (float) Math.sin(step + 0.37 * j) + p.value().get(j) * 0.1f);
    }

    @Test
    void clipGradNormMatchesPyTorchFormula() {
        Parameter a = new Parameter(Tensor.zeros(2));
        Parameter b = new Parameter(Tensor.zeros(1));
        a.gradBuffer().set(0, 3f);
        a.gradBuffer().set(1, 0f);
        b.gradBuffer().set(0, 4f);
        double total = GradClip.clipGradNorm(List.of(a, b), 1.0);
        assertThat(total).isEqualTo(5.0);
        float coef = (float) (1.0 / (5.0 + 1e-6));
        assertThat(a.grad().get(0)).isEqualTo(3f * coef);
        assertThat(b.grad().get(0)).isEqualTo(4f * coef);
        // below the limit: untouched
        assertThat(GradClip.clipGradNorm(List.of(a, b), 10.0)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(b.grad().get(0)).isEqualTo(4f * coef);
    }

    @Test
    void badHyperparametersAreRejected() {
        Parameter a = new Parameter(Tensor.zeros(2));
        List<ParamGroup> g = List.of(new ParamGroup(List.of(a), 0.1, 0));
        assertThatThrownBy(() -> new Sgd(g, 0.0, 0.0, true)).hasMessageContaining("Nesterov");
        assertThatThrownBy(() -> new AdamW(g, 1.0, 0.999, 1e-8)).hasMessageContaining("beta1 must be in [0, 1), got 1.0");
        assertThatThrownBy(() -> new ParamGroup(List.of(a), -1, 0)).hasMessageContaining("lr must be >= 0, got -1.0");
        assertThatThrownBy(() -> new Sgd(List.of(new ParamGroup(List.of(a), 0.1, 0), new ParamGroup(List.of(a), 0.1, 0)), 0, 0, false))
                .hasMessageContaining("more than one group");
        assertThatThrownBy(() -> GradClip.clipGradNorm(List.of(a), 0)).hasMessageContaining("maxNorm must be > 0, got 0.0");
        Map<String, Tensor> bad = Map.of("state.5.exp_avg", Tensor.zeros(2));
        assertThatThrownBy(() -> new AdamW(g, 0.9, 0.999, 1e-8).loadState(bad, Map.of())).hasMessageContaining("parameter 5");
    }
}
