package io.github.basis4j.models.metaformer;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Pool;
import io.github.basis4j.nn.init.Init;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.LayerNormChannels;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.ModuleList;
import io.github.basis4j.nn.modules.Sequential;
import io.github.basis4j.nn.modules.StarReLU;
import java.util.Arrays;

/**
 * The MetaFormer network of the DFFormer reference ({@code okojoalg/dfformer}, {@code models/dfformer.py},
 * class {@code MetaFormer} with {@code head_fn=MlpHead}, {@code fork_feat=False}): four stages, each a
 * {@link Downsampling} ({@code downsample_layers.i}) then {@code depths[i]} {@link MetaFormerBlock}s
 * ({@code stages.i.j}), then the mean over H and W, {@code norm} (a full LayerNorm, eps 1e-6) and the
 * {@link MlpHead} ({@code head}).
 *
 * <p>Shapes: images {@code [n, H, W, inChannels]} (channel-last) → logits {@code [n, numClasses]}. Stage i
 * works on {@code [n, H/2^(i+2), W/2^(i+2), dims[i]]} (in general: the size the stem's and the transitions'
 * convolution arithmetic gives, e.g. 7, 4, 2 for 28×28); the spectral token mixers are built for
 * exactly those sizes ({@code input_size[1] // 2**(i+2)} as the reference), so the model runs at the
 * {@link Builder#optImageSize image size} it was built for.
 *
 * <p>Initialisation as the reference's {@code _init_weights}: every {@code Conv2d} and {@code Linear} weight
 * from a truncated normal with std 0.02 (timm's absolute bounds ±2), biases zero; the filter banks from
 * N(0, 0.02²); norm weights and scales one, StarReLU scale one and bias zero.
 */
public final class MetaFormer extends Module {
    /** Makes a stage's token mixer for a {@code [n, height, width, dim]} map. */
    @FunctionalInterface
    public interface TokenMixerFactory {
        Module create(int dim, int height, int width, Rng rng);
    }

    /** Makes a stage's channel MLP for {@code dim} channels. */
    @FunctionalInterface
    public interface MlpFactory {
        Module create(int dim, Rng rng);
    }

    /** The std of the reference's {@code trunc_normal_(m.weight, std=.02)}. */
    public static final double INIT_STD = 0.02;
    /** The reference's default {@code res_scale_init_values}. */
    private static final Double[] DEFAULT_RES_SCALES = {null, null, 1.0, 1.0};

    private final int imageHeight;
    private final int imageWidth;
    private final int inChannels;
    private final int numClasses;
    private final ModuleList<Downsampling> downsampleLayers;
    private final ModuleList<Sequential> stages;
    private final LayerNormChannels norm;
    private final MlpHead head;

    private MetaFormer(Builder b) {
        int stagesN = b.depths.length;
        this.imageHeight = b.imageHeight;
        this.imageWidth = b.imageWidth;
        this.inChannels = b.inChannels;
        this.numClasses = b.numClasses;
        Rng rng = Rng.of(b.seed);
        this.downsampleLayers = registerModule("downsample_layers", new ModuleList<>());
        for (int i = 0; i < stagesN; i++) {
            int in = i == 0 ? b.inChannels : b.dims[i - 1];
            downsampleLayers.add(i == 0 ? Downsampling.stem(in, b.dims[0], rng) : Downsampling.transition(in, b.dims[i], rng));
        }
        int[][] sizes = b.stageSizes();
        int total = Arrays.stream(b.depths).sum();
        this.stages = registerModule("stages", new ModuleList<>());
        int cur = 0;
        for (int i = 0; i < stagesN; i++) {
            Sequential stage = new Sequential();
            int h = sizes[i][0], w = sizes[i][1];
            for (int j = 0; j < b.depths[i]; j++) {
                // torch.linspace(0, rate, total): evenly spaced, first 0, last rate.
                double dp = total > 1 ? b.dropPathRate * (cur + j) / (total - 1) : 0.0;
                Module mixer = b.tokenMixers[i].create(b.dims[i], h, w, rng);
                Module mlp = b.mlps[i].create(b.dims[i], rng);
                stage.add(new MetaFormerBlock(b.dims[i], mixer, mlp, dp, b.layerScaleInit[i], b.resScaleInit[i], rng));
            }
            stages.add(stage);
            cur += b.depths[i];
        }
        int last = b.dims[stagesN - 1];
        this.norm = registerModule("norm", new LayerNormChannels(last, Downsampling.NORM_EPS, true, true));
        this.head = registerModule("head", new MlpHead(last, b.numClasses, b.headDropout, rng));
        if (b.initialise) initWeights(rng);
    }

    private void initWeights(Rng rng) {
        for (Module m : namedModules().values()) {
            if (m instanceof Linear l) {
                Init.truncNormal(l.weight().value(), 0.0, INIT_STD, -2.0, 2.0, rng);
                if (l.bias() != null) Init.zeros(l.bias().value());
            } else if (m instanceof Conv2d c) {
                Init.truncNormal(c.weight().value(), 0.0, INIT_STD, -2.0, 2.0, rng);
                if (c.bias() != null) Init.zeros(c.bias().value());
            }
        }
    }

    /** A builder; {@code setDepths}, {@code setDims}, {@code setTokenMixers} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Images {@code [n, H, W, inChannels]} → logits {@code [n, numClasses]}. */
    @Override
    public Variable forward(Variable x) {
        return head.forward(forwardFeatures(x));
    }

    /** Images {@code [n, H, W, inChannels]} → the normed pooled features {@code [n, dims[last]]}. */
    public Variable forwardFeatures(Variable x) {
        if (x.shape().rank() != 4 || x.shape().dim(1) != imageHeight || x.shape().dim(2) != imageWidth) {
            throw new IllegalArgumentException("MetaFormer: images must be [n, " + imageHeight + ", " + imageWidth
                    + ", c] (the size the model was built for), got " + x.shape());
        }
        for (int i = 0; i < stages.size(); i++) x = stages.get(i).forward(downsampleLayers.get(i).forward(x));
        return norm.forward(Pool.globalMean(x));
    }

    /** The image height the spectral filters were sized for. */
    public int imageHeight() {
        return imageHeight;
    }

    /** The image width the spectral filters were sized for. */
    public int imageWidth() {
        return imageWidth;
    }

    /** The channels of the input images. */
    public int inChannels() {
        return inChannels;
    }

    /** The outputs of the head. */
    public int numClasses() {
        return numClasses;
    }

    /** Builds a {@link MetaFormer}; per-stage values may be given once for all stages. */
    public static final class Builder {
        private int[] depths;
        private int[] dims;
        private TokenMixerFactory[] tokenMixers;
        private MlpFactory[] mlps;
        private Double[] layerScaleInit;
        private Double[] resScaleInit;
        private int inChannels = 3;
        private int numClasses = 1000;
        private int imageHeight = 224;
        private int imageWidth = 224;
        private double dropPathRate;
        private double headDropout;
        private long seed;
        private boolean initialise = true;

        private Builder() {
        }

        /** Blocks per stage, e.g. {@code 3, 3, 9, 3}. */
        public Builder setDepths(int... depths) {
            if (depths == null || depths.length == 0 || Arrays.stream(depths).anyMatch(d -> d < 1)) {
                throw new IllegalArgumentException("MetaFormer: depths must be one or more values >= 1, got " + Arrays.toString(depths));
            }
            this.depths = depths.clone();
            return this;
        }

        /** Channels per stage, e.g. {@code 64, 128, 320, 512}. */
        public Builder setDims(int... dims) {
            if (dims == null || dims.length == 0 || Arrays.stream(dims).anyMatch(d -> d < 1)) {
                throw new IllegalArgumentException("MetaFormer: dims must be one or more values >= 1, got " + Arrays.toString(dims));
            }
            this.dims = dims.clone();
            return this;
        }

        /** One token mixer for every stage, or one per stage. */
        public Builder setTokenMixers(TokenMixerFactory... mixers) {
            this.tokenMixers = nonNull("tokenMixers", mixers).clone();
            return this;
        }

        /** One MLP for every stage, or one per stage; default {@link Mlp} with ratio 4 and StarReLU. */
        public Builder optMlps(MlpFactory... mlps) {
            this.mlps = nonNull("mlps", mlps).clone();
            return this;
        }

        /** Initial layer scales (null: none), one for all stages or one per stage; default none. */
        public Builder optLayerScaleInitValues(Double... values) {
            this.layerScaleInit = values == null ? new Double[] {null} : values.clone();
            return this;
        }

        /** Initial residual scales (null: none), one for all stages or one per stage; default {@code null, null, 1, 1}. */
        public Builder optResScaleInitValues(Double... values) {
            this.resScaleInit = values == null ? new Double[] {null} : values.clone();
            return this;
        }

        public Builder optInChannels(int c) {
            this.inChannels = atLeastOne("inChannels", c);
            return this;
        }

        public Builder optNumClasses(int n) {
            this.numClasses = atLeastOne("numClasses", n);
            return this;
        }

        /**
         * The input resolution the filters are sized for (the reference's {@code input_size[1:]}); default 224×224.
         * {@link #build()} checks that every stage's map is at least 1×1.
         */
        public Builder optImageSize(int height, int width) {
            if (height < 1 || width < 1) {
                throw new IllegalArgumentException("MetaFormer: image size must be at least 1x1, got " + height + "x" + width);
            }
            this.imageHeight = height;
            this.imageWidth = width;
            return this;
        }

        /**
         * Each stage's map {@code {height, width}}, by convolution arithmetic from the image size: the stem, then a
         * transition per stage (the reference sizes its filters {@code input_size // 2**(i+2)}, which agrees for
         * multiples of 32 and is not the map's size otherwise, e.g. 28 // 8 = 3 where the map is 4). A side
         * below 1 is marked 0.
         */
        int[][] stageSizes() {
            int n = depths == null ? 0 : depths.length;
            int[][] out = new int[n][];
            int h = convOut(imageHeight, Downsampling.STEM_KERNEL, Downsampling.STEM_STRIDE, Downsampling.STEM_PADDING);
            int w = convOut(imageWidth, Downsampling.STEM_KERNEL, Downsampling.STEM_STRIDE, Downsampling.STEM_PADDING);
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    h = convOut(h, Downsampling.TRANSITION_KERNEL, Downsampling.TRANSITION_STRIDE, Downsampling.TRANSITION_PADDING);
                    w = convOut(w, Downsampling.TRANSITION_KERNEL, Downsampling.TRANSITION_STRIDE, Downsampling.TRANSITION_PADDING);
                }
                out[i] = new int[] {h, w};
            }
            return out;
        }

        private static int convOut(int size, int kernel, int stride, int padding) {
            int span = size + 2 * padding - kernel;
            return size < 1 || span < 0 ? 0 : span / stride + 1;
        }

        /** Stochastic depth rate of the last block, rising linearly from 0 at the first; default 0. */
        public Builder optDropPathRate(double rate) {
            if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("MetaFormer: dropPathRate must be in [0, 1), got " + rate);
            this.dropPathRate = rate;
            return this;
        }

        /** Dropout before the head's last layer; default 0. */
        public Builder optHeadDropout(double p) {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("MetaFormer: headDropout must be in [0, 1], got " + p);
            this.headDropout = p;
            return this;
        }

        /** Seed of the initial weights; default 0. */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Whether to apply the reference's initialisation (default true). Without it, linear and convolution
         * weights keep PyTorch's layer defaults, which is enough for a model whose weights a checkpoint will
         * replace and saves the truncated-normal draws (most of the build time of the larger models).
         */
        public Builder optInitialise(boolean initialise) {
            this.initialise = initialise;
            return this;
        }

        public MetaFormer build() {
            if (depths == null || dims == null || tokenMixers == null) {
                throw new IllegalArgumentException("MetaFormer: depths, dims and tokenMixers are required");
            }
            int n = depths.length;
            if (dims.length != n) {
                throw new IllegalArgumentException("MetaFormer: dims must have one value per stage (" + n + "), got " + Arrays.toString(dims));
            }
            int[] last = stageSizes()[n - 1];
            if (last[0] < 1 || last[1] < 1) {
                throw new IllegalArgumentException("MetaFormer: image " + imageHeight + "x" + imageWidth + " is too small for " + n
                        + " stages (a stage's map would be empty)");
            }
            tokenMixers = perStage("tokenMixers", tokenMixers, n);
            mlps = perStage("mlps", mlps == null ? new MlpFactory[] {(d, r) -> new Mlp(d, 4, d, StarReLU::new, 0.0, r)} : mlps, n);
            layerScaleInit = perStage("layerScaleInitValues", layerScaleInit == null ? new Double[] {null} : layerScaleInit, n);
            resScaleInit = perStage("resScaleInitValues", resScaleInit == null ? DEFAULT_RES_SCALES : resScaleInit, n);
            return new MetaFormer(this);
        }

        private static <T> T[] perStage(String what, T[] values, int n) {
            if (values.length == n) return values;
            if (values.length == 1) {
                T[] out = Arrays.copyOf(values, n);
                Arrays.fill(out, values[0]);
                return out;
            }
            throw new IllegalArgumentException("MetaFormer: " + what + " must have one value or one per stage (" + n + "), got " + values.length);
        }

        private static <T> T[] nonNull(String what, T[] values) {
            if (values == null || values.length == 0 || Arrays.stream(values).anyMatch(v -> v == null)) {
                throw new IllegalArgumentException("MetaFormer: " + what + " must be one or more non-null values");
            }
            return values;
        }

        private static int atLeastOne(String name, int v) {
            if (v < 1) throw new IllegalArgumentException("MetaFormer: " + name + " must be >= 1, got " + v);
            return v;
        }
    }
}
