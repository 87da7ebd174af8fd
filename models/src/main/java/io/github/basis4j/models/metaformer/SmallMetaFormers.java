package io.github.basis4j.models.metaformer;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.ModelRegistry;
import io.github.basis4j.nn.modules.StarReLU;
import java.util.List;

/**
 * Small members of the DFFormer family for 28×28 single-channel images (Fashion-MNIST), registered under
 * family {@value MetaFormers#FAMILY} next to the reference's models. Same blocks as the reference's
 * {@code dfformer.py} ({@link MetaFormerBlock} with {@link DynamicFilter}, {@link GlobalFilter} or
 * {@link SepConv} mixers, StarReLU {@link Mlp}s of ratio 4, {@link MlpHead}), scaled down:
 * <ul>
 *   <li>the reference's 7×7 stride-4 stem (padding 2) and 3×3 stride-2 transitions, so a 28×28 image gives
 *       stage maps 7×7, 4×4 and 2×2 (the reference's 224×224 gives 56, 28, 14, 7);</li>
 *   <li>three stages, not four (a fourth would be 1×1), depths {@value #DEPTH} each, dims 32, 64, 128;</li>
 *   <li>filters sized for those maps: 7×4, 4×3 and 2×2 complex values (H × (W/2+1));</li>
 *   <li>residual scales in the last two stages, as the reference's {@code res_scale_init_values}
 *       {@code (None, None, 1.0, 1.0)} puts them in its last two.</li>
 * </ul>
 * Models: {@code dfformer_fmnist} (dynamic filter everywhere), {@code cdfformer_fmnist} (separable convolution
 * in the first stage, dynamic filter in the others, as the reference's CDFFormer puts convolutions in its
 * high-resolution stages) and {@code gfformer_fmnist} (global filter). Defaults: 10 classes, 1 channel,
 * 28×28; {@link ModelOptions} may change the classes, channels, image size and seed.
 */
public final class SmallMetaFormers {
    /** Blocks per stage. */
    public static final int DEPTH = 2;
    /** Fashion-MNIST's classes. */
    public static final int DEFAULT_NUM_CLASSES = 10;
    /** Fashion-MNIST's grey channel. */
    public static final int DEFAULT_IN_CHANNELS = 1;
    /** Fashion-MNIST's side. */
    public static final int DEFAULT_IMAGE_SIZE = 28;
    /**
     * The drop-path rate these models are trained with by default: lower than the reference's 0.2 for its
     * smallest model, as these are shallower (six blocks, not eighteen) and train for few epochs.
     */
    public static final double DEFAULT_DROP_PATH_RATE = 0.05;

    private static final int[] DEPTHS = {DEPTH, DEPTH, DEPTH};
    private static final int[] DIMS = {32, 64, 128};
    private static final Double[] RES_SCALES = {null, 1.0, 1.0};

    private enum Mixers { DYNAMIC, CONV_DYNAMIC, GLOBAL }

    private record Spec(String name, Mixers mixers, String description) {
    }

    private static final List<Spec> SPECS = List.of(
            new Spec("dfformer_fmnist", Mixers.DYNAMIC, "DFFormer for 28x28x1 (3 stages 7/4/2, dims 32/64/128, dynamic filter)"),
            new Spec("cdfformer_fmnist", Mixers.CONV_DYNAMIC, "CDFFormer for 28x28x1 (separable conv in stage 1, dynamic filter after)"),
            new Spec("gfformer_fmnist", Mixers.GLOBAL, "GFFormer for 28x28x1 (global filter)"));

    private SmallMetaFormers() {
    }

    /** Registers every model above under family {@value MetaFormers#FAMILY}. */
    public static void registerAll(ModelRegistry registry) {
        for (Spec s : SPECS) registry.register(MetaFormers.FAMILY, s.name(), s.description(), options -> configure(s, options).build());
    }

    /** The names, in registration order. */
    public static List<String> names() {
        return SPECS.stream().map(Spec::name).toList();
    }

    /**
     * A {@link MetaFormer.Builder} set up as model {@code name} (exact spelling) with {@code options} (null:
     * defaults), for settings {@link ModelOptions} does not carry (drop-path rate, head dropout).
     *
     * @throws IllegalArgumentException for another name, or an option these models do not take
     */
    public static MetaFormer.Builder builder(String name, ModelOptions options) {
        for (Spec s : SPECS) {
            if (s.name().equals(name)) return configure(s, options == null ? ModelOptions.defaults() : options);
        }
        throw new IllegalArgumentException("SmallMetaFormers: unknown model '" + name + "'; known models: " + String.join(", ", names()));
    }

    private static MetaFormer.Builder configure(Spec s, ModelOptions o) {
        if (o.sharedRank().isPresent() || o.uniqueRank().isPresent()) {
            throw new IllegalArgumentException("SmallMetaFormers: " + s.name() + " takes no basis ranks (a DSFB option), got " + o);
        }
        MetaFormer.TokenMixerFactory dynamic = (dim, h, w, rng) -> new DynamicFilter(dim, h, w, DynamicFilter.DEFAULT_NUM_FILTERS,
                DynamicFilter.DEFAULT_REWEIGHT_RATIO, StarReLU::new, rng);
        MetaFormer.TokenMixerFactory global = (dim, h, w, rng) -> new GlobalFilter(dim, h, w, StarReLU::new, rng);
        MetaFormer.TokenMixerFactory sepConv = (dim, h, w, rng) -> new SepConv(dim, StarReLU::new, rng);
        MetaFormer.TokenMixerFactory[] mixers = switch (s.mixers()) {
            case DYNAMIC -> new MetaFormer.TokenMixerFactory[] {dynamic};
            case GLOBAL -> new MetaFormer.TokenMixerFactory[] {global};
            case CONV_DYNAMIC -> new MetaFormer.TokenMixerFactory[] {sepConv, dynamic, dynamic};
        };
        return MetaFormer.builder().setDepths(DEPTHS).setDims(DIMS).setTokenMixers(mixers)
                .optMlps((dim, rng) -> new Mlp(dim, 4, dim, StarReLU::new, 0.0, rng))
                .optResScaleInitValues(RES_SCALES)
                .optNumClasses(o.numClasses().orElse(DEFAULT_NUM_CLASSES))
                .optInChannels(o.inChannels().orElse(DEFAULT_IN_CHANNELS))
                .optImageSize(o.imageHeight().orElse(DEFAULT_IMAGE_SIZE), o.imageWidth().orElse(DEFAULT_IMAGE_SIZE))
                .optSeed(o.seed().orElse(0L));
    }
}
