package io.github.basis4j.models.dsfb;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.ModelRegistry;
import io.github.basis4j.nn.modules.Module;
import java.util.List;
import java.util.OptionalInt;

/**
 * The named constructors of one dataset of the DSFB reference, with its train script's rule for the ranks a
 * constructor receives: the ranks a constructor takes default to the script's, any other given rank is an
 * error, and classes and input channels default to the dataset's.
 *
 * @param family the registry family
 * @param owner the public class named in error messages
 * @param rejectsImageSize whether an image size in the options is an error (the CIFAR-10 ResNets say so, since any
 *     size runs); the other families ignore it
 * @param specs the constructors in registration order
 */
record ModelTable(String family, String owner, int defaultSharedRank, int defaultUniqueRank, int defaultNumClasses, boolean rejectsImageSize,
                  List<Spec> specs) {
    /** RGB input, every reference model's stem. */
    static final int DEFAULT_IN_CHANNELS = 3;

    /** Builds a model from resolved options. */
    interface Factory {
        Module build(int sharedRank, int uniqueRank, int numClasses, int inChannels, long seed);
    }

    /**
     * A reference constructor: name, description, the ranks it takes, how to build it, and its own unique-rank
     * default where the script's would not build it ({@code uniqueRankDefault > 0}; 0 for the family's).
     */
    record Spec(String name, String description, boolean takesSharedRank, boolean takesUniqueRank, Factory factory, int uniqueRankDefault) {
        Spec(String name, String description, boolean takesSharedRank, boolean takesUniqueRank, Factory factory) {
            this(name, description, takesSharedRank, takesUniqueRank, factory, 0);
        }
    }

    ModelTable {
        specs = List.copyOf(specs);
    }

    void registerAll(ModelRegistry registry) {
        for (Spec s : specs) registry.register(family, s.name(), s.description(), options -> build(s, options));
    }

    List<String> names() {
        return specs.stream().map(Spec::name).toList();
    }

    Module create(String name, ModelOptions options) {
        for (Spec s : specs) {
            if (s.name().equals(name)) return build(s, options == null ? ModelOptions.defaults() : options);
        }
        throw new IllegalArgumentException(owner + ": unknown model '" + name + "'; known models: " + String.join(", ", names()));
    }

    private Module build(Spec s, ModelOptions o) {
        if (rejectsImageSize && o.imageHeight().isPresent()) {
            throw new IllegalArgumentException(owner + ": " + s.name() + " takes no image size (any size runs), got " + o);
        }
        int shared = rank(s, "sharedRank", o.sharedRank(), s.takesSharedRank(), defaultSharedRank);
        int unique = rank(s, "uniqueRank", o.uniqueRank(), s.takesUniqueRank(), s.uniqueRankDefault() > 0 ? s.uniqueRankDefault() : defaultUniqueRank);
        return s.factory().build(shared, unique, o.numClasses().orElse(defaultNumClasses), o.inChannels().orElse(DEFAULT_IN_CHANNELS),
                o.seed().orElse(0L));
    }

    private int rank(Spec s, String what, OptionalInt given, boolean taken, int dflt) {
        if (taken) return given.orElse(dflt);
        if (given.isPresent()) {
            throw new IllegalArgumentException(owner + ": " + s.name() + " takes no " + what + " (the reference's constructor has no such argument), got "
                    + given.getAsInt());
        }
        return 0;
    }

    /** Options giving both ranks, for the constructors that take {@code (shared_rank, unique_rank)}. */
    static ModelOptions ranks(int sharedRank, int uniqueRank) {
        return ModelOptions.builder().optSharedRank(sharedRank).optUniqueRank(uniqueRank).build();
    }

    /** A four-stage ResNet of basic blocks built as {@code sharing} says. */
    static Spec basicResNet(String name, FourStageResNet.Stem stem, Sharing sharing, int[] blocks, String description) {
        return new Spec(name, description, sharing.sharedBasesPerStage() > 0, sharing.hasUniqueBases(),
                (shared, unique, classes, in, seed) -> FourStageResNet.builder().setStem(stem).setBasicBlocks(sharing).setNumBlocks(blocks)
                        .optSharedRank(shared).optUniqueRank(unique).optNumClasses(classes).optInChannels(in).optSeed(seed).build());
    }

    /** A MobileNetV2 variant; no ranks. */
    static Spec mobileNet(String name, MobileNetV2.Flavor flavor, MobileNetV2.Variant variant, String description) {
        return new Spec(name, description, false, false, (shared, unique, classes, in, seed) -> new MobileNetV2(flavor, variant, in, classes, seed));
    }
}
