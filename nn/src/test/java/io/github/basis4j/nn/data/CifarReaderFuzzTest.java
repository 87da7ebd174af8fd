package io.github.basis4j.nn.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.basis4j.simd.testing.FileFuzzing;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes {@link CifarReader#read}. The first input byte picks the {@link CifarReader.Format} (modulo the number
 * of formats) and the rest is the record file. The normal suite replays the seeds under
 * {@code CifarReaderFuzzTestInputs/read/}; {@code JAZZER_FUZZ=1} runs a campaign (README, "Reference code and
 * fixtures"). A file may only be refused with a {@link DataFileException}; an accepted one gives one image per
 * whole record and labels inside the format's classes.
 */
class CifarReaderFuzzTest {
    private static final FileFuzzing FUZZ = FileFuzzing.of("bin", List.of(DataFileException.class));
    private static final CifarReader.Format[] FORMATS = CifarReader.Format.values();

    @FuzzTest
    void read(byte[] bytes) {
        if (bytes.length == 0) return;
        CifarReader.Format format = FORMATS[(bytes[0] & 0xff) % FORMATS.length];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < format.numClasses(); i++) names.add("class" + i);
        FUZZ.run(Arrays.copyOfRange(bytes, 1, bytes.length), file -> {
            ByteImageDataset d = CifarReader.read(List.of(file), format, names);
            long records = Files.size(file) / format.recordBytes();
            if (d.size() != records) throw new AssertionError(d.size() + " images from " + records + " records");
            for (int i = 0; i < d.size(); i++) {
                int label = d.label(i);
                if (label < 0 || label >= format.numClasses()) throw new AssertionError("label " + label + " of image " + i);
            }
        });
    }
}
