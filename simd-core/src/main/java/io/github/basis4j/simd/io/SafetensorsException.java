package io.github.basis4j.simd.io;

/** A safetensors file is malformed, truncated, or does not hold what was asked for. */
public class SafetensorsException extends RuntimeException {
    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
