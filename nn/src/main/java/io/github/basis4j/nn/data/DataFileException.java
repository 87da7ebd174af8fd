package io.github.basis4j.nn.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that cannot be used: corrupt, truncated, of the wrong kind or inconsistent with its partner
 * file. The message always starts with the file and says what is wrong, e.g.
 * {@code train-images-idx3-ubyte.gz: truncated: the header promises [60000, 28, 28] = 47040000 bytes of data, the file ends after 1000}.
 */
public class DataFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** A problem with {@code file}, described by {@code problem}. */
    public DataFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** A problem with {@code file}, described by {@code problem}, caused by {@code cause}. */
    public DataFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
