package io.github.basis4j.cli;

/**
 * A failure caused by what the user asked for (a missing file, a tensor of the wrong shape, a model that
 * does not fit its weights). {@link Main} prints its message as one line and exits with status 1.
 */
public class CliException extends RuntimeException {
    /** A failure described by {@code message}, which must read well on its own after "basis4j &lt;command&gt;: ". */
    public CliException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
