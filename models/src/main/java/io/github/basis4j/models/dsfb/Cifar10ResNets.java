package io.github.basis4j.models.dsfb;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.ModelRegistry;
import java.util.List;
import java.util.OptionalInt;

/**
 * Every CIFAR-10 model constructor of the DSFB reference ({@code ssregibility/Net_RL2},
 * {@code models/cifar10/resnet.py}), under the reference's own names, and their registration as family
 * {@value #FAMILY} of the {@link ModelRegistry}.
 *
 * <p>Depth 6·n + 2 with n blocks per stage: ResNet20 (n = 3), 32 (5), 44 (7), 56 (9), 110 (18), 1202 (200);
 * ResNet32 and ResNet56 also come as {@code _NonShared(unique_rank)}, {@code _SharedOnly(shared_rank)},
 * {@code _SingleShared(shared_rank, unique_rank)} and {@code _DoubleShared(shared_rank, unique_rank)}. Built
 * by name, a model takes the ranks its constructor takes, defaulting to {@code train_cifar10.py}'s
 * {@code --shared_rank 16 --unique_rank 1}; 10 classes and 3 input channels unless the options say otherwise.
 * The method names keep the reference's capitalisation on purpose: they are the names users look up.
 */
public final class Cifar10ResNets {
    /** The registry family of these models. */
    public static final String FAMILY = "cifar10";
    /** {@code train_cifar10.py}'s {@code --shared_rank} default. */
    public static final int DEFAULT_SHARED_RANK = 16;
    /** {@code train_cifar10.py}'s {@code --unique_rank} default. */
    public static final int DEFAULT_UNIQUE_RANK = 1;
    /** CIFAR-10's classes, the reference's {@code num_classes} default. */
    public static final int DEFAULT_NUM_CLASSES = 10;
    /** RGB input, the reference's stem {@code Conv2d(3, 16, …)}. */
    public static final int DEFAULT_IN_CHANNELS = 3;

    /** A reference constructor: its name, variant and blocks per stage. */
    private record Spec(String name, Sharing sharing, int blocksPerStage, String description) {
    }

    /** In the order of {@code train_cifar10.py}'s {@code dic_model}. */
    private static final List<Spec> SPECS = List.of(
            new Spec("ResNet20", Sharing.NONE, 3, "CIFAR ResNet-20 (He et al. 2016)"),
            new Spec("ResNet32", Sharing.NONE, 5, "CIFAR ResNet-32"),
            new Spec("ResNet44", Sharing.NONE, 7, "CIFAR ResNet-44"),
            new Spec("ResNet56", Sharing.NONE, 9, "CIFAR ResNet-56"),
            new Spec("ResNet110", Sharing.NONE, 18, "CIFAR ResNet-110"),
            new Spec("ResNet1202", Sharing.NONE, 200, "CIFAR ResNet-1202"),
            new Spec("ResNet56_DoubleShared", Sharing.DOUBLE_SHARED, 9, "ResNet-56, two shared bases per stage plus unique bases (DSFB)"),
            new Spec("ResNet32_DoubleShared", Sharing.DOUBLE_SHARED, 5, "ResNet-32, two shared bases per stage plus unique bases (DSFB)"),
            new Spec("ResNet56_SingleShared", Sharing.SINGLE_SHARED, 9, "ResNet-56, one shared basis per stage plus unique bases"),
            new Spec("ResNet32_SingleShared", Sharing.SINGLE_SHARED, 5, "ResNet-32, one shared basis per stage plus unique bases"),
            new Spec("ResNet56_SharedOnly", Sharing.SHARED_ONLY, 9, "ResNet-56, two shared bases per stage, no unique bases"),
            new Spec("ResNet32_SharedOnly", Sharing.SHARED_ONLY, 5, "ResNet-32, two shared bases per stage, no unique bases"),
            new Spec("ResNet56_NonShared", Sharing.NON_SHARED, 9, "ResNet-56 with basis blocks of unique bases only"),
            new Spec("ResNet32_NonShared", Sharing.NON_SHARED, 5, "ResNet-32 with basis blocks of unique bases only"));

    private Cifar10ResNets() {
    }

    /** Registers every model above under family {@value #FAMILY}. */
    public static void registerAll(ModelRegistry registry) {
        for (Spec s : SPECS) registry.register(FAMILY, s.name(), s.description(), options -> build(s, options));
    }

    /** The reference names, in registration order. */
    public static List<String> names() {
        return SPECS.stream().map(Spec::name).toList();
    }

    /**
     * The model of reference name {@code name} (exact spelling; the registry is case-insensitive) with
     * {@code options}.
     *
     * @throws IllegalArgumentException for another name, or a rank the model's constructor does not take
     */
    public static CifarResNet create(String name, ModelOptions options) {
        for (Spec s : SPECS) {
            if (s.name().equals(name)) return build(s, options == null ? ModelOptions.defaults() : options);
        }
        throw new IllegalArgumentException("Cifar10ResNets: unknown model '" + name + "'; known models: " + String.join(", ", names()));
    }

    public static CifarResNet ResNet20() {
        return create("ResNet20", ModelOptions.defaults());
    }

    public static CifarResNet ResNet32() {
        return create("ResNet32", ModelOptions.defaults());
    }

    public static CifarResNet ResNet44() {
        return create("ResNet44", ModelOptions.defaults());
    }

    public static CifarResNet ResNet56() {
        return create("ResNet56", ModelOptions.defaults());
    }

    public static CifarResNet ResNet110() {
        return create("ResNet110", ModelOptions.defaults());
    }

    public static CifarResNet ResNet1202() {
        return create("ResNet1202", ModelOptions.defaults());
    }

    public static CifarResNet ResNet56_DoubleShared(int sharedRank, int uniqueRank) {
        return create("ResNet56_DoubleShared", ranks(sharedRank, uniqueRank));
    }

    public static CifarResNet ResNet32_DoubleShared(int sharedRank, int uniqueRank) {
        return create("ResNet32_DoubleShared", ranks(sharedRank, uniqueRank));
    }

    public static CifarResNet ResNet56_SingleShared(int sharedRank, int uniqueRank) {
        return create("ResNet56_SingleShared", ranks(sharedRank, uniqueRank));
    }

    public static CifarResNet ResNet32_SingleShared(int sharedRank, int uniqueRank) {
        return create("ResNet32_SingleShared", ranks(sharedRank, uniqueRank));
    }

    public static CifarResNet ResNet56_SharedOnly(int sharedRank) {
        return create("ResNet56_SharedOnly", ModelOptions.builder().optSharedRank(sharedRank).build());
    }

    public static CifarResNet ResNet32_SharedOnly(int sharedRank) {
        return create("ResNet32_SharedOnly", ModelOptions.builder().optSharedRank(sharedRank).build());
    }

    public static CifarResNet ResNet56_NonShared(int uniqueRank) {
        return create("ResNet56_NonShared", ModelOptions.builder().optUniqueRank(uniqueRank).build());
    }

    public static CifarResNet ResNet32_NonShared(int uniqueRank) {
        return create("ResNet32_NonShared", ModelOptions.builder().optUniqueRank(uniqueRank).build());
    }

    private static ModelOptions ranks(int sharedRank, int uniqueRank) {
        return ModelOptions.builder().optSharedRank(sharedRank).optUniqueRank(uniqueRank).build();
    }

    private static CifarResNet build(Spec s, ModelOptions o) {
        if (o.imageHeight().isPresent()) {
            throw new IllegalArgumentException("Cifar10ResNets: " + s.name() + " takes no image size (any size runs), got " + o);
        }
        int blocks = s.blocksPerStage();
        CifarResNet.Builder b = CifarResNet.builder().setSharing(s.sharing()).setNumBlocks(blocks, blocks, blocks)
                .optNumClasses(o.numClasses().orElse(DEFAULT_NUM_CLASSES))
                .optInChannels(o.inChannels().orElse(DEFAULT_IN_CHANNELS))
                .optSeed(o.seed().orElse(0L));
        // The reference's rule for which ranks a constructor receives, with the train script's defaults.
        b.optSharedRank(rank(s, "sharedRank", o.sharedRank(), s.sharing().sharedBasesPerStage() > 0, DEFAULT_SHARED_RANK));
        b.optUniqueRank(rank(s, "uniqueRank", o.uniqueRank(), s.sharing().hasUniqueBases(), DEFAULT_UNIQUE_RANK));
        return b.build();
    }

    private static int rank(Spec s, String what, OptionalInt given, boolean taken, int dflt) {
        if (taken) return given.orElse(dflt);
        if (given.isPresent()) {
            throw new IllegalArgumentException("Cifar10ResNets: " + s.name() + " takes no " + what + " (the reference's constructor has no such argument), got "
                    + given.getAsInt());
        }
        return 0;
    }
}
