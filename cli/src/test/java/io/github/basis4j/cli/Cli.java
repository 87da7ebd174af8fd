package io.github.basis4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** Runs the command line in-process over {@link TinyCatalog}, capturing standard output and error. */
final class Cli {
    private Cli() {
    }

    /** The exit status and what was printed. */
    record Result(int exit, String out, String err) {
        /** The non-empty lines of standard error. */
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- out:\n" + out + "--- err:\n" + err;
        }
    }

    static Result run(String... args) {
        return run(new TinyCatalog(), args);
    }

    /** Runs over {@code catalog}, e.g. the standard models. */
    static Result run(ModelCatalog catalog, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Main.commandLine(catalog, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
