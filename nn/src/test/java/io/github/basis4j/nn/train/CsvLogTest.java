package io.github.basis4j.nn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvLogTest {
    @TempDir
    Path dir;

    @Test
    void rowsReachTheFileBeforeCloseAndCellsAreQuotedAsRfc4180() throws IOException {
        Path f = dir.resolve("m.csv");
        CsvLog log = CsvLog.create(f, List.of("step", "grad_norm.a,b"));
        log.row(List.of("0", "say \"hi\""));
        // Not closed: a killed process leaves exactly this on disk.
        assertThat(Files.readString(f)).isEqualTo("step,\"grad_norm.a,b\"\n0,\"say \"\"hi\"\"\"\n");
        assertThatThrownBy(() -> log.row(List.of("1"))).hasMessageContaining("has 2 columns, got a row of 1");
        log.close();
    }

    @Test
    void resumeKeepsRowsBelowTheKeyAndDropsAPartialLastLine() throws IOException {
        Path f = dir.resolve("m.csv");
        Files.writeString(f, "epoch,step,loss\n0,0,2.3\n0,1,2.1\n0,2,1.9\n1,3,1.7\n1,4,1.", StandardCharsets.UTF_8);
        try (CsvLog log = CsvLog.resume(f, List.of("epoch", "step", "loss"), 1, 2)) {
            log.row(List.of("0", "2", "1.8"));
        }
        assertThat(Files.readAllLines(f)).containsExactly("epoch,step,loss", "0,0,2.3", "0,1,2.1", "0,2,1.8");
    }

    @Test
    void resumeCreatesAMissingLogAndRefusesAnotherHeader() throws IOException {
        Path f = dir.resolve("m.csv");
        CsvLog.resume(f, List.of("epoch", "step"), 1, 5).close();
        assertThat(Files.readAllLines(f)).containsExactly("epoch,step");
        assertThatThrownBy(() -> CsvLog.resume(f, List.of("epoch", "step", "loss"), 1, 5))
                .hasMessageContaining("its header is 'epoch,step' but this run writes 'epoch,step,loss'");
    }
}
