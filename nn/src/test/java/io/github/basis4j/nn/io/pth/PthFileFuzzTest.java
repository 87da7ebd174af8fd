package io.github.basis4j.nn.io.pth;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.FileFuzzing;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes {@link PthFile#read(java.nio.file.Path)} and the decoding of every tensor it lists. The normal suite
 * replays the seeds under {@code PthFileFuzzTestInputs/read/} (the committed torch.save fixtures);
 * {@code JAZZER_FUZZ=1} runs a campaign (README, "Reference code and fixtures"). A file may only be refused with
 * a {@link PthException} naming it; an accepted file decodes to tensors whose sizes match their shapes, and
 * never to more floats than {@link PthFile#MAX_VIEWS_PER_ELEMENT} times what the file could hold.
 */
class PthFileFuzzTest {
    private static final FileFuzzing FUZZ = FileFuzzing.of("pth", List.of(PthException.class));

    @FuzzTest
    void read(byte[] bytes) {
        FUZZ.run(bytes, file -> {
            Map<String, Tensor> tensors = PthFile.read(file).tensors();
            long floats = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor t = e.getValue();
                if (t.size() != t.shape().size()) {
                    throw new AssertionError(e.getKey() + ": " + t.size() + " values for shape " + t.shape());
                }
                floats += t.size();
            }
            long size = Files.size(file);
            if (floats > (long) PthFile.MAX_VIEWS_PER_ELEMENT * size) {
                throw new AssertionError(floats + " floats decoded from a file of " + size + " bytes");
            }
        });
    }
}
