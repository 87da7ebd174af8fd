package io.github.basis4j.simd.io;

/**
 * Element types a safetensors file may hold that basis4j reads. Everything is converted to float32 on
 * read: half types exactly, integer types exactly up to 2^24 (PyTorch's {@code num_batches_tracked}
 * is I64). basis4j writes F32 only.
 */
public enum DType {
    F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The dtype of a header's {@code "dtype"} string, or an exception naming the tensor and the known types. */
    static DType parse(String s, String tensorName) {
        for (DType d : values()) {
            if (d.name().equals(s)) return d;
        }
        throw new SafetensorsException("tensor '" + tensorName + "' has dtype '" + s + "'; basis4j reads F32, F16, BF16, F64, I64, I32");
    }
}
