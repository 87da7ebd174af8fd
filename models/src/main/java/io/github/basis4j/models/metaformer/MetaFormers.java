package io.github.basis4j.models.metaformer;

import io.github.basis4j.fft.FilterResize;
import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.ModelRegistry;
import io.github.basis4j.nn.modules.GELU;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.ReLU;
import io.github.basis4j.nn.modules.StarReLU;
import io.github.basis4j.simd.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The MetaFormers with FFT token mixers registered by the DFFormer reference (Tatsunami &amp; Taki,
 * arXiv 2303.03932; {@code okojoalg/dfformer}, {@code models/dfformer.py}), under the reference's names, and
 * their registration as family {@value #FAMILY} of the {@link ModelRegistry}:
 * <ul>
 *   <li>{@code dfformer_s18/s36/m36/b36}: {@link DynamicFilter} in every stage;</li>
 *   <li>{@code cdfformer_s18/s36/m36/b36}: {@link SepConv} in stages 1-2, {@link DynamicFilter} in 3-4;</li>
 *   <li>{@code gfformer_s18}: {@link GlobalFilter};</li>
 *   <li>ablations of {@code dfformer_s18}: {@code _gelu} and {@code _relu} (that activation in the MLPs and after
 *       the mixer's pwconv1, the reweight MLP keeping StarReLU), {@code _k2} (two filters), {@code _d8}
 *       (reweight ratio 0.125), {@code _afno} ({@link AFNO2D} in every stage; the reference builds it with
 *       {@code dfformer_s18_k2}'s config entry, which differs from the others in having no weights URL only).</li>
 * </ul>
 * s18: depths 3, 3, 9, 3; s36, m36, b36: 3, 12, 18, 3; dims s 64, 128, 320, 512, m 96, 192, 384, 576,
 * b 128, 256, 512, 768. Defaults as the reference's {@code _cfg}: 1000 classes, 3×224×224 input.
 * {@link ModelOptions} may set the classes, input channels, image size and seed.
 * */
public final class MetaFormers {
    /** The registry family of these models. */
    public static final String FAMILY = "metaformer";
    /** The reference's {@code num_classes} default (ImageNet-1k). */
    public static final int DEFAULT_NUM_CLASSES = 1000;
    /** The reference's {@code input_size} default side. */
    public static final int DEFAULT_IMAGE_SIZE = 224;

    private enum Mixers { DYNAMIC, GLOBAL, CONV_DYNAMIC, AFNO }

    private enum Act {
        STAR_RELU(StarReLU::new), GELU(GELU::new), RELU(ReLU::new);

        final Supplier<Module> make;

        Act(Supplier<Module> make) {
            this.make = make;
        }
    }

    private record Spec(String name, int[] depths, int[] dims, Mixers mixers, Act act, int numFilters, double reweightRatio,
            String description) {
    }

    private static final int[] S18 = {3, 3, 9, 3};
    private static final int[] X36 = {3, 12, 18, 3};
    private static final int[] S = {64, 128, 320, 512};
    private static final int[] M = {96, 192, 384, 576};
    private static final int[] B = {128, 256, 512, 768};
    private static final int K = DynamicFilter.DEFAULT_NUM_FILTERS;
    private static final double R = DynamicFilter.DEFAULT_REWEIGHT_RATIO;

    /** In the reference's registration order. */
    private static final List<Spec> SPECS = List.of(
            new Spec("dfformer_s18", S18, S, Mixers.DYNAMIC, Act.STAR_RELU, K, R, "DFFormer-S18 (dynamic filter)"),
            new Spec("dfformer_s36", X36, S, Mixers.DYNAMIC, Act.STAR_RELU, K, R, "DFFormer-S36"),
            new Spec("dfformer_m36", X36, M, Mixers.DYNAMIC, Act.STAR_RELU, K, R, "DFFormer-M36"),
            new Spec("dfformer_b36", X36, B, Mixers.DYNAMIC, Act.STAR_RELU, K, R, "DFFormer-B36"),
            new Spec("gfformer_s18", S18, S, Mixers.GLOBAL, Act.STAR_RELU, K, R, "GFFormer-S18 (global filter)"),
            new Spec("cdfformer_s18", S18, S, Mixers.CONV_DYNAMIC, Act.STAR_RELU, K, R, "CDFFormer-S18 (separable conv, then dynamic filter)"),
            new Spec("cdfformer_s36", X36, S, Mixers.CONV_DYNAMIC, Act.STAR_RELU, K, R, "CDFFormer-S36"),
            new Spec("cdfformer_m36", X36, M, Mixers.CONV_DYNAMIC, Act.STAR_RELU, K, R, "CDFFormer-M36"),
            new Spec("cdfformer_b36", X36, B, Mixers.CONV_DYNAMIC, Act.STAR_RELU, K, R, "CDFFormer-B36"),
            new Spec("dfformer_s18_gelu", S18, S, Mixers.DYNAMIC, Act.GELU, K, R, "DFFormer-S18 ablation: GELU"),
            new Spec("dfformer_s18_relu", S18, S, Mixers.DYNAMIC, Act.RELU, K, R, "DFFormer-S18 ablation: ReLU"),
            new Spec("dfformer_s18_k2", S18, S, Mixers.DYNAMIC, Act.STAR_RELU, 2, R, "DFFormer-S18 ablation: two filters"),
            new Spec("dfformer_s18_d8", S18, S, Mixers.DYNAMIC, Act.STAR_RELU, K, 0.125, "DFFormer-S18 ablation: reweight ratio 1/8"),
            new Spec("dfformer_s18_afno", S18, S, Mixers.AFNO, Act.STAR_RELU, K, R, "DFFormer-S18 ablation: AFNO token mixer"));

    private MetaFormers() {
    }

    /** Registers every model above under family {@value #FAMILY}. */
    public static void registerAll(ModelRegistry registry) {
        for (Spec s : SPECS) registry.register(FAMILY, s.name(), s.description(), options -> configure(s, options).build());
    }

    /** The reference names, in registration order. */
    public static List<String> names() {
        return SPECS.stream().map(Spec::name).toList();
    }

    /**
     * The model of reference name {@code name} (exact spelling) with {@code options} (null: defaults).
     *
     * @throws IllegalArgumentException for another name, or an option these models do not take
     */
    public static MetaFormer create(String name, ModelOptions options) {
        return builder(name, options).build();
    }

    /**
     * A {@link MetaFormer.Builder} set up as the model of reference name {@code name} with {@code options}, for
     * settings {@link ModelOptions} does not carry (drop-path rate, head dropout, skipping initialisation).
     *
     * @throws IllegalArgumentException for another name, or an option these models do not take
     */
    public static MetaFormer.Builder builder(String name, ModelOptions options) {
        for (Spec s : SPECS) {
            if (s.name().equals(name)) return configure(s, options == null ? ModelOptions.defaults() : options);
        }
        throw new IllegalArgumentException("MetaFormers: unknown model '" + name + "'; known models: " + String.join(", ", names()));
    }

    /**
     * Loads a state dict saved at one resolution into a model built for another, as the reference's
     * {@code load_weights}: every {@code complex_weights} entry is resized to the model's filter size by bicubic
     * interpolation with {@code align_corners=True} ({@code resize_complex_weight}), real and imaginary parts as
     * separate planes; everything else is loaded unchanged (AFNO2D's spectral weights do not depend on the
     * resolution). Checked against the reference's {@code load_weights} in {@code GoldenTest}.
     *
     * @param model  the target, e.g. built with {@code optImageSize(384)}
     * @param state  the source, e.g. weights trained at 224×224
     * @param strict whether keys must match exactly (the reference loads with {@code strict=False})
     */
    public static void loadResized(Module model, Map<String, Tensor> state, boolean strict) {
        if (model == null || state == null) throw new IllegalArgumentException("MetaFormers.loadResized: model and state must not be null");
        Map<String, Tensor> own = model.stateDict();
        Map<String, Tensor> adapted = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor v = e.getValue();
            Tensor target = own.get(e.getKey());
            if (e.getKey().contains("complex_weights") && target != null && target.rank() == v.rank() && target.rank() >= 2
                    && (target.dim(0) != v.dim(0) || target.dim(1) != v.dim(1))) {
                v = FilterResize.resize(v, target.dim(0), target.dim(1));
            }
            adapted.put(e.getKey(), v);
        }
        model.loadStateDict(adapted, strict);
    }

    private static MetaFormer.Builder configure(Spec s, ModelOptions o) {
        if (o.sharedRank().isPresent() || o.uniqueRank().isPresent()) {
            throw new IllegalArgumentException("MetaFormers: " + s.name() + " takes no basis ranks (a DSFB option), got " + o);
        }
        Supplier<Module> act = s.act().make;
        MetaFormer.TokenMixerFactory dynamic = (dim, h, w, rng) -> new DynamicFilter(dim, h, w, s.numFilters(), s.reweightRatio(), act, rng);
        MetaFormer.TokenMixerFactory global = (dim, h, w, rng) -> new GlobalFilter(dim, h, w, act, rng);
        MetaFormer.TokenMixerFactory sepConv = (dim, h, w, rng) -> new SepConv(dim, act, rng);
        MetaFormer.TokenMixerFactory afno = (dim, h, w, rng) -> new AFNO2D(dim, h, w, AFNO2D.DEFAULT_NUM_BLOCKS,
                AFNO2D.DEFAULT_SPARSITY_THRESHOLD, act, rng);
        MetaFormer.TokenMixerFactory[] mixers = switch (s.mixers()) {
            case DYNAMIC -> new MetaFormer.TokenMixerFactory[] {dynamic};
            case GLOBAL -> new MetaFormer.TokenMixerFactory[] {global};
            case CONV_DYNAMIC -> new MetaFormer.TokenMixerFactory[] {sepConv, sepConv, dynamic, dynamic};
            case AFNO -> new MetaFormer.TokenMixerFactory[] {afno};
        };
        return MetaFormer.builder().setDepths(s.depths()).setDims(s.dims()).setTokenMixers(mixers)
                .optMlps((dim, rng) -> new Mlp(dim, 4, dim, act, 0.0, rng))
                .optNumClasses(o.numClasses().orElse(DEFAULT_NUM_CLASSES))
                .optInChannels(o.inChannels().orElse(3))
                .optImageSize(o.imageHeight().orElse(DEFAULT_IMAGE_SIZE), o.imageWidth().orElse(DEFAULT_IMAGE_SIZE))
                .optSeed(o.seed().orElse(0L));
    }
}
