package io.github.basis4j.cli;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Module;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code basis4j report}: summarises the {@code train} runs under {@code --runs} (each sub-directory with a
 * {@value RunRecord#FILE}) as a Markdown page with a table of test accuracy over seeds and model sizes per
 * (model, λ), and one PNG per stage of the shared bases' gradient norms, written beside the page as
 * {@code <page name>-grad-norms-stage<s>.png}. See {@link ExperimentReport} for what is computed.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Summarise finished train runs (accuracy over seeds, sizes, gradient-norm plots) as a Markdown page.")
final class ReportCommand implements Callable<Integer> {
    private final ModelCatalog catalog;

    @Spec
    private CommandSpec spec;

    @Option(names = "--runs", required = true, paramLabel = "DIR", description = "Directory whose sub-directories are train runs.")
    private Path runsDir;

    @Option(names = "--output", required = true, paramLabel = "FILE.md", description = "The Markdown page to write; the plots go beside it.")
    private Path output;

    @Option(names = "--title", defaultValue = "Experiment", description = "The page's title (default: ${DEFAULT-VALUE}).")
    private String title;

    @Option(names = "--command", paramLabel = "TEXT", description = "The command that reproduces the runs, quoted on the page (default: this report command).")
    private String command;

    ReportCommand(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Integer call() throws IOException {
        String name = output.getFileName().toString();
        if (!name.endsWith(".md")) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--output must name a .md file, got " + output);
        ExperimentReport report = ExperimentReport.of(RunResult.readAll(runsDir));
        List<ExperimentReport.Row> rows = report.rows(r -> size(catalog, r));
        Path dir = output.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        List<Path> plots = report.writePlots(dir, name.substring(0, name.length() - ".md".length()));
        List<String> plotNames = new ArrayList<>();
        for (Path p : plots) plotNames.add(p.getFileName().toString());
        String cmd = command != null ? command : "./basis4j report --runs " + runsDir + " --output " + output;
        ExperimentReport.writeAtomically(output, report.markdown(title, cmd, rows, plotNames));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("report: %s%n", output);
        for (Path p : plots) out.printf("plot: %s%n", p);
        out.flush();
        return 0;
    }

    /** The size of the run's model, built as the run built it (its channels and classes), at the run's input. */
    static ExperimentReport.ModelSize size(ModelCatalog catalog, RunRecord run) {
        CliModel model = catalog.create(new ModelRequest(run.model(), OptionalInt.of(run.input().channels()), OptionalInt.of(run.numClasses()), 0));
        Module m = model.module();
        return new ExperimentReport.ModelSize(m.parameterCount(), convParameters(m), MacCounter.count(m, run.input()));
    }

    /** Distinct trainable scalars held by convolutions (a basis shared by several blocks counted once). */
    static long convParameters(Module model) {
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        long n = 0;
        for (Module m : model.namedModules().values()) {
            if (!(m instanceof Conv2d)) continue;
            for (Parameter p : m.ownParameters().values()) if (seen.add(p)) n += p.value().size();
        }
        return n;
    }
}
