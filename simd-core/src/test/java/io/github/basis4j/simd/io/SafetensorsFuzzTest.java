package io.github.basis4j.simd.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.FileFuzzing;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes {@link Safetensors#read} and the decoding of every tensor. In the normal suite this replays the
 * seeds under {@code SafetensorsFuzzTestInputs/read/} (regression mode); {@code JAZZER_FUZZ=1} runs a campaign
 * (README, "Reference code and fixtures"). A file may only be refused with a {@link SafetensorsException};
 * a file that is accepted must keep the reader's promise: every tensor lies inside the data section, so all
 * it decodes (aliases counted once) is no more than the file holds.
 */
class SafetensorsFuzzTest {
    private static final FileFuzzing FUZZ = FileFuzzing.of("safetensors", List.of(SafetensorsException.class));

    @FuzzTest
    void read(byte[] bytes) {
        FUZZ.run(bytes, file -> {
            Safetensors.File f = Safetensors.read(file);
            long dataBytes = Files.size(file) - 8 - headerLength(bytes);
            for (Map.Entry<String, Safetensors.Entry> e : f.entries().entrySet()) {
                Safetensors.Entry entry = e.getValue();
                if (entry.begin() < 0 || entry.end() > dataBytes) {
                    throw new AssertionError(e.getKey() + " [" + entry.begin() + ", " + entry.end() + ") outside " + dataBytes + " data bytes");
                }
                Tensor t = f.tensor(e.getKey());
                if ((long) t.size() * entry.dtype().bytes() != entry.end() - entry.begin()) {
                    throw new AssertionError(e.getKey() + " decoded " + t.size() + " elements from " + (entry.end() - entry.begin()) + " bytes");
                }
            }
        });
    }

    private static long headerLength(byte[] bytes) {
        long n = 0;
        for (int i = 7; i >= 0; i--) n = (n << 8) | (bytes[i] & 0xff);
        return n;
    }
}
