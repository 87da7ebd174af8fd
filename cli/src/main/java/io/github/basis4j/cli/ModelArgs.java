package io.github.basis4j.cli;

import java.util.OptionalInt;
import picocli.CommandLine.Option;

/**
 * The options that choose and configure a model, shared by the commands as a picocli mixin. The name is
 * optional here; each command says whether it needs one ({@link #require}) or can take it from a checkpoint.
 */
final class ModelArgs {
    @Option(names = "--model", paramLabel = "NAME", description = "Model name, e.g. ResNet20 or ResNet32_DoubleShared (any case).")
    String model;

    @Option(names = "--in-channels", paramLabel = "C", description = "Input image channels (default: the model's, or the dataset's when training).")
    Integer inChannels;

    @Option(names = "--num-classes", paramLabel = "K", description = "Output classes (default: the model's, or the dataset's when training).")
    Integer numClasses;

    /**
     * The request for {@code name} (this option's value unless null) with the given channel and class defaults
     * and a drop-path rate (empty for none).
     */
    ModelRequest request(String name, Integer defaultInChannels, Integer defaultNumClasses, long seed, java.util.OptionalDouble dropPathRate) {
        ModelRequest r = request(name, defaultInChannels, defaultNumClasses, seed);
        return new ModelRequest(r.name(), r.inChannels(), r.numClasses(), seed, dropPathRate);
    }

    /** The request for {@code name} (this option's value unless null) with the given channel and class defaults. */
    ModelRequest request(String name, Integer defaultInChannels, Integer defaultNumClasses, long seed) {
        Integer c = inChannels != null ? inChannels : defaultInChannels;
        Integer k = numClasses != null ? numClasses : defaultNumClasses;
        return new ModelRequest(model != null ? model : name, c == null ? OptionalInt.empty() : OptionalInt.of(c),
                k == null ? OptionalInt.empty() : OptionalInt.of(k), seed);
    }

    /** Fails as a usage error unless {@code --model} was given. */
    void require(picocli.CommandLine.Model.CommandSpec spec) {
        if (model == null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--model=NAME'");
    }

    /** Fails as a usage error if a size option is below 1. */
    void validate(picocli.CommandLine.Model.CommandSpec spec) {
        Checks.atLeast(spec, "--in-channels", inChannels, 1);
        Checks.atLeast(spec, "--num-classes", numClasses, 1);
    }
}
