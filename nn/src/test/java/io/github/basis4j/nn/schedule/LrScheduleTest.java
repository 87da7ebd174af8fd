package io.github.basis4j.nn.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LrScheduleTest {
    private static final double EXACT = 1e-15;

    @Test
    void stepLrDecaysAtMultiplesOfStepSize() {
        StepLR s = new StepLR(0.05, 7, 0.5);
        assertThat(s.lr(0)).isEqualTo(0.05);
        assertThat(s.lr(6)).isEqualTo(0.05);
        assertThat(s.lr(7)).isEqualTo(0.025);
        assertThat(s.lr(13)).isEqualTo(0.025);
        assertThat(s.lr(14)).isEqualTo(0.0125);
    }

    @Test
    void multiStepLrCountsMilestonesAtOrBeforeTIncludingRepeats() {
        MultiStepLR s = MultiStepLR.of(0.1, 0.1, 20, 5, 12, 12);
        assertThat(s.milestones()).containsExactly(5L, 12L, 12L, 20L);
        assertThat(s.lr(4)).isEqualTo(0.1);
        assertThat(s.lr(5)).isCloseTo(0.01, offset(EXACT));
        assertThat(s.lr(11)).isCloseTo(0.01, offset(EXACT));
        assertThat(s.lr(12)).isCloseTo(1e-4, offset(EXACT));
        assertThat(s.lr(20)).isCloseTo(1e-5, offset(EXACT));
        assertThat(s.lr(1000)).isCloseTo(1e-5, offset(EXACT));
    }

    @Test
    void cosineAnnealingHitsItsEndsAndMidpoint() {
        CosineAnnealingLR s = new CosineAnnealingLR(0.1, 10, 0.001);
        assertThat(s.lr(0)).isEqualTo(0.1);
        assertThat(s.lr(5)).isCloseTo(0.0505, offset(EXACT));
        assertThat(s.lr(10)).isCloseTo(0.001, offset(EXACT));
        assertThat(s.lr(20)).as("periodic like torch's").isCloseTo(0.1, offset(EXACT));
    }

    @Test
    void warmupCosineAtTheWarmupBoundariesTimmDefaultAndPrefix() {
        // timm default (warmup_prefix=False): warm-up 1e-4 → 0.1 over 5, cosine over t_initial = 25 from t = 0.
        WarmupCosineLR timm = new WarmupCosineLR(0.1, 25, 1e-5, 5, 1e-4, false);
        assertThat(timm.lr(0)).isEqualTo(1e-4);
        assertThat(timm.lr(1)).isCloseTo(1e-4 + (0.1 - 1e-4) / 5, offset(EXACT));
        assertThat(timm.lr(4)).isCloseTo(1e-4 + 4 * (0.1 - 1e-4) / 5, offset(EXACT));
        double at5 = 1e-5 + 0.5 * (0.1 - 1e-5) * (1 + Math.cos(Math.PI * 5 / 25));
        assertThat(timm.lr(5)).as("the cosine is already 5 units in").isCloseTo(at5, offset(EXACT)).isLessThan(0.1);
        assertThat(timm.lr(24)).isGreaterThan(1e-5);
        assertThat(timm.lr(25)).isEqualTo(1e-5);
        assertThat(timm.lr(100)).isEqualTo(1e-5);

        WarmupCosineLR prefix = new WarmupCosineLR(0.1, 20, 1e-5, 5, 1e-4, true);
        assertThat(prefix.lr(5)).isEqualTo(0.1);
        assertThat(prefix.lr(15)).isCloseTo(1e-5 + 0.5 * (0.1 - 1e-5), offset(EXACT));
        assertThat(prefix.lr(25)).isEqualTo(1e-5);

        WarmupCosineLR none = WarmupCosineLR.withoutWarmup(0.2, 4, 0.0);
        assertThat(none.lr(0)).isEqualTo(0.2);
        assertThat(none.lr(2)).isCloseTo(0.1, offset(EXACT));
    }

    @Test
    void matchesTorchSchedulersFixture() throws IOException {
        Path p = Path.of("src/test/resources/fixtures/lr_schedules.safetensors");
        assertThat(p).as("fixture missing: run /usr/bin/python3 tools/fixtures/lr_schedules.py").exists();
        Safetensors.File f = Safetensors.read(p);
        // Parameters as in tools/fixtures/lr_schedules.py.
        Map<String, LrSchedule> ours = Map.of(
                "step", new StepLR(0.05, 7, 0.5),
                "multistep", MultiStepLR.of(0.1, 0.1, 5, 12, 12, 20),
                "cosine", new CosineAnnealingLR(0.1, 10, 0.001),
                "warmup_cosine", new WarmupCosineLR(0.1, 20, 1e-5, 5, 1e-4, true));
        for (var e : ours.entrySet()) {
            float[] torch = f.tensor(e.getKey()).toArray();
            assertThat(torch.length).isGreaterThan(20);
            for (int t = 0; t < torch.length; t++) {
                // The reader hands back float32; compare in float32 to one rounding.
                float lr = (float) e.getValue().lr(t);
                assertThat(lr).as("%s at epoch %d", e.getKey(), t).isCloseTo(torch[t], offset(Math.ulp(torch[t])));
            }
        }
    }

    @Test
    void schedulerPerEpochHoldsTheRateWithinAnEpochPerStepDoesNot() {
        MultiStepLR s = MultiStepLR.of(0.1, 0.1, 2);
        LrScheduler perEpoch = new LrScheduler(s, ScheduleUnit.EPOCH, 3);
        double[] lrs = new double[9];
        for (int i = 0; i < 9; i++) {
            lrs[i] = perEpoch.lr();
            perEpoch.step();
        }
        assertThat(lrs).containsExactly(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, s.lr(2), s.lr(2), s.lr(2));
        assertThat(perEpoch.epoch()).isEqualTo(3);

        LrScheduler perStep = new LrScheduler(s, ScheduleUnit.STEP, 3);
        perStep.step();
        perStep.step();
        assertThat(perStep.lr()).isEqualTo(s.lr(2));
    }

    @Test
    void stateRoundTripsAndResumedSchedulerContinuesIdentically() {
        List<LrSchedule> all = List.of(new StepLR(0.05, 7, 0.5), MultiStepLR.of(0.1, 0.2, 3, 9),
                new CosineAnnealingLR(0.1 / 3, 10, 1e-7), new WarmupCosineLR(0.4 / 3, 50, 1e-6, 7, 1e-5, false));
        for (LrSchedule s : all) {
            assertThat(LrSchedule.fromConfig(s.config())).isEqualTo(s);
            LrScheduler a = new LrScheduler(s, ScheduleUnit.STEP, 11);
            for (int i = 0; i < 17; i++) a.step();
            LrScheduler b = LrScheduler.restore(a.state());
            for (int i = 0; i < 40; i++) {
                assertThat(Double.doubleToRawLongBits(b.lr())).isEqualTo(Double.doubleToRawLongBits(a.lr()));
                a.step();
                b.step();
            }
            assertThat(b.state()).isEqualTo(a.state());
        }
    }

    @Test
    void badArgumentsAndConfigsAreNamed() {
        assertThatThrownBy(() -> new StepLR(0.1, 0, 0.1)).hasMessageContaining("stepSize must be >= 1");
        assertThatThrownBy(() -> MultiStepLR.of(0.1, 0.1, -1)).hasMessageContaining("milestones must be >= 0");
        assertThatThrownBy(() -> new CosineAnnealingLR(-1, 3, 0)).hasMessageContaining("baseLr must be finite and >= 0");
        assertThatThrownBy(() -> LrSchedule.fromConfig(Map.of("type", "poly"))).hasMessageContaining("unknown type 'poly'");
        assertThatThrownBy(() -> LrSchedule.fromConfig(Map.of("type", "step", "base_lr", "0.1", "gamma", "0.1")))
                .hasMessageContaining("missing key 'step_size'");
        assertThatThrownBy(() -> LrSchedule.fromConfig(Map.of("type", "step", "base_lr", "x", "step_size", "1", "gamma", "1")))
                .hasMessageContaining("'base_lr' must be a number, got 'x'");
        assertThatThrownBy(() -> new StepLR(0.1, 1, 1).lr(-1)).hasMessageContaining("t must be >= 0");
        assertThatThrownBy(() -> new LrScheduler(new StepLR(0.1, 1, 1), ScheduleUnit.EPOCH, 0))
                .hasMessageContaining("stepsPerEpoch must be >= 1");
    }
}
