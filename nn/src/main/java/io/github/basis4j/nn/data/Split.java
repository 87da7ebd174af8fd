package io.github.basis4j.nn.data;

/** Which part of a standard dataset to read. */
public enum Split {
    TRAIN,
    TEST
}
