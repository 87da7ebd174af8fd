package io.github.basis4j.nn.schedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.lr_scheduler.MultiStepLR}: {@code lr(t) = baseLr · gamma^k} where {@code k} counts the
 * milestones {@code <= t} (Python's {@code bisect_right}); a milestone listed twice decays twice, as
 * torch's {@code Counter} of milestones does. The classic CIFAR ResNet recipe is
 * {@code new MultiStepLR(0.1, List.of(100L, 150L), 0.1)} per epoch.
 *
 * @param baseLr     learning rate at t = 0
 * @param milestones decay times (≥ 0), kept sorted
 * @param gamma      factor applied at each milestone
 */
public record MultiStepLR(double baseLr, List<Long> milestones, double gamma) implements LrSchedule {
    static final String TYPE = "multistep";

    /** Validates the arguments and sorts a copy of the milestones. */
    public MultiStepLR {
        ScheduleConfigs.checkLr("MultiStepLR", "baseLr", baseLr);
        ScheduleConfigs.checkLr("MultiStepLR", "gamma", gamma);
        List<Long> sorted = new ArrayList<>(milestones);
        for (Long m : sorted) {
            if (m == null || m < 0) throw new IllegalArgumentException("MultiStepLR: milestones must be >= 0, got " + milestones);
        }
        sorted.sort(null);
        milestones = List.copyOf(sorted);
    }

    @Override
    public double lr(long t) {
        ScheduleConfigs.checkTime("MultiStepLR.lr", t);
        int k = 0;
        while (k < milestones.size() && milestones.get(k) <= t) k++;
        return baseLr * Math.pow(gamma, k);
    }

    @Override
    public Map<String, String> config() {
        StringBuilder ms = new StringBuilder();
        for (Long m : milestones) ms.append(ms.isEmpty() ? "" : ",").append(m);
        return ScheduleConfigs.of(TYPE, "base_lr", baseLr, "milestones", ms, "gamma", gamma);
    }

    static MultiStepLR fromConfig(Map<String, String> c) {
        String ms = ScheduleConfigs.get(c, "milestones");
        List<Long> list = new ArrayList<>();
        try {
            if (!ms.isBlank()) for (String s : ms.split(",")) list.add(Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LrSchedule.fromConfig: key 'milestones' must be comma-separated integers, got '"
                    + ms + "'", e);
        }
        return new MultiStepLR(ScheduleConfigs.getDouble(c, "base_lr"), list, ScheduleConfigs.getDouble(c, "gamma"));
    }

    /** Convenience for literal milestones. */
    public static MultiStepLR of(double baseLr, double gamma, long... milestones) {
        return new MultiStepLR(baseLr, Arrays.stream(milestones).boxed().toList(), gamma);
    }
}
