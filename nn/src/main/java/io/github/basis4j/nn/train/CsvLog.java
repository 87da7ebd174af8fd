package io.github.basis4j.nn.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only CSV file (RFC 4180 quoting, '\n' line ends) flushed after every row, so a run killed at
 * any moment leaves a header and complete rows, plus at most one partial last line that {@link #resume}
 * drops. Not thread-safe; the trainer writes from its own thread.
 */
final class CsvLog implements AutoCloseable {
    private final Path file;
    private final int columns;
    private final BufferedWriter out;

    private CsvLog(Path file, int columns, BufferedWriter out) {
        this.file = file;
        this.columns = columns;
        this.out = out;
    }

    /** A new log at {@code file} holding only {@code header}; an existing file is replaced. */
    static CsvLog create(Path file, List<String> header) throws IOException {
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        CsvLog log = new CsvLog(file, header.size(), w);
        log.row(header);
        return log;
    }

    /**
     * Continues the log at {@code file} for a resumed run: keeps the complete rows whose integer column
     * {@code keyColumn} is below {@code keepBelow} (the rows of steps or epochs the checkpoint already
     * holds; later rows belong to work the resumed run redoes) and appends after them. A missing file is
     * created; a file with another header is refused, naming both headers.
     */
    static CsvLog resume(Path file, List<String> header, int keyColumn, long keepBelow) throws IOException {
        if (!Files.exists(file)) return create(file, header);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        // Everything after the last line end is a row a killed run did not finish.
        int end = text.lastIndexOf('\n');
        List<String> lines = end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
        String expected = line(header);
        if (lines.isEmpty() || !lines.get(0).equals(expected)) {
            throw new IllegalStateException("Trainer: cannot resume the log " + file + ": its header is '"
                    + (lines.isEmpty() ? "" : lines.get(0)) + "' but this run writes '" + expected
                    + "'; resume with the same regularisers and gradient-norm sets, or move the file away");
        }
        List<String> kept = new ArrayList<>();
        kept.add(expected);
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", keyColumn + 2);
            long key;
            try {
                key = Long.parseLong(cells[keyColumn]);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalStateException("Trainer: cannot resume the log " + file + ": line " + (i + 1) + " has no integer in column "
                        + keyColumn + ": '" + lines.get(i) + "'", e);
            }
            if (key < keepBelow) kept.add(lines.get(i));
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, String.join("\n", kept) + "\n", StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        return new CsvLog(file, header.size(), w);
    }

    /** Appends one row of exactly as many cells as the header and flushes it to the file. */
    void row(List<String> cells) {
        if (cells.size() != columns) {
            throw new IllegalArgumentException("CsvLog: " + file + " has " + columns + " columns, got a row of " + cells.size());
        }
        try {
            out.write(line(cells));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Trainer: cannot write the log " + file, e);
        }
    }

    private static String line(List<String> cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) sb.append(',');
            String c = cells.get(i);
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                sb.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
