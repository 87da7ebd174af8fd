package io.github.basis4j.cli;

import io.github.basis4j.nn.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The defaults {@code basis4j train} fills in for options it was not given: which model, which dataset,
 * where the run goes, and the dataset's recipe (epochs, batch size, peak learning rate, warm-up,
 * augmentation, label smoothing, time budget).
 *
 * <p>{@code ./basis4j train} with no arguments is the quick start: {@value #DEFAULT_MODEL} on Fashion-MNIST
 * at its native 28×28×1 (stages at 28, 14 and 7 pixels), for {@value #FASHION_MNIST_EPOCHS} epochs of all
 * 60 000 training images, batch {@value #FASHION_MNIST_BATCH}, SGD with momentum 0.9 and weight decay 5e-4 from a peak rate
 * of {@value #FASHION_MNIST_LR} down a per-step cosine to 0, no augmentation and no label smoothing, then
 * evaluation on the 10 000 test images; it is sized to end within a {@value #FASHION_MNIST_BUDGET_MINUTES}-minute
 * budget on two cores. Why these values: {@code docs/results/quick-start.md}. Other datasets keep the
 * general recipe (30 epochs, batch 128, rate 0.1, their usual augmentation), meant to be tuned by hand.
 *
 * @param epochs         epochs in all
 * @param batchSize      images per step
 * @param lr             peak learning rate
 * @param warmupEpochs   cosine: linear warm-up length in epochs (fractions allowed)
 * @param augment        training augmentation
 * @param labelSmoothing label smoothing ε of the cross-entropy
 * @param timeBudget     wall-clock budget the run is sized for, or empty for none; the run is never cut short,
 *                       it only reports its projected end against this budget
 */
record TrainRecipe(int epochs, int batchSize, double lr, double warmupEpochs, Augment augment, double labelSmoothing,
        Optional<Duration> timeBudget) {
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

    /** Validates the ranges. */
    TrainRecipe {
        if (epochs < 1 || batchSize < 1 || !(lr > 0) || !(warmupEpochs >= 0) || augment == null || !(labelSmoothing >= 0 && labelSmoothing < 1)
                || timeBudget == null) {
            throw new IllegalArgumentException("TrainRecipe: invalid values " + epochs + ", " + batchSize + ", " + lr + ", " + warmupEpochs
                    + ", " + augment + ", " + labelSmoothing + ", " + timeBudget);
        }
    }

    /**
     * This recipe with each given value in place of its own; null keeps the recipe's. A budget of 0 minutes
     * means none.
     */
    TrainRecipe with(Integer epochs, Integer batchSize, Double lr, Double warmupEpochs, Augment augment, Double labelSmoothing,
            Double budgetMinutes) {
        Optional<Duration> budget = budgetMinutes == null ? timeBudget
                : budgetMinutes == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(Math.round(budgetMinutes * 60_000)));
        return new TrainRecipe(epochs != null ? epochs : this.epochs, batchSize != null ? batchSize : this.batchSize, lr != null ? lr : this.lr,
                warmupEpochs != null ? warmupEpochs : this.warmupEpochs, augment != null ? augment : this.augment,
                labelSmoothing != null ? labelSmoothing : this.labelSmoothing, budget);
    }

    /** The recipe {@code train} uses for {@code dataset} when no option overrides it. */
    static TrainRecipe forDataset(DatasetKind dataset) {
        return switch (dataset) {
            case FASHION_MNIST -> new TrainRecipe(FASHION_MNIST_EPOCHS, FASHION_MNIST_BATCH, FASHION_MNIST_LR, 0, Augment.NONE, 0,
                    Optional.of(Duration.ofMinutes(FASHION_MNIST_BUDGET_MINUTES)));
            case CIFAR10, CIFAR100, FOLDER -> new TrainRecipe(GENERAL_EPOCHS, GENERAL_BATCH, GENERAL_LR, 0, Augment.AUTO, 0,
                    Optional.empty());
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
