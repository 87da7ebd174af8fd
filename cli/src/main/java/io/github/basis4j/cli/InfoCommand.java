package io.github.basis4j.cli;

import io.github.basis4j.simd.Tensor;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code basis4j info}: a model's size. Prints, in the form of the committed manifests,
 * {@code # model}, {@code # distinct_parameters} (a shared basis counted once), {@code # state_dict_entries}
 * (every alias counted), {@code # input} (its native {@code HxWxC}) and {@code # multiply_adds} per image at
 * that size ({@link MacCounter}); with {@code --keys}, then one line per state-dict entry,
 * {@code key<TAB>shape} with the shape as {@code 16x3x3x3}, in PyTorch's {@code state_dict()} order.
 * Without {@code --model}: the known model names, one per line.
 */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Parameter count, multiply-adds at the native resolution and, with --keys, the state-dict keys and shapes; without --model, the known models.")
final class InfoCommand implements Callable<Integer> {
    private final ModelCatalog catalog;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelArgs modelArgs;

    @Option(names = "--keys", description = "Also list every state-dict entry as key<TAB>shape.")
    private boolean keys;

    InfoCommand(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Integer call() {
        modelArgs.validate(spec);
        PrintWriter out = spec.commandLine().getOut();
        if (modelArgs.model == null) {
            for (String name : catalog.names()) out.println(name);
            out.flush();
            return 0;
        }
        CliModel model = catalog.create(modelArgs.request(modelArgs.model, null, null, 0));
        Map<String, Tensor> state = model.module().stateDict();
        long macs = MacCounter.count(model.module(), model.nativeInput());
        out.printf("# model\t%s%n", model.name());
        out.printf("# distinct_parameters\t%d%n", model.module().parameterCount());
        out.printf("# state_dict_entries\t%d%n", state.size());
        out.printf("# input\t%s%n", model.nativeInput());
        out.printf("# multiply_adds\t%d%n", macs);
        if (keys) {
            for (Map.Entry<String, Tensor> e : state.entrySet()) out.printf("%s\t%s%n", e.getKey(), e.getValue().shape().toCompactString());
        }
        out.flush();
        return 0;
    }
}
