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

    /** Writes {@code a}'s checkpoint, then rewrites it with {@code edit} applied to its tensors and metadata. */
    private Path tampered(String name, java.util.function.BiConsumer<Map<String, Tensor>, Map<String, String>> edit) throws IOException {
        Tiny a = new Tiny(1);
        Sgd opt = new Sgd(List.of(new ParamGroup(a.parameters(), 0.1, 0)), 0.9, 0, false);
        a.w.gradBuffer().fill(0.5f);
        opt.step();
        Path p = dir.resolve(name);
        TrainingCheckpoint.save(p, a, opt, 2, 40, Map.of());
        Safetensors.File f = Safetensors.read(p);
        Map<String, Tensor> tensors = new java.util.LinkedHashMap<>(f.tensors());
        Map<String, String> meta = new java.util.LinkedHashMap<>(f.metadata());
        edit.accept(tensors, meta);
        Safetensors.write(p, tensors, meta);
        return p;
    }

    private void assertLoadRefused(Path p, String... fragments) {
        Tiny b = new Tiny(5);
        Sgd opt = new Sgd(List.of(new ParamGroup(b.parameters(), 0.1, 0)), 0.9, 0, false);
        var refused = assertThatThrownBy(() -> TrainingCheckpoint.load(p, b, opt)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(p.toString());
        for (String f : fragments) refused.hasMessageContaining(f);
    }

    @Test
    void badCountersAndAnotherFormatAreRefusedNamingTheKey() throws IOException {
        assertLoadRefused(tampered("neg.safetensors", (t, m) -> m.put("step", "-1")), "metadata 'step' must be an integer in [0, ", "got '-1'");
        assertLoadRefused(tampered("text.safetensors", (t, m) -> m.put("epoch", "two")), "metadata 'epoch'", "got 'two'");
        assertLoadRefused(tampered("big.safetensors", (t, m) -> m.put("epoch", "4294967296")), "metadata 'epoch' must be an integer in [0, 2147483647]");
        assertLoadRefused(tampered("v2.safetensors", (t, m) -> m.put("format", "basis4j-training-checkpoint-2")),
                "format 'basis4j-training-checkpoint-2' is not 'basis4j-training-checkpoint-1'");
    }

    @Test
    void tensorsThatDoNotFitTheModelOrOptimiserAreRefusedNamingTheFile() throws IOException {
        assertLoadRefused(tampered("shape.safetensors", (t, m) -> t.put("weight", Tensor.zeros(2, 3))), "does not fit", "weight");
        assertLoadRefused(tampered("missing.safetensors", (t, m) -> t.remove("running_mean")), "does not fit", "running_mean");
        assertLoadRefused(tampered("opt.safetensors", (t, m) -> t.put("optimizer.state.0.momentum_buffer", Tensor.zeros(6))),
                "does not fit", "state.0.momentum_buffer");
        assertLoadRefused(tampered("idx.safetensors", (t, m) -> t.put("optimizer.state.7.momentum_buffer", Tensor.zeros(3, 2))),
                "does not fit", "names parameter 7");
        assertLoadRefused(tampered("lr.safetensors", (t, m) -> m.put("optimizer.group.0.lr", "fast")), "does not fit", "fast");
    }

    @Test
    void aModelTensorHoldingNaNOrInfinityIsRefusedWithItsKeyAndIndex() throws IOException {
        assertLoadRefused(tampered("nan.safetensors", (t, m) -> t.get("weight").set(2 * 2 + 1, Float.NaN)),
                "model tensor 'weight' [3, 2] holds NaN at [2, 1]", "diverged");
        assertLoadRefused(tampered("inf.safetensors", (t, m) -> t.get("running_mean").set(1, Float.NEGATIVE_INFINITY)),
                "model tensor 'running_mean' [3] holds -Infinity at [1]");
    }
}
