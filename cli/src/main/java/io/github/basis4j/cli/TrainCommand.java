package io.github.basis4j.cli;

import io.github.basis4j.inference.InputSize;
import io.github.basis4j.inference.Preprocessing;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.data.ColorMode;
import io.github.basis4j.nn.data.DataLoader;
import io.github.basis4j.nn.data.Dataset;
import io.github.basis4j.nn.data.Interpolation;
import io.github.basis4j.nn.data.Split;
import io.github.basis4j.nn.data.Transform;
import io.github.basis4j.nn.data.Transforms;
import io.github.basis4j.nn.loss.CrossEntropy;
import io.github.basis4j.nn.loss.Reduction;
import io.github.basis4j.nn.optim.AdamW;
import io.github.basis4j.nn.optim.Optimizer;
import io.github.basis4j.nn.optim.ParamGroup;
import io.github.basis4j.nn.optim.Sgd;
import io.github.basis4j.nn.schedule.LrScheduler;
import io.github.basis4j.nn.schedule.MultiStepLR;
import io.github.basis4j.nn.schedule.ScheduleUnit;
import io.github.basis4j.nn.schedule.StepLR;
import io.github.basis4j.nn.schedule.WarmupCosineLR;
import io.github.basis4j.nn.train.EpochMetrics;
import io.github.basis4j.nn.train.LossFunction;
import io.github.basis4j.nn.train.ProgressMode;
import io.github.basis4j.nn.train.Trainer;
import io.github.basis4j.nn.train.TrainingResult;
import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code basis4j train}: trains a model on a dataset with {@link Trainer}, which writes {@code metrics.csv},
 * {@code epochs.csv}, {@code last.safetensors} and {@code best.safetensors} into the output directory; then
 * draws the curves ({@link Plots}). The run's configuration ({@link RunConfig}) goes into every checkpoint,
 * so {@code eval} and {@code predict} need only the checkpoint, and {@code --resume} continues exactly.
 *
 * <p>Options not given come from {@link TrainRecipe#resolve}: the model's recipe where its catalog names a
 * {@link TrainingRecipe} (the MetaFormers), else the dataset's recipe, else the general defaults. Without
 * arguments this is the quick start ({@value TrainRecipe#DEFAULT_MODEL} on Fashion-MNIST, 3 epochs, into
 * {@code runs/fashion-mnist-<model>}), and each dataset has its own epochs, batch size, rate and augmentation.
 * The resolved settings are printed as one line ({@link RunRecord#summary}) and written to
 * {@value RunRecord#FILE}; after every epoch the elapsed and projected time is printed against the recipe's
 * budget ({@link ElapsedTime}), and the run always goes on to its last epoch.
 *
 * <p>The model takes the dataset's channels and classes unless {@code --in-channels}/{@code --num-classes}
 * say otherwise; it sees the dataset's own image size (a folder's images are brought to the model's native
 * size). Models with shared filter bases get the DSFB orthogonality penalty, weighted by {@code --lambda}
 * (default: the reference's), and the gradient norm of each stage's shared bases is logged every step.
 *
 * <p>A model trained by its own recipe takes from it the options the user left out: AdamW, the recipe's peak
 * rate scaled to the batch size, its warm-up, label smoothing, drop-path rate and weight decay; and, as timm's
 * {@code filter_bias_and_bn}, no weight decay on one-dimensional parameters (biases, norm weights, layer and
 * residual scales).
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model; writes checkpoints, metrics.csv, epochs.csv, run.properties and PNG plots into --output.",
                "Without arguments: the quick start, ResNet32_DoubleShared on Fashion-MNIST in about 12 minutes on two cores."},
        footer = {"", "Each option not given comes from the model's recipe, else the dataset's,",
                "else the general defaults. The model's recipe: MetaFormers (metaformer/*)",
                "train as the DFFormer reference (timm's recipe):",
                "  --optimizer adamw --lr 4e-3*batch/4096 --weight-decay 0.05",
                "  (no decay on biases, norm weights, scales) --schedule cosine",
                "  --warmup-epochs 5 (at most --epochs - 1) --label-smoothing 0.1",
                "  --drop-path 0.2 (s18), 0.3 (s36), 0.4 (m36), 0.6 (b36).",
                "The small *_fmnist models: --lr 2e-3*batch/128 --warmup-epochs 1",
                "  --drop-path 0.05, the rest as above.",
                "The dataset's recipe: fashion-mnist (the quick start) --epochs 3",
                "  --batch-size 128 --lr 0.1 --augment none --time-budget 15; the others",
                "  --epochs 30 --batch-size 128 --lr 0.1 --augment auto."})
final class TrainCommand implements Callable<Integer> {
    /** The name of the orthogonality penalty in the logs ({@code penalty.orthogonality}). */
    static final String PENALTY_NAME = "orthogonality";
    /** AdamW's moment decay rates and epsilon: PyTorch's defaults. */
    private static final double ADAM_BETA1 = 0.9;
    private static final double ADAM_BETA2 = 0.999;
    private static final double ADAM_EPS = 1e-8;
    /** Probability of the horizontal flip (torchvision's {@code RandomHorizontalFlip()} default). */
    private static final double FLIP_PROBABILITY = 0.5;
    /** Batches the loader prepares ahead on its own thread while the model trains. */
    private static final int PREFETCH = 2;

    /** The learning-rate schedules {@code --schedule} chooses from. */
    enum ScheduleKind { CONSTANT, STEP, MULTISTEP, COSINE }

    private final ModelCatalog catalog;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ModelArgs modelArgs;

    @Option(names = "--dataset", paramLabel = "NAME", converter = DatasetKind.Converter.class,
            description = "fashion-mnist, cifar10, cifar100 or folder (default: fashion-mnist).")
    private DatasetKind dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "Dataset directory (fashion-mnist: default the system copy; folder: DIR/train and DIR/val).")
    private Path data;

    @Option(names = "--epochs", description = "Epochs in all, counting those before a --resume (default: 3 on fashion-mnist, else 30).")
    private Integer epochs;

    @Option(names = "--batch-size", description = "Images per step (default: 128).")
    private Integer batchSize;

    @Option(names = "--optimizer", paramLabel = "sgd|adamw", description = "Optimiser (default: sgd; MetaFormers adamw).")
    private TrainRecipe.OptimizerKind optimizer;

    @Option(names = "--lr", description = "Peak learning rate (default: 0.1; MetaFormers: their recipe's, scaled to --batch-size).")
    private Double lr;

    @Option(names = "--momentum", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    private double momentum;

    @Option(names = "--nesterov", description = "SGD with Nesterov momentum.")
    private boolean nesterov;

    @Option(names = "--weight-decay", description = "Weight decay (default: 5e-4 with sgd, 0.05 with adamw, MetaFormers none on 1-D parameters).")
    private Double weightDecay;

    @Option(names = "--schedule", defaultValue = "cosine", paramLabel = "constant|step|multistep|cosine",
            description = "Learning-rate schedule (default: ${DEFAULT-VALUE}: per step from --lr to --min-lr over all epochs).")
    private ScheduleKind schedule;

    @Option(names = "--warmup-epochs", description = "cosine: linear warm-up from 0 over this many epochs, fractions allowed (default: 0; MetaFormers: their recipe's).")
    private Double warmupEpochs;

    @Option(names = "--min-lr", defaultValue = "0", description = "cosine: final learning rate (default: ${DEFAULT-VALUE}).")
    private double minLr;

    @Option(names = "--milestones", split = ",", paramLabel = "E1,E2", description = "multistep: epochs at which the rate is multiplied by --gamma.")
    private List<Long> milestones;

    @Option(names = "--step-size", defaultValue = "30", description = "step: epochs between decays (default: ${DEFAULT-VALUE}).")
    private long stepSize;

    @Option(names = "--gamma", defaultValue = "0.1", description = "step, multistep: decay factor (default: ${DEFAULT-VALUE}).")
    private double gamma;

    @Option(names = "--lambda", paramLabel = "λ", description = "Weight of the orthogonality penalty on shared bases (default: the model's; 0 turns it off).")
    private Double lambda;


    @Option(names = "--drop-path", paramLabel = "RATE",
            description = "Stochastic depth rate of the last block, rising linearly from 0 (MetaFormers' drop_path_rate; default: the model's recipe, see below).")
    private Double dropPath;

    @Option(names = "--grad-clip", paramLabel = "NORM", description = "Clip the global gradient norm to this value.")
    private Double gradClip;

    @Option(names = "--threads", description = "Threads of the kernels (default: all cores).")
    private Integer threads;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the weights, the shuffling and the augmentation (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Where checkpoints, logs and plots go (default: runs/<dataset>-<model>, numbered -2, -3, ... when that holds a run).")
    private Path output;

    @Option(names = "--resume", description = "Continue the run in --output from its last.safetensors, with the same options (--epochs may grow only with a constant, step or multistep schedule: the cosine spans --epochs).")
    private boolean resume;

    @Option(names = "--checkpoint-every", paramLabel = "STEPS", defaultValue = "0",
            description = "Also checkpoint every this many steps inside an epoch (default: only at epoch ends).")
    private int checkpointEvery;

    @Option(names = "--train-limit", paramLabel = "N", description = "Train on the first N training images only.")
    private Integer trainLimit;

    @Option(names = "--eval-limit", paramLabel = "N", description = "Evaluate on the first N test images only.")
    private Integer evalLimit;

    @Option(names = "--no-augment", description = "Train without augmentation (same as --augment none).")
    private boolean noAugment;

    @Option(names = "--augment", paramLabel = "auto|none|flip|crop-flip", converter = TrainRecipe.Augment.Converter.class,
            description = "Training augmentation: the dataset's usual one (cifar: crop-flip, folder: flip, fashion-mnist: none), none, "
                    + "a horizontal flip, or a random crop from the image padded by --crop-padding then a flip (default: none on fashion-mnist, else auto).")
    private TrainRecipe.Augment augment;

    @Option(names = "--crop-padding", defaultValue = "2", description = "crop-flip: zero padding on each side before the crop (default: ${DEFAULT-VALUE}).")
    private int cropPadding;

    @Option(names = "--label-smoothing", paramLabel = "ε",
            description = "Label smoothing of the cross-entropy, as PyTorch's label_smoothing, in [0, 1) (default: 0; MetaFormers 0.1).")
    private Double labelSmoothing;

    @Option(names = "--time-budget", paramLabel = "MINUTES",
            description = "Report the elapsed and projected time against this budget after every epoch; never stops the run (default: 15 on fashion-mnist, else none; 0: none).")
    private Double timeBudgetMinutes;

    @Option(names = "--channels", paramLabel = "1|3", defaultValue = "3", description = "folder: decode images to this many channels (default: ${DEFAULT-VALUE}).")
    private int channels;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|bar|lines|none",
            description = "Console progress: a bar on a terminal, else a line per epoch (default: ${DEFAULT-VALUE}).")
    private ProgressMode progress;

    TrainCommand(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * What this command line resolves to once the defaults are filled in: the model and dataset, the output
     * directory, and the recipe {@link TrainRecipe#resolve} makes of the options given, the model's recipe and the dataset's.
     *
     * @param model   the model name ({@code --model}, else {@value TrainRecipe#DEFAULT_MODEL})
     * @param dataset the dataset ({@code --dataset}, else Fashion-MNIST)
     * @param output  the run directory ({@code --output}, else {@link TrainRecipe#defaultOutput})
     * @param recipe  the resolved recipe
     */
    record Settings(String model, DatasetKind dataset, Path output, TrainRecipe recipe) {
    }

    /** The settings of the parsed command line; {@code ./basis4j train} alone is the quick start. */
    Settings settings() {
        String name = modelArgs.model != null ? modelArgs.model : TrainRecipe.DEFAULT_MODEL;
        DatasetKind kind = dataset != null ? dataset : TrainRecipe.DEFAULT_DATASET;
        TrainRecipe.Augment aug = noAugment ? TrainRecipe.Augment.NONE : augment;
        TrainRecipe recipe = TrainRecipe.resolve(kind, name, catalog.recipe(name), new TrainRecipe.Given(epochs, batchSize, optimizer, lr,
                weightDecay, warmupEpochs, aug, labelSmoothing, dropPath, timeBudgetMinutes));
        Path out = output != null ? output : TrainRecipe.defaultOutput(TrainRecipe.RUNS_DIR, kind, name);
        return new Settings(name, kind, out, recipe);
    }

    @Override
    public Integer call() throws IOException {
        long started = System.nanoTime();
        validate();
        Checks.threads(spec, threads);
        Settings settings = settings();
        TrainRecipe recipe = settings.recipe();
        // After resolution: a model's recipe may choose AdamW where --optimizer was not given.
        if (nesterov && (recipe.optimizer() != TrainRecipe.OptimizerKind.SGD || momentum == 0)) {
            throw new ParameterException(spec.commandLine(), "--nesterov needs --optimizer sgd with --momentum > 0");
        }
        DatasetKind dataset = settings.dataset();
        Path output = settings.output();
        int epochs = recipe.epochs();
        Path last = output.resolve(Trainer.LAST_CHECKPOINT);
        if (resume) Checks.existingFile("--resume: checkpoint", last);
        else if (Files.exists(last)) {
            throw new CliException(output + " already holds a run (" + last.getFileName() + "); pass --resume to continue it, or another --output");
        }

        ColorMode mode = dataset.fixedSize() != null ? null : (channels == 1 ? ColorMode.GRAY : ColorMode.RGB);
        Dataset train = Subset.first(dataset.load(data, Split.TRAIN, mode), trainLimit);
        Optional<Dataset> test = evalSet(dataset, mode);
        int dataChannels = dataset.fixedSize() != null ? dataset.fixedSize().channels() : channels;
        CliModel model = catalog.create(modelArgs.request(settings.model(), dataChannels, train.numClasses(), seed, recipe.dropPath()));
        if (model.nativeInput().channels() != dataChannels) {
            throw new CliException(model.name() + " takes " + model.nativeInput().channels() + "-channel images but " + dataset + " has "
                    + dataChannels + "; drop --in-channels");
        }
        if (model.numClasses() != train.numClasses()) {
            throw new CliException(model.name() + " has " + model.numClasses() + " outputs but " + dataset + " has " + train.numClasses()
                    + " classes; drop --num-classes");
        }
        InputSize size = dataset.fixedSize() != null ? dataset.fixedSize() : model.nativeInput();
        Preprocessing pre = new Preprocessing(size, dataset.mean(dataChannels), dataset.std(dataChannels),
                model.nativePreprocessing().map(Preprocessing::interpolation).orElse(Interpolation.BILINEAR));
        RunConfig config = new RunConfig(model.name(), dataChannels, model.numClasses(), dataset, data, pre, train.classNames());
        if (resume) checkResumable(last, config);
        double lambdaUsed = penaltyWeight(model);

        DataLoader trainLoader = DataLoader.builder(train).setBatchSize(recipe.batchSize()).optShuffle(true).optSeed(seed).optPrefetch(PREFETCH)
                .optTransform(pre.fit().andThen(augmentation(recipe.augment(), dataset, size)).andThen(pre.normalize()))
                .build();
        double smoothing = recipe.labelSmoothing();
        LossFunction loss = smoothing == 0 ? CrossEntropy::crossEntropy
                : (logits, labels) -> CrossEntropy.crossEntropy(logits, labels, null, smoothing, Reduction.MEAN);
        Trainer.Builder b = Trainer.builder().setModel(model.module()).setLoss(loss)
                .setOptimizer(optimizer(model, recipe)).setTrainLoader(trainLoader).setEpochs(epochs).setOutputDir(output).optSeed(seed)
                .optProgress(progress).optConfig(config.toConfig()).optCheckpointEverySteps(checkpointEvery);
        test.ifPresent(t -> b.optEvalLoader(DataLoader.builder(t).setBatchSize(recipe.batchSize()).optPrefetch(PREFETCH)
                .optTransform(pre.transform()).build()));
        scheduler(recipe, trainLoader.batchesPerEpoch()).ifPresent(b::optScheduler);
        if (gradClip != null) b.optGradClip(gradClip);
        if (lambdaUsed > 0) b.optRegularizer(PENALTY_NAME, model.orthogonality().orElseThrow().penalty().apply(lambdaUsed));
        if (!model.sharedBases().isEmpty()) b.optGradNorms(model.sharedBases());
        if (resume) b.optResumeFrom(last);

        PrintWriter out = spec.commandLine().getOut();
        Files.createDirectories(output);
        RunRecord record = new RunRecord(model.name(), dataset.cliName(), recipe.origin(), size, model.numClasses(), model.module().parameterCount(),
                epochs, recipe.batchSize(), recipe.optimizer().cliName(), recipe.lr(), recipe.weightDecay(), recipe.decayOneDimensional(),
                schedule.name().toLowerCase(Locale.ROOT), recipe.warmupEpochs(), recipe.augment().cliName(), recipe.labelSmoothing(), recipe.dropPath(),
                model.orthogonality().isPresent() ? OptionalDouble.of(lambdaUsed) : OptionalDouble.empty(), seed, train.size(),
                test.map(Dataset::size).orElse(0));
        record.write(output.resolve(RunRecord.FILE));
        out.printf(Locale.ROOT, "training %s (%d parameters) on %s: %d training images%s, threads %d%n", model.name(),
                model.module().parameterCount(), dataset, train.size(), test.map(t -> ", " + t.size() + " test images").orElse(""),
                Parallel.threads());
        out.println(record.summary());
        out.printf("output: %s%n", output.toAbsolutePath());
        out.flush();
        ElapsedTime clock = ElapsedTime.since(started, recipe.timeBudget());
        b.optListener(clock.listener(out));
        TrainingResult result = b.build().fit();
        List<Path> plots = Plots.write(output, output.resolve(Trainer.STEP_LOG), output.resolve(Trainer.EPOCH_LOG));
        if (!result.epochs().isEmpty()) {
            EpochMetrics m = result.lastEpoch();
            out.printf(Locale.ROOT, "epoch %d/%d: train loss %.4f, train accuracy %.4f%s%n", m.epoch() + 1, epochs, m.trainLoss(),
                    m.trainAccuracy(), Double.isNaN(m.evalTop1()) ? "" : String.format(Locale.ROOT, ", eval top-1 %.4f", m.evalTop1()));
            if (!Double.isNaN(m.evalTop1())) {
                out.printf(Locale.ROOT, "test accuracy: %.2f %% (%d test images)%n", 100 * m.evalTop1(), test.map(Dataset::size).orElse(0));
            }
        }
        out.printf("checkpoints: %s, %s%n", result.last(), result.best());
        out.printf("logs: %s, %s, %s%n", output.resolve(Trainer.STEP_LOG), output.resolve(Trainer.EPOCH_LOG), output.resolve(RunRecord.FILE));
        out.printf("plots: %s%n", String.join(", ", plots.stream().map(Path::toString).toList()));
        out.println(clock.summary());
        out.flush();
        return 0;
    }

    private void validate() {
        modelArgs.validate(spec);
        Checks.atLeast(spec, "--epochs", epochs, 1);
        Checks.atLeast(spec, "--batch-size", batchSize, 1);
        Checks.positive(spec, "--lr", lr);
        Checks.atLeast(spec, "--momentum", momentum, 0.0);
        Checks.atLeast(spec, "--weight-decay", weightDecay, 0.0);
        Checks.atLeast(spec, "--warmup-epochs", warmupEpochs, 0.0);
        Checks.atLeast(spec, "--crop-padding", cropPadding, 0);
        Checks.atLeast(spec, "--time-budget", timeBudgetMinutes, 0.0);
        if (labelSmoothing != null && !(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new ParameterException(spec.commandLine(), "--label-smoothing must be in [0, 1), got " + labelSmoothing);
        }
        if (noAugment && augment != null && augment != TrainRecipe.Augment.NONE) {
            throw new ParameterException(spec.commandLine(), "--no-augment contradicts --augment " + augment.cliName());
        }
        if (resume && output == null) throw new ParameterException(spec.commandLine(), "--resume needs --output DIR (the run to continue)");
        Checks.atLeast(spec, "--min-lr", minLr, 0.0);
        Checks.atLeast(spec, "--step-size", stepSize, 1);
        Checks.positive(spec, "--gamma", gamma);
        Checks.atLeast(spec, "--lambda", lambda, 0.0);
        Checks.positive(spec, "--grad-clip", gradClip);
        if (dropPath != null && !(dropPath >= 0 && dropPath < 1)) {
            throw new ParameterException(spec.commandLine(), "--drop-path must be in [0, 1), got " + dropPath);
        }
        Checks.atLeast(spec, "--checkpoint-every", checkpointEvery, 0);
        Checks.atLeast(spec, "--train-limit", trainLimit, 1);
        Checks.atLeast(spec, "--eval-limit", evalLimit, 1);
        if (channels != 1 && channels != 3) throw new ParameterException(spec.commandLine(), "--channels must be 1 or 3, got " + channels);
        if (schedule == ScheduleKind.MULTISTEP && (milestones == null || milestones.isEmpty())) {
            throw new ParameterException(spec.commandLine(), "--schedule multistep needs --milestones E1,E2,...");
        }
    }

    /** The test split, unless the dataset has none (a folder without val/ or test/). */
    private Optional<Dataset> evalSet(DatasetKind dataset, ColorMode mode) throws IOException {
        if (dataset == DatasetKind.FOLDER && !Files.isDirectory(data.resolve("val")) && !Files.isDirectory(data.resolve("test"))) {
            return Optional.empty();
        }
        return Optional.of(Subset.first(dataset.load(data, Split.TEST, mode), evalLimit));
    }

    /** A resumed run must be the same run: the checkpoint's model, dataset and input must be this command's. */
    private static void checkResumable(Path last, RunConfig now) throws IOException {
        Safetensors.File f = Checkpoints.open("--resume: checkpoint", last);
        RunConfig before = RunConfig.fromMetadata(f.metadata(), last)
                .orElseThrow(() -> new CliException(last + " was not written by basis4j train; cannot --resume from it"));
        if (!before.model().equalsIgnoreCase(now.model()) || before.dataset() != now.dataset() || before.inChannels() != now.inChannels()
                || before.numClasses() != now.numClasses() || !before.preprocessing().size().equals(now.preprocessing().size())) {
            throw new CliException("--resume: " + last + " is a run of " + before.model() + " on " + before.dataset() + " at "
                    + before.preprocessing().size() + ", not of " + now.model() + " on " + now.dataset() + " at " + now.preprocessing().size());
        }
    }

    /**
     * The recipe's optimiser over the model's parameters; without {@link TrainRecipe#decayOneDimensional}, the
     * one-dimensional ones (biases, norm weights, layer and residual scales, StarReLU's scale and bias) get no
     * weight decay, as timm's {@code param_groups_weight_decay} the MetaFormer reference's training script uses.
     */
    private Optimizer optimizer(CliModel model, TrainRecipe recipe) {
        List<Parameter> decayed = new ArrayList<>(), plain = new ArrayList<>();
        for (Parameter p : model.module().parameters()) (recipe.decayOneDimensional() || p.value().rank() > 1 ? decayed : plain).add(p);
        List<ParamGroup> groups = new ArrayList<>();
        if (!decayed.isEmpty()) groups.add(new ParamGroup(decayed, recipe.lr(), recipe.weightDecay()));
        if (!plain.isEmpty()) groups.add(new ParamGroup(plain, recipe.lr(), 0.0));
        return switch (recipe.optimizer()) {
            case SGD -> new Sgd(groups, momentum, 0, nesterov);
            case ADAMW -> new AdamW(groups, ADAM_BETA1, ADAM_BETA2, ADAM_EPS);
        };
    }

    private Optional<LrScheduler> scheduler(TrainRecipe recipe, int batchesPerEpoch) {
        double lr = recipe.lr();
        int epochs = recipe.epochs();
        return switch (schedule) {
            case CONSTANT -> Optional.empty();
            case STEP -> Optional.of(new LrScheduler(new StepLR(lr, stepSize, gamma), ScheduleUnit.EPOCH, batchesPerEpoch));
            case MULTISTEP -> Optional.of(new LrScheduler(MultiStepLR.of(lr, gamma, milestones.stream().mapToLong(Long::longValue).toArray()),
                    ScheduleUnit.EPOCH, batchesPerEpoch));
            case COSINE -> {
                // Per step, so the rate falls smoothly within each epoch; the warm-up starts from 0.
                long total = (long) epochs * batchesPerEpoch;
                yield Optional.of(new LrScheduler(new WarmupCosineLR(lr, total, minLr, Math.round(recipe.warmupEpochs() * batchesPerEpoch), 0, false),
                        ScheduleUnit.STEP, batchesPerEpoch));
            }
        };
    }

    /** The λ of the orthogonality penalty (0: none); refuses a positive --lambda for a model without shared bases. */
    private double penaltyWeight(CliModel model) {
        Optional<CliModel.Orthogonality> orth = model.orthogonality();
        if (orth.isEmpty()) {
            if (lambda != null && lambda > 0) {
                throw new CliException(model.name() + " has no shared filter bases, so --lambda does not apply to it");
            }
            return 0;
        }
        return lambda != null ? lambda : orth.get().defaultLambda();
    }

    /** The training augmentation {@code kind} for {@code dataset}'s images of {@code size}. */
    private Transform augmentation(TrainRecipe.Augment kind, DatasetKind dataset, InputSize size) {
        return switch (kind) {
            case AUTO -> dataset.augmentation(size);
            case NONE -> Transform.identity();
            case FLIP -> Transforms.horizontalFlip(FLIP_PROBABILITY);
            case CROP_FLIP -> Transforms.compose(Transforms.randomCrop(size.height(), size.width(), cropPadding),
                    Transforms.horizontalFlip(FLIP_PROBABILITY));
        };
    }
}
