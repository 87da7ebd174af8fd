package io.github.basis4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    @Test
    void reportsThroughputAndOrderedLatencyPercentiles() {
        Cli.Result r = Cli.run("bench", "--model", "TinyNet", "--batch-size", "2", "--threads", "1", "--warmup", "1", "--iterations", "7");
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, String> kv = new LinkedHashMap<>();
        r.out().lines().forEach(l -> kv.put(l.split("\t")[0], l.split("\t")[1]));
        assertThat(kv).containsEntry("model", "TinyNet").containsEntry("input", "2x28x28x1").containsEntry("threads", "1")
                .containsEntry("iterations", "7 (after 1 warm-up)");
        double min = Double.parseDouble(kv.get("latency_ms_min")), p50 = Double.parseDouble(kv.get("latency_ms_p50")),
                p90 = Double.parseDouble(kv.get("latency_ms_p90")), p99 = Double.parseDouble(kv.get("latency_ms_p99"));
        assertThat(min).isPositive().isLessThanOrEqualTo(p50);
        assertThat(p50).isLessThanOrEqualTo(p90);
        assertThat(p90).isLessThanOrEqualTo(p99);
        assertThat(Double.parseDouble(kv.get("latency_ms_mean"))).isBetween(min, Double.parseDouble(kv.get("latency_ms_p99")));
        assertThat(Double.parseDouble(kv.get("images_per_second"))).isPositive();
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
        assertThat(BenchCommand.percentile(sorted, 50)).isEqualTo(50);
        assertThat(BenchCommand.percentile(sorted, 90)).isEqualTo(90);
        assertThat(BenchCommand.percentile(sorted, 99)).isEqualTo(100);
        assertThat(BenchCommand.percentile(new long[] {7}, 50)).isEqualTo(7);
    }
}
