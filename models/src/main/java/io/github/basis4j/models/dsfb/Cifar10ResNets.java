package io.github.basis4j.models.dsfb;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.ModelRegistry;
import java.util.List;

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
    public static final int DEFAULT_IN_CHANNELS = ModelTable.DEFAULT_IN_CHANNELS;

    /** In the order of {@code train_cifar10.py}'s {@code dic_model}. */
    private static final ModelTable TABLE = new ModelTable(FAMILY, "Cifar10ResNets", DEFAULT_SHARED_RANK, DEFAULT_UNIQUE_RANK, DEFAULT_NUM_CLASSES, true,
            List.of(
                    resNet("ResNet20", Sharing.NONE, 3, "CIFAR ResNet-20 (He et al. 2016)"),
                    resNet("ResNet32", Sharing.NONE, 5, "CIFAR ResNet-32"),
                    resNet("ResNet44", Sharing.NONE, 7, "CIFAR ResNet-44"),
                    resNet("ResNet56", Sharing.NONE, 9, "CIFAR ResNet-56"),
                    resNet("ResNet110", Sharing.NONE, 18, "CIFAR ResNet-110"),
                    resNet("ResNet1202", Sharing.NONE, 200, "CIFAR ResNet-1202"),
                    resNet("ResNet56_DoubleShared", Sharing.DOUBLE_SHARED, 9, "ResNet-56, two shared bases per stage plus unique bases (DSFB)"),
                    resNet("ResNet32_DoubleShared", Sharing.DOUBLE_SHARED, 5, "ResNet-32, two shared bases per stage plus unique bases (DSFB)"),
                    resNet("ResNet56_SingleShared", Sharing.SINGLE_SHARED, 9, "ResNet-56, one shared basis per stage plus unique bases"),
                    resNet("ResNet32_SingleShared", Sharing.SINGLE_SHARED, 5, "ResNet-32, one shared basis per stage plus unique bases"),
                    resNet("ResNet56_SharedOnly", Sharing.SHARED_ONLY, 9, "ResNet-56, two shared bases per stage, no unique bases"),
                    resNet("ResNet32_SharedOnly", Sharing.SHARED_ONLY, 5, "ResNet-32, two shared bases per stage, no unique bases"),
                    resNet("ResNet56_NonShared", Sharing.NON_SHARED, 9, "ResNet-56 with basis blocks of unique bases only"),
                    resNet("ResNet32_NonShared", Sharing.NON_SHARED, 5, "ResNet-32 with basis blocks of unique bases only")));

    /** A three-stage ResNet of {@code blocksPerStage} blocks per stage, built as {@code sharing} says. */
    private static ModelTable.Spec resNet(String name, Sharing sharing, int blocksPerStage, String description) {
        return new ModelTable.Spec(name, description, sharing.sharedBasesPerStage() > 0, sharing.hasUniqueBases(),
                (shared, unique, classes, in, seed) -> CifarResNet.builder().setSharing(sharing).setNumBlocks(blocksPerStage, blocksPerStage, blocksPerStage)
                        .optSharedRank(shared).optUniqueRank(unique).optNumClasses(classes).optInChannels(in).optSeed(seed).build());
    }

    private Cifar10ResNets() {
    }

    /** Registers every model above under family {@value #FAMILY}. */
    public static void registerAll(ModelRegistry registry) {
        TABLE.registerAll(registry);
    }

    /** The reference names, in registration order. */
    public static List<String> names() {
        return TABLE.names();
    }

    /**
     * The model of reference name {@code name} (exact spelling; the registry is case-insensitive) with
     * {@code options}.
     *
     * @throws IllegalArgumentException for another name, or a rank the model's constructor does not take
     */
    public static CifarResNet create(String name, ModelOptions options) {
        return (CifarResNet) TABLE.create(name, options);
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
        return create("ResNet56_DoubleShared", ModelTable.ranks(sharedRank, uniqueRank));
    }

    public static CifarResNet ResNet32_DoubleShared(int sharedRank, int uniqueRank) {
        return create("ResNet32_DoubleShared", ModelTable.ranks(sharedRank, uniqueRank));
    }

    public static CifarResNet ResNet56_SingleShared(int sharedRank, int uniqueRank) {
        return create("ResNet56_SingleShared", ModelTable.ranks(sharedRank, uniqueRank));
    }

    public static CifarResNet ResNet32_SingleShared(int sharedRank, int uniqueRank) {
        return create("ResNet32_SingleShared", ModelTable.ranks(sharedRank, uniqueRank));
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
}
