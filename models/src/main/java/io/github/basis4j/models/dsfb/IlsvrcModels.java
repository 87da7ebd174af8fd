package io.github.basis4j.models.dsfb;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.ModelRegistry;
import io.github.basis4j.nn.modules.Module;
import java.util.List;

/**
 * The ILSVRC (ImageNet) model constructors of the DSFB reference ({@code ssregibility/Net_RL2},
 * {@code models/ilsvrc/resnet.py}), under the reference's own names, and their registration as family
 * {@value #FAMILY} of the {@link ModelRegistry}.
 *
 * <p>ResNet18, 34, 50 and 101 (He et al. 2016); {@code ResNet34_SingleShared(shared_rank, unique_rank)} and
 * {@code ResNet34_DoubleShared(shared_rank, unique_rank)} (basis blocks, {@link Sharing}); {@code ResNet50_Shared},
 * {@code ResNet50_SharedSingle}, {@code ResNet101_Shared} and {@code ResNet101_SharedSingle} (bottlenecks sharing
 * whole layers per stage, {@link BottleneckSharing}; no ranks); from {@code models/ilsvrc/mobilenetv2.py}
 * {@code MobileNetV2}, {@code MobileNetV2_Shared} and {@code MobileNetV2_SharedDouble} ({@link MobileNetV2}; no
 * ranks). Built by name, a model takes the ranks its
 * constructor takes, defaulting to {@code train_ilsvrc.py}'s {@code --shared_rank 32 --unique_rank 1}; 1000
 * classes and 3 input channels unless the options say otherwise. The method names keep the reference's
 * capitalisation on purpose: they are the names users look up.
 */
public final class IlsvrcModels {
    /** The registry family of these models. */
    public static final String FAMILY = "ilsvrc";
    /** {@code train_ilsvrc.py}'s {@code --shared_rank} default. */
    public static final int DEFAULT_SHARED_RANK = 32;
    /** {@code train_ilsvrc.py}'s {@code --unique_rank} default. */
    public static final int DEFAULT_UNIQUE_RANK = 1;
    /** ImageNet's classes, the reference's {@code num_classes} default. */
    public static final int DEFAULT_NUM_CLASSES = 1000;
    /** RGB input. */
    public static final int DEFAULT_IN_CHANNELS = ModelTable.DEFAULT_IN_CHANNELS;

    private static final int[] BLOCKS_18 = {2, 2, 2, 2};
    private static final int[] BLOCKS_34_50 = {3, 4, 6, 3};
    private static final int[] BLOCKS_101 = {3, 4, 23, 3};
    private static final FourStageResNet.Stem IMAGENET = FourStageResNet.Stem.IMAGENET;

    /** In the order of {@code train_ilsvrc.py}'s {@code dic_model}. */
    private static final ModelTable TABLE = new ModelTable(FAMILY, "IlsvrcModels", DEFAULT_SHARED_RANK, DEFAULT_UNIQUE_RANK, DEFAULT_NUM_CLASSES, false,
            List.of(
            ModelTable.basicResNet("ResNet18", IMAGENET, Sharing.NONE, BLOCKS_18, "ImageNet ResNet-18 (He et al. 2016)"),
            ModelTable.basicResNet("ResNet34", IMAGENET, Sharing.NONE, BLOCKS_34_50, "ImageNet ResNet-34"),
            ModelTable.basicResNet("ResNet34_DoubleShared", IMAGENET, Sharing.DOUBLE_SHARED, BLOCKS_34_50,
                    "ResNet-34, two shared bases per stage plus unique bases (DSFB)"),
            ModelTable.basicResNet("ResNet34_SingleShared", IMAGENET, Sharing.SINGLE_SHARED, BLOCKS_34_50,
                    "ResNet-34, one shared basis per stage plus unique bases"),
            bottleneck("ResNet50", BottleneckSharing.NONE, BLOCKS_34_50, "ImageNet ResNet-50"),
            bottleneck("ResNet50_Shared", BottleneckSharing.SHARED, BLOCKS_34_50, "ResNet-50 sharing each stage's 3×3 and expansion convolutions"),
            bottleneck("ResNet50_SharedSingle", BottleneckSharing.SHARED_SINGLE, BLOCKS_34_50, "ResNet-50 sharing each stage's 3×3 convolution"),
            bottleneck("ResNet101", BottleneckSharing.NONE, BLOCKS_101, "ImageNet ResNet-101"),
            bottleneck("ResNet101_Shared", BottleneckSharing.SHARED, BLOCKS_101, "ResNet-101 sharing each stage's 3×3 and expansion convolutions"),
            bottleneck("ResNet101_SharedSingle", BottleneckSharing.SHARED_SINGLE, BLOCKS_101, "ResNet-101 sharing each stage's 3×3 convolution"),
            ModelTable.mobileNet("MobileNetV2", MobileNetV2.Flavor.ILSVRC, MobileNetV2.Variant.NONE, "ImageNet MobileNetV2 (Sandler et al. 2018)"),
            ModelTable.mobileNet("MobileNetV2_Shared", MobileNetV2.Flavor.ILSVRC, MobileNetV2.Variant.SHARED, "MobileNetV2 sharing each middle stage's expansion layer"),
            ModelTable.mobileNet("MobileNetV2_SharedDouble", MobileNetV2.Flavor.ILSVRC, MobileNetV2.Variant.SHARED_DOUBLE,
                    "MobileNetV2 sharing each middle stage's expansion and projection, with ECA channel attention")));

    private IlsvrcModels() {
    }

    private static ModelTable.Spec bottleneck(String name, BottleneckSharing sharing, int[] blocks, String description) {
        return new ModelTable.Spec(name, description, false, false,
                (shared, unique, classes, in, seed) -> FourStageResNet.builder().setBottleneckBlocks(sharing).setNumBlocks(blocks)
                        .optNumClasses(classes).optInChannels(in).optSeed(seed).build());
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

    public static FourStageResNet ResNet50() {
        return (FourStageResNet) create("ResNet50", ModelOptions.defaults());
    }

    public static FourStageResNet ResNet101() {
        return (FourStageResNet) create("ResNet101", ModelOptions.defaults());
    }

    public static FourStageResNet ResNet34_DoubleShared(int sharedRank, int uniqueRank) {
        return (FourStageResNet) create("ResNet34_DoubleShared", ModelTable.ranks(sharedRank, uniqueRank));
    }

    public static FourStageResNet ResNet34_SingleShared(int sharedRank, int uniqueRank) {
        return (FourStageResNet) create("ResNet34_SingleShared", ModelTable.ranks(sharedRank, uniqueRank));
    }

    public static FourStageResNet ResNet50_Shared() {
        return (FourStageResNet) create("ResNet50_Shared", ModelOptions.defaults());
    }

    public static FourStageResNet ResNet50_SharedSingle() {
        return (FourStageResNet) create("ResNet50_SharedSingle", ModelOptions.defaults());
    }

    public static FourStageResNet ResNet101_Shared() {
        return (FourStageResNet) create("ResNet101_Shared", ModelOptions.defaults());
    }

    public static FourStageResNet ResNet101_SharedSingle() {
        return (FourStageResNet) create("ResNet101_SharedSingle", ModelOptions.defaults());
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
