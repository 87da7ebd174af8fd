package io.github.basis4j.cli;

import io.github.basis4j.simd.Parallel;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Validation of option values that picocli's type conversion cannot express; failures are usage errors. */
final class Checks {
    private Checks() {
    }

    /** {@code value} (if given) must be at least {@code min}. */
    static void atLeast(CommandSpec spec, String option, Number value, long min) {
        if (value != null && value.longValue() < min) {
            throw new ParameterException(spec.commandLine(), option + " must be >= " + min + ", got " + value);
        }
    }

    /** {@code value} (if given) must be finite and at least {@code min}. */
    static void atLeast(CommandSpec spec, String option, Double value, double min) {
        if (value != null && !(Double.isFinite(value) && value >= min)) {
            throw new ParameterException(spec.commandLine(), option + " must be a finite number >= " + min + ", got " + value);
        }
    }

    /** {@code value} (if given) must be finite and greater than 0. */
    static void positive(CommandSpec spec, String option, Double value) {
        if (value != null && !(Double.isFinite(value) && value > 0)) {
            throw new ParameterException(spec.commandLine(), option + " must be a finite number > 0, got " + value);
        }
    }

    /** The file must exist and be a regular file. */
    static Path existingFile(String what, Path file) {
        if (!Files.exists(file)) throw new CliException(what + " " + file + " does not exist");
        if (!Files.isRegularFile(file)) throw new CliException(what + " " + file + " is not a regular file");
        return file;
    }

    /** Sets the kernels' thread count if one was given. */
    static void threads(CommandSpec spec, Integer threads) {
        atLeast(spec, "--threads", threads, 1);
        if (threads != null) Parallel.setThreads(threads);
    }
}
