package io.github.basis4j.cli;

import io.github.basis4j.simd.spi.Backends;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Which kernels a short command runs: {@code --backend auto|vector|scalar} of {@code predict} and {@code forward}.
 *
 * <p>Why a choice at all: the Vector API's kernels run in the interpreter, boxing every vector, until C2 has
 * compiled them, which takes the first few hundred milliseconds of kernel work; the scalar kernels are
 * compiled by C1 within milliseconds. Measured on 2 cores (tools/startup.sh): process start to the first
 * ResNet-32 prediction takes ~550 ms on the vector kernels and ~300 ms on the scalar ones, and the second
 * prediction still takes ~120 ms against ~25 ms. Once warm the vector kernels are 5–10× faster, so they win
 * as soon as there is enough work: about 1.4 G multiply-adds (the scalar kernels' ~2.8 G/s against the
 * vector kernels' ~0.45 s warm-up). {@code auto} estimates the work as images × parameters × input pixels ×
 * 0.14 — the CIFAR ResNets do 0.144–0.145 multiply-adds per parameter and input pixel ({@code info}: ResNet-32,
 * ResNet-56), DenseNet-121 0.123, wider networks and the MetaFormers far fewer, so the estimate errs towards
 * the vector kernels — and picks scalar below that, vector above.
 *
 * <p>The choice is made once per JVM ({@link Backends}), so it must be made before the first kernel runs: an
 * explicit choice before anything is loaded ({@link #applyExplicit}), {@code auto} once the model and the
 * amount of input are known ({@link #applyAuto}; loading weights runs no kernel). A {@code -Dbasis4j.backend}
 * given to the JVM always wins.
 */
enum KernelChoice {
    AUTO, VECTOR, SCALAR;

    /** Estimated multiply-adds per (parameter · input pixel) of a convolutional network, see the class comment. */
    static final double MACS_PER_PARAMETER_PIXEL = 0.14;
    /** Below this many estimated multiply-adds the scalar kernels finish first, see the class comment. */
    static final double SCALAR_WORK_LIMIT = 1.4e9;

    /** Forces the named kernels unless the JVM was given {@code -Dbasis4j.backend}; {@code auto} waits for {@link #applyAuto}. */
    void applyExplicit() {
        if (this == AUTO || System.getProperty(Backends.PROPERTY) != null) return;
        System.setProperty(Backends.PROPERTY, this == SCALAR ? "scalar" : "vector");
    }

    /**
     * For {@code auto}: the scalar kernels when {@code images} inputs of {@code pixels} pixels through a model of
     * {@code parameters} parameters are estimated below {@link #SCALAR_WORK_LIMIT} multiply-adds, otherwise the
     * best available; nothing when the JVM was given {@code -Dbasis4j.backend} or the choice is explicit.
     */
    void applyAuto(long images, long parameters, long pixels) {
        if (this != AUTO || System.getProperty(Backends.PROPERTY) != null) return;
        if (estimatedWork(images, parameters, pixels) < SCALAR_WORK_LIMIT) System.setProperty(Backends.PROPERTY, "scalar");
    }

    static double estimatedWork(long images, long parameters, long pixels) {
        return MACS_PER_PARAMETER_PIXEL * images * (double) parameters * pixels;
    }

    /** Parses {@code auto}, {@code vector} or {@code scalar} (any case) with a one-line error otherwise. */
    static final class Converter implements ITypeConverter<KernelChoice> {
        @Override
        public KernelChoice convert(String value) {
            try {
                return KernelChoice.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected auto, vector or scalar, got '" + value + "'");
            }
        }
    }
}
