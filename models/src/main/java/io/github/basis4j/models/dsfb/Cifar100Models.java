package io.github.basis4j.models.dsfb;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.ModelRegistry;
import io.github.basis4j.nn.modules.Module;
import java.util.List;

/**
 * The CIFAR-100 model constructors of the DSFB reference ({@code ssregibility/Net_RL2},
 * {@code models/cifar100/resnet.py}, {@code models/cifar100/mobilenetv2.py}) built so far, under the reference's own names, and their registration as
 * family {@value #FAMILY} of the {@link ModelRegistry}.
 *
 * <p>ResNet18 and ResNet34 (He et al. 2016, with a 3×3 stride-1 stem and no max pool), and
 * {@code ResNet34_SingleShared(shared_rank, unique_rank)}, {@code ResNet34_NonShared(unique_rank)} and
 * {@code ResNet34_SharedOnly(shared_rank)} — the last with one shared basis per stage
 * ({@link Sharing#SHARED_ONLY_SINGLE}), unlike CIFAR-10's class of that name; from
 * {@code models/cifar100/mobilenetv2.py} {@code MobileNetV2}, {@code MobileNetV2_Shared} and
 * {@code MobileNetV2_SharedDouble} ({@link MobileNetV2} with {@link MobileNetV2.Flavor#CIFAR}; no ranks). Built by name, a model takes the
 * ranks its constructor takes, defaulting to {@code train_cifar100.py}'s {@code --shared_rank 16 --unique_rank 1};
 * 100 classes and 3 input channels unless the options say otherwise. The reference's DenseNet and ResNext
 * constructors are not here. The method names keep the reference's capitalisation on
 * purpose: they are the names users look up.
 */
public final class Cifar100Models {
    /** The registry family of these models. */
    public static final String FAMILY = "cifar100";
    /** {@code train_cifar100.py}'s {@code --shared_rank} default. */
    public static final int DEFAULT_SHARED_RANK = 16;
    /** {@code train_cifar100.py}'s {@code --unique_rank} default. */
    public static final int DEFAULT_UNIQUE_RANK = 1;
    /** CIFAR-100's classes, the reference's {@code num_classes} default. */
    public static final int DEFAULT_NUM_CLASSES = 100;

    private static final int[] BLOCKS_18 = {2, 2, 2, 2};
    private static final int[] BLOCKS_34 = {3, 4, 6, 3};
    private static final FourStageResNet.Stem CIFAR = FourStageResNet.Stem.CIFAR;

    /** In the order of {@code train_cifar100.py}'s {@code dic_model}. */
    private static final ModelTable TABLE = new ModelTable(FAMILY, "Cifar100Models", DEFAULT_SHARED_RANK, DEFAULT_UNIQUE_RANK, DEFAULT_NUM_CLASSES,
            List.of(
                    ModelTable.basicResNet("ResNet18", CIFAR, Sharing.NONE, BLOCKS_18, "CIFAR-100 ResNet-18 (four stages, 3×3 stem)"),
                    ModelTable.basicResNet("ResNet34", CIFAR, Sharing.NONE, BLOCKS_34, "CIFAR-100 ResNet-34"),
                    ModelTable.basicResNet("ResNet34_SingleShared", CIFAR, Sharing.SINGLE_SHARED, BLOCKS_34,
                            "ResNet-34, one shared basis per stage plus unique bases (DSFB)"),
                    ModelTable.basicResNet("ResNet34_NonShared", CIFAR, Sharing.NON_SHARED, BLOCKS_34, "ResNet-34 with basis blocks of unique bases only"),
                    ModelTable.basicResNet("ResNet34_SharedOnly", CIFAR, Sharing.SHARED_ONLY_SINGLE, BLOCKS_34,
                            "ResNet-34, one shared basis per stage, no unique bases"),
                    ModelTable.mobileNet("MobileNetV2", MobileNetV2.Flavor.CIFAR, MobileNetV2.Variant.NONE, "CIFAR-100 MobileNetV2 (Sandler et al. 2018)"),
                    ModelTable.mobileNet("MobileNetV2_Shared", MobileNetV2.Flavor.CIFAR, MobileNetV2.Variant.SHARED,
                            "MobileNetV2 sharing each middle stage's expansion layer"),
                    ModelTable.mobileNet("MobileNetV2_SharedDouble", MobileNetV2.Flavor.CIFAR, MobileNetV2.Variant.SHARED_DOUBLE,
                            "MobileNetV2 sharing each middle stage's expansion and projection")));

    private Cifar100Models() {
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
    public static Module create(String name, ModelOptions options) {
        return TABLE.create(name, options);
    }

    public static FourStageResNet ResNet18() {
        return (FourStageResNet) create("ResNet18", ModelOptions.defaults());
    }

    public static FourStageResNet ResNet34() {
        return (FourStageResNet) create("ResNet34", ModelOptions.defaults());
    }

    public static FourStageResNet ResNet34_SingleShared(int sharedRank, int uniqueRank) {
        return (FourStageResNet) create("ResNet34_SingleShared", ModelOptions.builder().optSharedRank(sharedRank).optUniqueRank(uniqueRank).build());
    }

    public static FourStageResNet ResNet34_NonShared(int uniqueRank) {
        return (FourStageResNet) create("ResNet34_NonShared", ModelOptions.builder().optUniqueRank(uniqueRank).build());
    }

    public static FourStageResNet ResNet34_SharedOnly(int sharedRank) {
        return (FourStageResNet) create("ResNet34_SharedOnly", ModelOptions.builder().optSharedRank(sharedRank).build());
    }

    public static MobileNetV2 MobileNetV2() {
        return (MobileNetV2) create("MobileNetV2", ModelOptions.defaults());
    }

    public static MobileNetV2 MobileNetV2_Shared() {
        return (MobileNetV2) create("MobileNetV2_Shared", ModelOptions.defaults());
    }

    public static MobileNetV2 MobileNetV2_SharedDouble() {
        return (MobileNetV2) create("MobileNetV2_SharedDouble", ModelOptions.defaults());
    }
}
