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
 * 100 classes and 3 input channels unless the options say otherwise. From {@code models/cifar100/densenet.py}
 * {@code DenseNet121}, {@code DenseNet169}, {@code DenseNet201}, {@code DenseNet161} and
 * {@code DenseNet121_SingleShared(shared_rank, unique_rank)} ({@link DenseNet}); from {@code models/cifar100/resnext.py}
 * {@code ResNext50_32x4d}, {@code ResNext101_32x8d} and {@code ResNext50_32x4d_SingleShared(shared_rank, unique_rank)}
 * ({@link ResNext}), the ResNeXt-50 pair also under the train script's names {@code ResNext50} and
 * {@code ResNext50_SingleShared}. The reference's ResNext constructors take the class count as a required argument
 * that its train script omits; here it is the usual option. ResNext50_SingleShared's unique rank defaults to 4, not the
 * script's 1 (see {@link ResNext}). The method names keep the reference's capitalisation on
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
    private static final int[] DENSE_121 = {6, 12, 24, 16};
    /** DenseNet-121/169/201's growth rate. */
    private static final int DENSE_GROWTH = 32;
    /** ResNeXt's cardinality (32×4d, 32×8d). */
    private static final int RESNEXT_GROUPS = 32;
    /** ResNeXt-50 32×4d's base width. */
    private static final int RESNEXT50_WIDTH = 4;

    /** In the order of {@code train_cifar100.py}'s {@code dic_model}. */
    private static final ModelTable TABLE = new ModelTable(FAMILY, "Cifar100Models", DEFAULT_SHARED_RANK, DEFAULT_UNIQUE_RANK, DEFAULT_NUM_CLASSES, false,
            List.of(
                    ModelTable.basicResNet("ResNet18", CIFAR, Sharing.NONE, BLOCKS_18, "CIFAR-100 ResNet-18 (four stages, 3×3 stem)"),
                    ModelTable.basicResNet("ResNet34", CIFAR, Sharing.NONE, BLOCKS_34, "CIFAR-100 ResNet-34"),
                    ModelTable.basicResNet("ResNet34_SingleShared", CIFAR, Sharing.SINGLE_SHARED, BLOCKS_34,
                            "ResNet-34, one shared basis per stage plus unique bases (DSFB)"),
                    ModelTable.basicResNet("ResNet34_NonShared", CIFAR, Sharing.NON_SHARED, BLOCKS_34, "ResNet-34 with basis blocks of unique bases only"),
                    ModelTable.basicResNet("ResNet34_SharedOnly", CIFAR, Sharing.SHARED_ONLY_SINGLE, BLOCKS_34,
                            "ResNet-34, one shared basis per stage, no unique bases"),
                    denseNet("DenseNet121", DenseNet.Variant.PLAIN, DENSE_121, DENSE_GROWTH, "CIFAR DenseNet-BC-121, growth 32 (Huang et al. 2017)"),
                    denseNet("DenseNet121_SingleShared", DenseNet.Variant.SINGLE_SHARED, DENSE_121, DENSE_GROWTH,
                            "DenseNet-121, one shared 3×3 basis per dense block plus unique bases (DSFB)"),
                    resNext("ResNext50", ResNext.Variant.PLAIN, BLOCKS_34, RESNEXT50_WIDTH, "CIFAR ResNeXt-50 32×4d (Xie et al. 2017); the train script's name"),
                    resNext("ResNext50_SingleShared", ResNext.Variant.SINGLE_SHARED, BLOCKS_34, RESNEXT50_WIDTH,
                            "ResNeXt-50 32×4d, one shared grouped basis per stage plus unique bases; the train script's name"),
                    ModelTable.mobileNet("MobileNetV2", MobileNetV2.Flavor.CIFAR, MobileNetV2.Variant.NONE, "CIFAR-100 MobileNetV2 (Sandler et al. 2018)"),
                    ModelTable.mobileNet("MobileNetV2_Shared", MobileNetV2.Flavor.CIFAR, MobileNetV2.Variant.SHARED,
                            "MobileNetV2 sharing each middle stage's expansion layer"),
                    ModelTable.mobileNet("MobileNetV2_SharedDouble", MobileNetV2.Flavor.CIFAR, MobileNetV2.Variant.SHARED_DOUBLE,
                            "MobileNetV2 sharing each middle stage's expansion and projection"),
                    // Defined in the reference's model files but not registered by its train script:
                    denseNet("DenseNet169", DenseNet.Variant.PLAIN, new int[] {6, 12, 32, 32}, DENSE_GROWTH, "CIFAR DenseNet-BC-169, growth 32"),
                    denseNet("DenseNet201", DenseNet.Variant.PLAIN, new int[] {6, 12, 48, 32}, DENSE_GROWTH, "CIFAR DenseNet-BC-201, growth 32"),
                    denseNet("DenseNet161", DenseNet.Variant.PLAIN, new int[] {6, 12, 36, 24}, 48, "CIFAR DenseNet-BC-161, growth 48"),
                    resNext("ResNext50_32x4d", ResNext.Variant.PLAIN, BLOCKS_34, RESNEXT50_WIDTH, "ResNeXt-50 32×4d under its constructor's name"),
                    resNext("ResNext50_32x4d_SingleShared", ResNext.Variant.SINGLE_SHARED, BLOCKS_34, RESNEXT50_WIDTH,
                            "ResNeXt-50 32×4d SingleShared under its constructor's name"),
                    resNext("ResNext101_32x8d", ResNext.Variant.PLAIN, new int[] {3, 4, 23, 3}, 8, "CIFAR ResNeXt-101 32×8d")));

    private static ModelTable.Spec denseNet(String name, DenseNet.Variant variant, int[] blocks, int growth, String description) {
        boolean shared = variant == DenseNet.Variant.SINGLE_SHARED;
        return new ModelTable.Spec(name, description, shared, shared, (sharedRank, uniqueRank, classes, in, seed) -> new DenseNet(variant, blocks, growth,
                sharedRank, uniqueRank, in, classes, seed));
    }

    private static ModelTable.Spec resNext(String name, ResNext.Variant variant, int[] blocks, int baseWidth, String description) {
        boolean shared = variant == ResNext.Variant.SINGLE_SHARED;
        // The script's unique rank 1 makes the reference's grouped unique basis int(1/base_width) = 0 groups, which
        // PyTorch rejects; base_width is the smallest rank that builds.
        return new ModelTable.Spec(name, description, shared, shared, (sharedRank, uniqueRank, classes, in, seed) -> new ResNext(variant, blocks,
                RESNEXT_GROUPS, baseWidth, sharedRank, uniqueRank, in, classes, seed), shared ? baseWidth : 0);
    }

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
        return (FourStageResNet) create("ResNet34_SingleShared", ModelTable.ranks(sharedRank, uniqueRank));
    }

    public static FourStageResNet ResNet34_NonShared(int uniqueRank) {
        return (FourStageResNet) create("ResNet34_NonShared", ModelOptions.builder().optUniqueRank(uniqueRank).build());
    }

    public static FourStageResNet ResNet34_SharedOnly(int sharedRank) {
        return (FourStageResNet) create("ResNet34_SharedOnly", ModelOptions.builder().optSharedRank(sharedRank).build());
    }

    public static DenseNet DenseNet121() {
        return (DenseNet) create("DenseNet121", ModelOptions.defaults());
    }

    public static DenseNet DenseNet169() {
        return (DenseNet) create("DenseNet169", ModelOptions.defaults());
    }

    public static DenseNet DenseNet201() {
        return (DenseNet) create("DenseNet201", ModelOptions.defaults());
    }

    public static DenseNet DenseNet161() {
        return (DenseNet) create("DenseNet161", ModelOptions.defaults());
    }

    public static DenseNet DenseNet121_SingleShared(int sharedRank, int uniqueRank) {
        return (DenseNet) create("DenseNet121_SingleShared", ModelTable.ranks(sharedRank, uniqueRank));
    }

    /** The reference's {@code ResNext50_32x4d(c)}: c classes. */
    public static ResNext ResNext50_32x4d(int numClasses) {
        return (ResNext) create("ResNext50_32x4d", ModelOptions.builder().optNumClasses(numClasses).build());
    }

    /** The reference's {@code ResNext101_32x8d(c)}: c classes. */
    public static ResNext ResNext101_32x8d(int numClasses) {
        return (ResNext) create("ResNext101_32x8d", ModelOptions.builder().optNumClasses(numClasses).build());
    }

    public static ResNext ResNext50_32x4d_SingleShared(int sharedRank, int uniqueRank) {
        return (ResNext) create("ResNext50_32x4d_SingleShared", ModelTable.ranks(sharedRank, uniqueRank));
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
