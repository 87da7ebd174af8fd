package io.github.basis4j.nn.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.basis4j.simd.testing.FileFuzzing;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes {@link IdxReader#read}, raw and gzipped. The normal suite replays the seeds under
 * {@code IdxReaderFuzzTestInputs/read/}; {@code JAZZER_FUZZ=1} runs a campaign (README, "Reference code and
 * fixtures"). A file may only be refused with a {@link DataFileException}; an accepted file holds exactly the
 * elements its dimensions promise, and never more than its size allows (raw: one byte per element; gzip: the
 * largest expansion deflate can reach).
 */
class IdxReaderFuzzTest {
    private static final FileFuzzing FUZZ = FileFuzzing.of("idx", List.of(DataFileException.class));

    @FuzzTest
    void read(byte[] bytes) {
        FUZZ.run(bytes, file -> {
            IdxReader.IdxArray a = IdxReader.read(file);
            long count = 1;
            for (int d : a.dims()) count *= d;
            if (count != a.data().length) {
                throw new AssertionError("dims " + Arrays.toString(a.dims()) + " but " + a.data().length + " bytes of data");
            }
            long size = Files.size(file);
            if (a.data().length > size * IdxReader.MAX_GZIP_EXPANSION) {
                throw new AssertionError(a.data().length + " bytes of data from a file of " + size);
            }
        });
    }
}
