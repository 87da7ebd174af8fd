package io.github.basis4j.nn.train;

import java.io.Console;

/** What the {@link Trainer} shows on the console while it runs. */
public enum ProgressMode {
    /** A progress bar when the console is an interactive terminal, else {@link #LINES}. */
    AUTO,
    /** A progress bar per epoch ({@link ProgressBarListener}), even when the output is not a terminal. */
    BAR,
    /** One summary line per epoch ({@link EpochLineListener}). */
    LINES,
    /** Nothing; the CSV logs are still written. */
    NONE;

    /**
     * Whether this process has an interactive terminal: {@code System.console()} is non-null and, since JDK 22
     * returns a console for redirected streams too, {@link Console#isTerminal()} holds.
     */
    public static boolean interactiveConsole() {
        Console c = System.console();
        return c != null && c.isTerminal();
    }
}
