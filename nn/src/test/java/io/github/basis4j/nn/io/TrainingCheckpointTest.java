package io.github.basis4j.nn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.optim.ParamGroup;
import io.github.basis4j.nn.optim.Sgd;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCheckpointTest {
    @TempDir
    Path dir;

    static final class Tiny extends Module {
        final Parameter w;
        final Tensor runningMean;

        Tiny(long seed) {
            w = registerParameter("weight", new Parameter(Tensor.uniform(Shape.of(3, 2), -1, 1, seed)));
            runningMean = registerBuffer("running_mean", Tensor.uniform(Shape.of(3), -1, 1, seed + 1));
        }
    }

    @Test
    void roundTripRestoresModelOptimiserAndCounters() throws IOException {
        Tiny a = new Tiny(1);
        Sgd optA = new Sgd(List.of(new ParamGroup(a.parameters(), 0.1, 1e-4)), 0.9, 0, false);
        a.w.gradBuffer().fill(0.5f);
        optA.step();
        Path p = dir.resolve("ckpt.safetensors");
        TrainingCheckpoint.save(p, a, optA, 3, 117, Map.of("rng", "12345", "schedule.last_epoch", "3"));

        Tiny b = new Tiny(99);
        Sgd optB = new Sgd(List.of(new ParamGroup(b.parameters(), 0.7, 1e-4)), 0.9, 0, false);
        TrainingCheckpoint c = TrainingCheckpoint.load(p, b, optB);
        assertThat(c.epoch()).isEqualTo(3);
        assertThat(c.step()).isEqualTo(117);
        assertThat(c.extra()).containsEntry("rng", "12345").containsEntry("schedule.last_epoch", "3").doesNotContainKey("format");
        assertThat(b.w.value().toArray()).containsExactly(a.w.value().toArray());
        assertThat(b.runningMean.toArray()).containsExactly(a.runningMean.toArray());
        assertThat(optB.groups().get(0).lr()).isEqualTo(0.1);
        assertThat(optB.stateTensors().get("state.0.momentum_buffer").toArray())
                .containsExactly(optA.stateTensors().get("state.0.momentum_buffer").toArray());
        // The same file loads as plain weights: the model keys are the state dict's.
        assertThat(Safetensors.read(p).entries().keySet()).contains("weight", "running_mean", "optimizer.state.0.momentum_buffer");
    }

    @Test
    void plainWeightsAreNotATrainingCheckpoint() throws IOException {
        Tiny a = new Tiny(1);
        Path p = dir.resolve("weights.safetensors");
        Safetensors.write(p, a.stateDict(), Map.of());
        Sgd opt = new Sgd(List.of(new ParamGroup(a.parameters(), 0.1, 0)), 0, 0, false);
        assertThatThrownBy(() -> TrainingCheckpoint.load(p, a, opt)).hasMessageContaining("weights.safetensors")
                .hasMessageContaining("not a basis4j training checkpoint");
    }

    @Test
    void reservedExtraKeysAreRejected() {
        Tiny a = new Tiny(1);
        Sgd opt = new Sgd(List.of(new ParamGroup(a.parameters(), 0.1, 0)), 0, 0, false);
        assertThatThrownBy(() -> TrainingCheckpoint.save(dir.resolve("x"), a, opt, 0, 0, Map.of("epoch", "9")))
                .hasMessageContaining("'epoch' is reserved");
    }
}
