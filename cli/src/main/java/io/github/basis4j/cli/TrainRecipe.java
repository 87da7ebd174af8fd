package io.github.basis4j.cli;

import io.github.basis4j.nn.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The settings {@code basis4j train} runs with, every default resolved: which model, which dataset, where the
 * run goes, and the recipe (epochs, batch size, optimiser, peak learning rate, weight decay, warm-up,
 * augmentation, label smoothing, drop path, time budget).
 *
 * <p>{@link #resolve} is the one place the layers meet; each value comes from the first that has it:
 * <ol>
 *   <li>the command line's options;</li>
 *   <li>the model's {@link TrainingRecipe}, where its catalog names one (the MetaFormers: AdamW, the recipe's
 *       peak rate scaled to the batch size, its weight decay but none on one-dimensional parameters, its warm-up
 *       bounded by the epochs, label smoothing and drop-path rate);</li>
 *   <li>the dataset's recipe ({@link #forDataset}: epochs, batch size, rate, augmentation, time budget);</li>
 *   <li>the general defaults (SGD with weight decay {@value #SGD_WEIGHT_DECAY}, AdamW's
 *       {@value #ADAMW_WEIGHT_DECAY}, no warm-up, no label smoothing, the model's own drop path).</li>
 * </ol>
 *
 * <p>{@code ./basis4j train} with no arguments is the quick start: {@value #DEFAULT_MODEL} on Fashion-MNIST
 * at its native 28×28×1 (stages at 28, 14 and 7 pixels), for {@value #FASHION_MNIST_EPOCHS} epochs of all
 * 60 000 training images, batch {@value #FASHION_MNIST_BATCH}, SGD with momentum 0.9 and weight decay 5e-4 from a peak rate
 * of {@value #FASHION_MNIST_LR} down a per-step cosine to 0, no augmentation and no label smoothing, then
 * evaluation on the 10 000 test images; it is sized to end within a {@value #FASHION_MNIST_BUDGET_MINUTES}-minute
 * budget on two cores. Why these values: {@code docs/results/quick-start.md}. Other datasets keep the
 * general recipe (30 epochs, batch 128, rate 0.1, their usual augmentation), meant to be tuned by hand.
 *
 * @param origin              where the values not given come from: the dataset's name, then {@code + <model>}
 *                            when the model's recipe is layered over it
 * @param epochs              epochs in all
 * @param batchSize           images per step
 * @param optimizer           the optimiser
 * @param lr                  peak learning rate
 * @param weightDecay         weight decay (AdamW's decoupled)
 * @param decayOneDimensional whether one-dimensional parameters (biases, norm weights, scales) are decayed too;
 *                            false as timm's {@code param_groups_weight_decay}
 * @param warmupEpochs        cosine: linear warm-up length in epochs (fractions allowed)
 * @param augment             training augmentation
 * @param labelSmoothing      label smoothing ε of the cross-entropy
 * @param dropPath            stochastic depth rate of the last block, or empty for the model's own
 * @param timeBudget          wall-clock budget the run is sized for, or empty for none; the run is never cut short,
 *                            it only reports its projected end against this budget
 */
record TrainRecipe(String origin, int epochs, int batchSize, OptimizerKind optimizer, double lr, double weightDecay, boolean decayOneDimensional,
        double warmupEpochs, Augment augment, double labelSmoothing, OptionalDouble dropPath, Optional<Duration> timeBudget) {
    /** The model {@code train} builds without {@code --model}: a deeply-shared-filter-basis ResNet, 16 shared filters and 1 unique per basis. */
    static final String DEFAULT_MODEL = "ResNet32_DoubleShared";
    /** The dataset {@code train} reads without {@code --dataset}. */
    static final DatasetKind DEFAULT_DATASET = DatasetKind.FASHION_MNIST;
    /** Where runs go without {@code --output}: {@code runs/<dataset>-<model>}, numbered when taken. */
    static final Path RUNS_DIR = Path.of("runs");

    /** The quick-start recipe; the numbers are justified in docs/results/quick-start.md. */
    static final int FASHION_MNIST_EPOCHS = 3;
    static final int FASHION_MNIST_BATCH = 128;
    static final double FASHION_MNIST_LR = 0.1;
    static final int FASHION_MNIST_BUDGET_MINUTES = 15;

    /** The general recipe of the other datasets (the CIFAR ResNet step of the DSFB reference, shortened). */
    static final int GENERAL_EPOCHS = 30;
    static final int GENERAL_BATCH = 128;
    static final double GENERAL_LR = 0.1;
    /** Default weight decay: the CIFAR ResNet recipe's 5e-4 with SGD, timm's 0.05 with AdamW (DFFormer's). */
    static final double SGD_WEIGHT_DECAY = 5e-4;
    static final double ADAMW_WEIGHT_DECAY = 0.05;

    /** Validates the ranges. */
    TrainRecipe {
        if (origin == null || epochs < 1 || batchSize < 1 || optimizer == null || !(lr > 0) || !(weightDecay >= 0) || !(warmupEpochs >= 0)
                || augment == null || !(labelSmoothing >= 0 && labelSmoothing < 1) || dropPath == null
                || dropPath.isPresent() && !(dropPath.getAsDouble() >= 0 && dropPath.getAsDouble() < 1) || timeBudget == null) {
            throw new IllegalArgumentException("TrainRecipe: invalid values " + origin + ", " + epochs + ", " + batchSize + ", " + optimizer + ", "
                    + lr + ", " + weightDecay + ", " + warmupEpochs + ", " + augment + ", " + labelSmoothing + ", " + dropPath + ", " + timeBudget);
        }
    }

    /**
     * The options of a command line; null where one was not given. A budget of 0 minutes means none.
     */
    record Given(Integer epochs, Integer batchSize, OptimizerKind optimizer, Double lr, Double weightDecay, Double warmupEpochs, Augment augment,
            Double labelSmoothing, Double dropPath, Double budgetMinutes) {
        /** No option given. */
        static final Given NONE = new Given(null, null, null, null, null, null, null, null, null, null);
    }

    /**
     * The recipe of a run of {@code model} on {@code dataset}: each value from {@code given}, else from the model's
     * recipe, else from the dataset's, else the general default (the order in the class comment). The model's
     * rate is scaled to the resolved batch size, and its warm-up bounded to leave at least one epoch of cosine.
     *
     * @param dataset the dataset, whose recipe is {@link #forDataset}
     * @param model   the model's name, for {@link #origin}
     * @param recipe  the model's recipe, empty for none
     * @param given   the command line's options
     */
    static TrainRecipe resolve(DatasetKind dataset, String model, Optional<TrainingRecipe> recipe, Given given) {
        TrainRecipe d = forDataset(dataset);
        int epochs = given.epochs() != null ? given.epochs() : d.epochs;
        int batch = given.batchSize() != null ? given.batchSize() : d.batchSize;
        OptimizerKind optimizer = given.optimizer() != null ? given.optimizer() : recipe.isPresent() ? OptimizerKind.ADAMW : d.optimizer;
        double lr = given.lr() != null ? given.lr() : recipe.map(r -> r.lr(batch)).orElse(d.lr);
        // The model's decay is AdamW's; asked for SGD, the model keeps SGD's usual decay.
        double decay = given.weightDecay() != null ? given.weightDecay() : optimizer == OptimizerKind.SGD ? SGD_WEIGHT_DECAY
                : recipe.map(TrainingRecipe::weightDecay).orElse(ADAMW_WEIGHT_DECAY);
        // A warm-up as long as the run would leave no cosine at all.
        double warmup = given.warmupEpochs() != null ? given.warmupEpochs()
                : recipe.map(r -> (double) Math.min(r.warmupEpochs(), epochs - 1)).orElse(d.warmupEpochs);
        Augment augment = given.augment() != null ? given.augment() : d.augment;
        double smoothing = given.labelSmoothing() != null ? given.labelSmoothing() : recipe.map(TrainingRecipe::labelSmoothing).orElse(d.labelSmoothing);
        OptionalDouble dropPath = given.dropPath() != null ? OptionalDouble.of(given.dropPath())
                : recipe.map(r -> OptionalDouble.of(r.dropPathRate())).orElse(d.dropPath);
        Optional<Duration> budget = given.budgetMinutes() == null ? d.timeBudget
                : given.budgetMinutes() == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(Math.round(given.budgetMinutes() * 60_000)));
        String origin = recipe.isPresent() ? d.origin + " + " + model : d.origin;
        return new TrainRecipe(origin, epochs, batch, optimizer, lr, decay, recipe.isEmpty(), warmup, augment, smoothing, dropPath, budget);
    }

    /** The recipe {@code train} uses for {@code dataset} when neither an option nor the model's recipe overrides it. */
    static TrainRecipe forDataset(DatasetKind dataset) {
        return switch (dataset) {
            case FASHION_MNIST -> new TrainRecipe(dataset.cliName(), FASHION_MNIST_EPOCHS, FASHION_MNIST_BATCH, OptimizerKind.SGD, FASHION_MNIST_LR,
                    SGD_WEIGHT_DECAY, true, 0, Augment.NONE, 0, OptionalDouble.empty(), Optional.of(Duration.ofMinutes(FASHION_MNIST_BUDGET_MINUTES)));
            case CIFAR10, CIFAR100, FOLDER -> new TrainRecipe(dataset.cliName(), GENERAL_EPOCHS, GENERAL_BATCH, OptimizerKind.SGD, GENERAL_LR,
                    SGD_WEIGHT_DECAY, true, 0, Augment.AUTO, 0, OptionalDouble.empty(), Optional.empty());
        };
    }

    /**
     * The output directory of a run without {@code --output}: {@code runsDir/<dataset>-<model>}, or, when that
     * already holds a run ({@code last.safetensors}), the first of {@code …-2}, {@code …-3}, … that does not,
     * so that running the quick start again never overwrites nor refuses.
     */
    static Path defaultOutput(Path runsDir, DatasetKind dataset, String model) {
        String base = dataset.cliName() + "-" + model;
        Path dir = runsDir.resolve(base);
        for (int n = 2; Files.exists(dir.resolve(Trainer.LAST_CHECKPOINT)); n++) dir = runsDir.resolve(base + "-" + n);
        return dir;
    }

    /** The optimisers {@code --optimizer} chooses from. */
    enum OptimizerKind {
        /** SGD with momentum. */
        SGD,
        /** AdamW, decoupled weight decay. */
        ADAMW;

        /** The name on the command line. */
        String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Training augmentations {@code --augment} chooses from. */
    enum Augment {
        /** The dataset's usual one ({@link DatasetKind#augmentation}). */
        AUTO,
        /** None. */
        NONE,
        /** Random horizontal flip (p = 0.5). */
        FLIP,
        /** Random crop of the image's own size from the image zero-padded by {@code --crop-padding}, then random horizontal flip. */
        CROP_FLIP;

        /** picocli's converter from {@code auto}, {@code none}, {@code flip}, {@code crop-flip}, any case. */
        static final class Converter implements ITypeConverter<Augment> {
            @Override
            public Augment convert(String value) {
                for (Augment a : values()) if (a.cliName().equalsIgnoreCase(value.strip())) return a;
                throw new TypeConversionException("expected auto, none, flip or crop-flip, got '" + value + "'");
            }
        }

        /** The name on the command line. */
        String cliName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
