package io.github.basis4j.models;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Options for building a model by name ({@link Models#create(String, ModelOptions)}). Every option is
 * optional: an unset one takes the family's default (the reference's), e.g. 10 classes and 3 input channels
 * for the CIFAR-10 ResNets, shared rank 16 and unique rank 1 as {@code train_cifar10.py}. A model that has no
 * use for a set option (a rank for a plain ResNet) rejects it rather than ignoring it.
 *
 * <pre>{@code
 * ModelOptions fashion = ModelOptions.builder().optInChannels(1).optNumClasses(10).build();
 * Module net = Models.create("ResNet32_DoubleShared", fashion);
 * }</pre>
 */
public final class ModelOptions {
    private static final ModelOptions DEFAULTS = builder().build();

    private final OptionalInt numClasses;
    private final OptionalInt inChannels;
    private final OptionalInt sharedRank;
    private final OptionalInt uniqueRank;
    private final OptionalLong seed;
    private final OptionalInt imageHeight;
    private final OptionalInt imageWidth;

    private ModelOptions(Builder b) {
        this.numClasses = b.numClasses;
        this.inChannels = b.inChannels;
        this.sharedRank = b.sharedRank;
        this.uniqueRank = b.uniqueRank;
        this.seed = b.seed;
        this.imageHeight = b.imageHeight;
        this.imageWidth = b.imageWidth;
    }

    /** No option set: every model gets its reference defaults. */
    public static ModelOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Output classes of the classifier. */
    public OptionalInt numClasses() {
        return numClasses;
    }

    /** Channels of the input images (1 for grayscale). */
    public OptionalInt inChannels() {
        return inChannels;
    }

    /** DSFB: shared basis filters of the first stage (the reference's {@code shared_rank}). */
    public OptionalInt sharedRank() {
        return sharedRank;
    }

    /** DSFB: unique basis filters per convolution of the first stage (the reference's {@code unique_rank}). */
    public OptionalInt uniqueRank() {
        return uniqueRank;
    }

    /** Seed of the initial weights (0 when unset). */
    public OptionalLong seed() {
        return seed;
    }

    /** Height of the input images a model is sized for (MetaFormer's spectral filters; its {@code input_size[1]}). */
    public OptionalInt imageHeight() {
        return imageHeight;
    }

    /** Width of the input images a model is sized for (its {@code input_size[2]}). */
    public OptionalInt imageWidth() {
        return imageWidth;
    }

    @Override
    public String toString() {
        return "ModelOptions[numClasses=" + numClasses + ", inChannels=" + inChannels + ", sharedRank=" + sharedRank
                + ", uniqueRank=" + uniqueRank + ", seed=" + seed
                + ", imageHeight=" + imageHeight + ", imageWidth=" + imageWidth + "]";
    }

    /** Builds {@link ModelOptions}; each {@code opt*} validates its value at once. */
    public static final class Builder {
        private OptionalInt numClasses = OptionalInt.empty();
        private OptionalInt inChannels = OptionalInt.empty();
        private OptionalInt sharedRank = OptionalInt.empty();
        private OptionalInt uniqueRank = OptionalInt.empty();
        private OptionalLong seed = OptionalLong.empty();
        private OptionalInt imageHeight = OptionalInt.empty();
        private OptionalInt imageWidth = OptionalInt.empty();

        private Builder() {
        }

        public Builder optNumClasses(int n) {
            this.numClasses = OptionalInt.of(atLeastOne("numClasses", n));
            return this;
        }

        public Builder optInChannels(int c) {
            this.inChannels = OptionalInt.of(atLeastOne("inChannels", c));
            return this;
        }

        public Builder optSharedRank(int rank) {
            this.sharedRank = OptionalInt.of(atLeastOne("sharedRank", rank));
            return this;
        }

        public Builder optUniqueRank(int rank) {
            this.uniqueRank = OptionalInt.of(atLeastOne("uniqueRank", rank));
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = OptionalLong.of(seed);
            return this;
        }

        /** Square input images of side {@code size}. */
        public Builder optImageSize(int size) {
            return optImageSize(size, size);
        }

        /** Input images of {@code height × width}. */
        public Builder optImageSize(int height, int width) {
            this.imageHeight = OptionalInt.of(atLeastOne("imageHeight", height));
            this.imageWidth = OptionalInt.of(atLeastOne("imageWidth", width));
            return this;
        }

        public ModelOptions build() {
            return new ModelOptions(this);
        }

        private static int atLeastOne(String name, int v) {
            if (v < 1) throw new IllegalArgumentException("ModelOptions: " + name + " must be >= 1, got " + v);
            return v;
        }
    }
}
