package io.github.basis4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A benchmark workload's sizes written as one JMH {@code @Param} string of underscore-separated tokens,
 * each a lower-case name followed by a decimal value: {@code m3136_n64_k576},
 * {@code n128_h32_w32_c16_oc16_k3}, {@code n1_h56_w56_c128_oc128_k7_g128}. {@code benchmarks/workloads.py}
 * parses the same strings, so the Java benchmark and the PyTorch reference agree on a workload by name.
 *
 * <p>Underscores, not commas or spaces, separate tokens because JMH's {@code -p name=v1,v2} splits on commas.
 */
public final class ShapeSpec {
    private final String text;
    private final Map<String, Integer> sizes;

    private ShapeSpec(String text, Map<String, Integer> sizes) {
        this.text = text;
        this.sizes = sizes;
    }

    /** Parses {@code text}; throws naming the bad token when a token is not {@code name<digits>} or repeats a name. */
    public static ShapeSpec parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("shape spec: must not be empty");
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (String token : text.split("_")) {
            int split = 0;
            while (split < token.length() && Character.isLetter(token.charAt(split))) split++;
            if (split == 0 || split == token.length()) {
                throw new IllegalArgumentException("shape spec '" + text + "': token '" + token
                        + "' must be a name followed by a number, e.g. n128");
            }
            String name = token.substring(0, split);
            int value;
            try {
                value = Integer.parseInt(token.substring(split));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("shape spec '" + text + "': token '" + token + "' has no integer value", e);
            }
            if (sizes.put(name, value) != null) {
                throw new IllegalArgumentException("shape spec '" + text + "': '" + name + "' is given twice");
            }
        }
        return new ShapeSpec(text, sizes);
    }

    /** The size called {@code name}; throws naming the spec when it is absent. */
    public int get(String name) {
        Integer v = sizes.get(name);
        if (v == null) throw new IllegalArgumentException("shape spec '" + text + "': needs a value for '" + name + "'");
        return v;
    }

    /** The size called {@code name}, or {@code fallback} when the spec leaves it out. */
    public int get(String name, int fallback) {
        return sizes.getOrDefault(name, fallback);
    }

    @Override
    public String toString() {
        return text;
    }
}
