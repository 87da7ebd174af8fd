package io.github.basis4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code basis4j} command: {@code train}, {@code eval}, {@code predict}, {@code forward}, {@code convert},
 * {@code info}, {@code bench} and {@code report}.
 *
 * <p>Error contract: every failure the user can cause ends with exactly one line on standard error,
 * {@code basis4j <command>: <what went wrong>}, and a non-zero exit status — {@value #EXIT_USAGE} for a
 * command line picocli rejects (unknown option, bad number, missing required option), {@value #EXIT_FAILURE}
 * for anything that fails once the command runs (unknown model, missing or malformed file, shape mismatch,
 * diverged training). No stack trace is ever printed; multi-line messages (such as a state dict's list of
 * missing keys) are joined into one line.
 */
@Command(name = "basis4j", mixinStandardHelpOptions = true, version = "basis4j 0.1.0",
        description = "Train, evaluate and run deeply-shared-filter-basis CNNs on the CPU, in pure Java.",
        footer = {"", "The JVM needs --add-modules jdk.incubator.vector for the vectorised kernels; the ./basis4j launcher passes it."})
public final class Main implements Runnable {
    /** Exit status of a command line that does not parse. */
    public static final int EXIT_USAGE = 2;
    /** Exit status of a command that failed while running. */
    public static final int EXIT_FAILURE = 1;

    @Spec
    private CommandSpec spec;

    private Main() {
    }

    /** Without a subcommand: the usage message, and a usage error status. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required: " + String.join(", ", spec.subcommands().keySet()));
    }

    /** Runs the tool with the standard models and exits with its status. */
    public static void main(String[] args) {
        // The plots are drawn off-screen; a server without a display must not fail on AWT.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(commandLine(StandardModels.catalog(), out, err, args).execute(args));
    }

    /**
     * The configured command line over {@code catalog}, printing results to {@code out} and errors (one
     * line each) to {@code err}; {@link CommandLine#execute} returns the exit status.
     */
    public static CommandLine commandLine(ModelCatalog catalog, PrintWriter out, PrintWriter err) {
        return commandLine(catalog, out, err, new String[0]);
    }

    /**
     * As {@link #commandLine(ModelCatalog, PrintWriter, PrintWriter)}, for running {@code toRun}: when it names a
     * command, only that one is built. Picocli builds a command's model by reflection over all its options and
     * their types, which for all eight took ~60 ms of a one-shot predict's ~300 ms start-up; help, version and
     * unknown commands still see them all.
     */
    static CommandLine commandLine(ModelCatalog catalog, PrintWriter out, PrintWriter err, String[] toRun) {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("train", () -> new TrainCommand(catalog));
        commands.put("eval", () -> new EvalCommand(catalog));
        commands.put("predict", () -> new PredictCommand(catalog));
        commands.put("forward", () -> new ForwardCommand(catalog));
        commands.put("convert", ConvertCommand::new);
        commands.put("info", () -> new InfoCommand(catalog));
        commands.put("bench", () -> new BenchCommand(catalog));
        commands.put("report", () -> new ReportCommand(catalog));
        String only = toRun.length > 0 && commands.containsKey(toRun[0]) ? toRun[0] : null;
        CommandLine cl = new CommandLine(new Main());
        commands.forEach((name, command) -> {
            if (only == null || only.equals(name)) cl.addSubcommand(name, command.get());
        });
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            failed.getErr().println(prefix(failed) + oneLine(ex.getMessage()) + " (see: " + failed.getCommandSpec().qualifiedName() + " --help)");
            failed.getErr().flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, failed, parseResult) -> {
            failed.getErr().println(prefix(failed) + describe(ex));
            failed.getErr().flush();
            return EXIT_FAILURE;
        });
        return cl;
    }

    private static String prefix(CommandLine cl) {
        return cl.getCommandSpec().qualifiedName() + ": ";
    }

    /** One line saying what went wrong, for any exception a command may end with. */
    static String describe(Throwable ex) {
        Throwable t = ex;
        // Wrappers carry no message of their own worth showing: report what they wrap.
        while ((t instanceof UncheckedIOException || t.getClass() == RuntimeException.class) && t.getCause() != null
                && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString()))) {
            t = t.getCause();
        }
        if (t instanceof NoSuchFileException e) return "no such file: " + e.getFile();
        if (t instanceof AccessDeniedException e) return "permission denied: " + e.getFile();
        if (t instanceof FileSystemException e) return oneLine(e.getMessage());
        if (t instanceof UncheckedIOException e && e.getCause() != null) return oneLine(e.getCause().getMessage());
        String message = t.getMessage();
        if (t instanceof CliException || t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof IOException || t.getClass().getName().startsWith("io.github.basis4j.")) {
            return oneLine(message == null ? t.getClass().getSimpleName() : message);
        }
        // Anything else is a defect of basis4j, not of the input: say so, still on one line.
        return "internal error: " + t.getClass().getName() + (message == null ? "" : ": " + oneLine(message));
    }

    /** Joins the lines of a message with "; ". */
    static String oneLine(String message) {
        if (message == null) return "";
        return message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
