package io.github.basis4j.nn.schedule;

import java.util.LinkedHashMap;
import java.util.Map;

/** Configuration building and parsing shared by the schedule records (package-private). */
final class ScheduleConfigs {
    private ScheduleConfigs() {
    }

    static Map<String, String> of(String type, Object... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("type", type);
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], String.valueOf(keyValues[i + 1]));
        return m;
    }

    static String get(Map<String, String> config, String key) {
        String v = config.get(key);
        if (v == null) {
            throw new IllegalArgumentException("LrSchedule.fromConfig: missing key '" + key + "' in " + config);
        }
        return v;
    }

    static double getDouble(Map<String, String> config, String key) {
        String v = get(config, key);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LrSchedule.fromConfig: key '" + key + "' must be a number, got '" + v + "'", e);
        }
    }

    static long getLong(Map<String, String> config, String key) {
        String v = get(config, key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("LrSchedule.fromConfig: key '" + key + "' must be an integer, got '" + v + "'", e);
        }
    }

    static void checkLr(String op, String name, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(op + ": " + name + " must be finite and >= 0, got " + v);
        }
    }

    static void checkTime(String op, long t) {
        if (t < 0) throw new IllegalArgumentException(op + ": t must be >= 0, got " + t);
    }
}
