package io.github.basis4j.models.dsfb;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.ModelRegistry;
import io.github.basis4j.nn.modules.Module;
import java.util.List;
import java.util.OptionalInt;

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
    public static final int DEFAULT_IN_CHANNELS = 3;

    private static final int[] BLOCKS_18 = {2, 2, 2, 2};
    private static final int[] BLOCKS_34_50 = {3, 4, 6, 3};
    private static final int[] BLOCKS_101 = {3, 4, 23, 3};

    /** A reference constructor: name, description, the ranks it takes and how to build it. */
    private record Spec(String name, String description, boolean takesSharedRank, boolean takesUniqueRank, Factory factory) {
    }

    /** Builds a model from resolved options. */
    private interface Factory {
        Module build(int sharedRank, int uniqueRank, int numClasses, int inChannels, long seed);
    }

    /** In the order of {@code train_ilsvrc.py}'s {@code dic_model}. */
    private static final List<Spec> SPECS = List.of(
            basic("ResNet18", Sharing.NONE, BLOCKS_18, "ImageNet ResNet-18 (He et al. 2016)"),
            basic("ResNet34", Sharing.NONE, BLOCKS_34_50, "ImageNet ResNet-34"),
            basic("ResNet34_DoubleShared", Sharing.DOUBLE_SHARED, BLOCKS_34_50, "ResNet-34, two shared bases per stage plus unique bases (DSFB)"),
            basic("ResNet34_SingleShared", Sharing.SINGLE_SHARED, BLOCKS_34_50, "ResNet-34, one shared basis per stage plus unique bases"),
            bottleneck("ResNet50", BottleneckSharing.NONE, BLOCKS_34_50, "ImageNet ResNet-50"),
            bottleneck("ResNet50_Shared", BottleneckSharing.SHARED, BLOCKS_34_50, "ResNet-50 sharing each stage's 3×3 and expansion convolutions"),
            bottleneck("ResNet50_SharedSingle", BottleneckSharing.SHARED_SINGLE, BLOCKS_34_50, "ResNet-50 sharing each stage's 3×3 convolution"),
            bottleneck("ResNet101", BottleneckSharing.NONE, BLOCKS_101, "ImageNet ResNet-101"),
            bottleneck("ResNet101_Shared", BottleneckSharing.SHARED, BLOCKS_101, "ResNet-101 sharing each stage's 3×3 and expansion convolutions"),
            bottleneck("ResNet101_SharedSingle", BottleneckSharing.SHARED_SINGLE, BLOCKS_101, "ResNet-101 sharing each stage's 3×3 convolution"),
            mobileNet("MobileNetV2", MobileNetV2.Variant.NONE, "ImageNet MobileNetV2 (Sandler et al. 2018)"),
            mobileNet("MobileNetV2_Shared", MobileNetV2.Variant.SHARED, "MobileNetV2 sharing each middle stage's expansion layer"),
            mobileNet("MobileNetV2_SharedDouble", MobileNetV2.Variant.SHARED_DOUBLE,
                    "MobileNetV2 sharing each middle stage's expansion and projection, with ECA channel attention"));

    private IlsvrcModels() {
    }

    private static Spec basic(String name, Sharing sharing, int[] blocks, String description) {
        return new Spec(name, description, sharing.sharedBasesPerStage() > 0, sharing.hasUniqueBases(),
                (shared, unique, classes, in, seed) -> FourStageResNet.builder().setBasicBlocks(sharing).setNumBlocks(blocks)
                        .optSharedRank(shared).optUniqueRank(unique).optNumClasses(classes).optInChannels(in).optSeed(seed).build());
    }

    private static Spec bottleneck(String name, BottleneckSharing sharing, int[] blocks, String description) {
        return new Spec(name, description, false, false,
                (shared, unique, classes, in, seed) -> FourStageResNet.builder().setBottleneckBlocks(sharing).setNumBlocks(blocks)
                        .optNumClasses(classes).optInChannels(in).optSeed(seed).build());
    }

    private static Spec mobileNet(String name, MobileNetV2.Variant variant, String description) {
        return new Spec(name, description, false, false, (shared, unique, classes, in, seed) -> new MobileNetV2(variant, in, classes, seed));
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
    public static Module create(String name, ModelOptions options) {
        for (Spec s : SPECS) {
            if (s.name().equals(name)) return build(s, options == null ? ModelOptions.defaults() : options);
        }
        throw new IllegalArgumentException("IlsvrcModels: unknown model '" + name + "'; known models: " + String.join(", ", names()));
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
        return (FourStageResNet) create("ResNet34_DoubleShared", ranks(sharedRank, uniqueRank));
    }

    public static FourStageResNet ResNet34_SingleShared(int sharedRank, int uniqueRank) {
        return (FourStageResNet) create("ResNet34_SingleShared", ranks(sharedRank, uniqueRank));
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

    private static ModelOptions ranks(int sharedRank, int uniqueRank) {
        return ModelOptions.builder().optSharedRank(sharedRank).optUniqueRank(uniqueRank).build();
    }

    private static Module build(Spec s, ModelOptions o) {
        // The reference's rule for which ranks a constructor receives, with the train script's defaults.
        int shared = rank(s, "sharedRank", o.sharedRank(), s.takesSharedRank(), DEFAULT_SHARED_RANK);
        int unique = rank(s, "uniqueRank", o.uniqueRank(), s.takesUniqueRank(), DEFAULT_UNIQUE_RANK);
        return s.factory().build(shared, unique, o.numClasses().orElse(DEFAULT_NUM_CLASSES), o.inChannels().orElse(DEFAULT_IN_CHANNELS),
                o.seed().orElse(0L));
    }

    private static int rank(Spec s, String what, OptionalInt given, boolean taken, int dflt) {
        if (taken) return given.orElse(dflt);
        if (given.isPresent()) {
            throw new IllegalArgumentException("IlsvrcModels: " + s.name() + " takes no " + what + " (the reference's constructor has no such argument), got "
                    + given.getAsInt());
        }
        return 0;
    }
}
