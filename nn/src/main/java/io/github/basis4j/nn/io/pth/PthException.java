package io.github.basis4j.nn.io.pth;

/**
 * A PyTorch checkpoint is malformed, truncated, uses a feature basis4j does not read, or asks the unpickler for
 * something outside the few opcodes and globals a {@code state_dict} needs. The message names the file, the
 * archive entry and, for the pickle, the byte offset and the opcode or global at fault.
 */
public class PthException extends RuntimeException {
    /** An error described by {@code message}. */
    public PthException(String message) {
        super(message);
    }

    /** An error described by {@code message}, caused by {@code cause}. */
    public PthException(String message, Throwable cause) {
        super(message, cause);
    }
}
