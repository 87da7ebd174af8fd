package io.github.basis4j.simd.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The shared body of every file-reader fuzz target: writes the fuzzer's bytes to a file, runs the reader on
 * it, and lets only the reader's declared exceptions pass. Anything else (an {@code ArrayIndexOutOfBoundsException},
 * a {@code NegativeArraySizeException}, an {@code OutOfMemoryError}, an assertion error) escapes, and Jazzer
 * reports it as a finding; so does a declared exception whose message does not name the file.
 *
 * <p>A fuzz target for a new reader is one small class (the Jazzer dependency stays in the test classes):
 * <pre>{@code
 * class NpyReaderFuzzTest {
 *     private static final FileFuzzing FUZZ = FileFuzzing.of("npy", List.of(NpyException.class, IOException.class));
 *
 *     @FuzzTest
 *     void read(byte[] bytes) {
 *         FUZZ.run(bytes, file -> NpyReader.read(file));
 *     }
 * }
 * }</pre>
 * with its seed files under {@code src/test/resources/<package>/NpyReaderFuzzTestInputs/read/}.
 *
 * <p>A reader that maps the whole file is better fuzzed through an entry point taking the bytes, if it has one
 * that runs the same parser (as {@code PthFile.read(byte[])} does): rewriting the one input file truncates it, and
 * truncating a file unmaps it from every mapping the garbage collector has not yet released, which made such a
 * target run at a hundredth of its in-memory speed.
 *
 * <p>Threading: one instance per target class; Jazzer runs a target on one thread, so the file is reused.
 */
public final class FileFuzzing {
    /** A reader under test; it may check invariants of what it accepted and throw {@link AssertionError}. */
    @FunctionalInterface
    public interface Reader {
        /** Reads {@code file}; what it returns is the caller's to check. */
        void read(Path file) throws IOException;
    }

    private final Path file;
    private final List<Class<? extends Exception>> declared;

    private FileFuzzing(Path file, List<Class<? extends Exception>> declared) {
        this.file = file;
        this.declared = declared;
    }

    /**
     * A harness whose inputs go to a fresh temporary file ending in {@code .suffix}, and whose reader may end
     * with any exception assignable to one of {@code declared}.
     */
    public static FileFuzzing of(String suffix, List<Class<? extends Exception>> declared) {
        try {
            // A campaign writes millions of files: in memory (tmpfs) where the system has one, it costs far less.
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "basis4j-fuzz")
                    : Files.createTempDirectory("basis4j-fuzz");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("input." + suffix);
            file.toFile().deleteOnExit();
            return new FileFuzzing(file, List.copyOf(declared));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file each input is written to. */
    public Path file() {
        return file;
    }

    /**
     * Writes {@code bytes} to {@link #file()} and runs {@code reader} on it.
     *
     * @return true if the reader accepted the file, false if it refused it with a declared exception
     * @throws AssertionError if a declared exception's message is empty or does not name the file
     */
    public boolean run(byte[] bytes, Reader reader) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fuzz input to " + file, e);
        }
        try {
            reader.read(file);
            return true;
        } catch (Exception e) {
            if (!isDeclared(e)) throw new AssertionError("undeclared " + e.getClass().getName() + " from the reader", e);
            String message = e.getMessage();
            if (message == null || !message.contains(file.getFileName().toString())) {
                throw new AssertionError("a refusal must name the file " + file + ", got: " + message, e);
            }
            return false;
        }
    }

    private boolean isDeclared(Exception e) {
        for (Class<? extends Exception> c : declared) if (c.isInstance(e)) return true;
        return false;
    }
}
