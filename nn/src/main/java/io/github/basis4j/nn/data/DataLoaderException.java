package io.github.basis4j.nn.data;

/**
 * A batch could not be produced (a corrupt image, a transform that rejected a sample, samples of different
 * sizes). The message names the epoch, the batch and the sample; the cause is the original error, which for
 * a bad file is a {@link DataFileException} (possibly inside an {@link java.io.UncheckedIOException}).
 */
public class DataLoaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}, caused by {@code cause}. */
    public DataLoaderException(String message, Throwable cause) {
        super(message, cause);
    }
}
