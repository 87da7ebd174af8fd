package io.github.basis4j.nn.train;

import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.data.Batch;
import io.github.basis4j.nn.data.DataLoader;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.io.TrainingCheckpoint;
import io.github.basis4j.nn.metrics.ConfusionMatrix;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.optim.GradClip;
import io.github.basis4j.nn.optim.Optimizer;
import io.github.basis4j.nn.schedule.LrScheduler;
import io.github.basis4j.simd.NonFinite;
import io.github.basis4j.simd.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training loop of an image classifier: epochs of mini-batch steps, evaluation, logs, checkpoints and
 * exact resumption.
 *
 * <p>One step, on batch {@code b} of epoch {@code e} (global step {@code s}): drop the gradients; logits
 * {@code [B, classes]} = forward(images {@code [B, H, W, C]}); objective = loss(logits, labels) + Σ
 * penalties; stop with a {@link TrainingDivergedException} if it is NaN or infinite; backward; take the
 * gradient norms (all parameters, and each named set asked for); stop likewise if the global norm is not
 * finite, naming the first parameter whose gradient holds NaN or ±∞ and where; clip if asked; set the
 * scheduler's learning rate on every parameter group; optimiser step; stop if a parameter became non-finite
 * ({@link Builder#optCheckParameters}); scheduler step. At the end of each epoch: evaluation in eval mode under {@link NoGrad} (loss, top-1,
 * top-5 from a {@link ConfusionMatrix}), then the checkpoints.
 *
 * <p>Files in the output directory:
 * <ul>
 * <li>{@code metrics.csv}: one row per step — {@code epoch, step, batch, batch_size, loss,
 *     penalty.<name>…, accuracy, lr, grad_norm, grad_norm.<name>…, seconds};</li>
 * <li>{@code epochs.csv}: one row per epoch — {@code epoch, steps, train_loss, train_accuracy, lr,
 *     eval_loss, eval_top1, eval_top5, train_seconds, images_per_second, best} (evaluation cells empty
 *     without an evaluation loader);</li>
 * <li>{@code last.safetensors}: the training checkpoint after the latest epoch (or every
 *     {@link Builder#optCheckpointEverySteps(int) n} steps), and {@code best.safetensors}: the one of the
 *     epoch with the highest evaluation top-1 (without evaluation: the lowest training loss).</li>
 * </ul>
 * Both logs are flushed after every row and both checkpoints are written atomically (temporary file, then
 * rename), so a run killed at any moment leaves readable logs and an intact previous checkpoint. Epoch and
 * batch indices in files and records count from 0, as the {@link DataLoader}'s do.
 *
 * <p>Resumption is exact. A checkpoint holds the model's state dict, the optimiser's state, the scheduler's
 * state, the trainer's generator, the data loader's position (epoch, next batch) and the partial sums of
 * the epoch in progress. The loader derives every shuffle and augmentation from (seed, epoch, position),
 * and each step's generator handed to the {@link ForwardFunction} is derived from the trainer's generator
 * and the global step index, so nothing depends on what ran before in this process: a trainer built with
 * the same arguments and {@link Builder#optResumeFrom(Path)} takes bit for bit the steps the uninterrupted
 * run took, from an epoch boundary or from a mid-epoch checkpoint. On resume the logs keep the rows the
 * checkpoint covers and drop later ones, which the resumed run writes again.
 *
 * <p>Threading: steps run on the calling thread; kernels parallelise inside each op through
 * {@code Parallel}, whose chunking does not depend on the thread count, so the result does not either.
 * {@link #fit()} may be called once per trainer.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder()
 *         .setModel(model).setLoss(CrossEntropy::crossEntropy).setOptimizer(sgd)
 *         .setTrainLoader(train).setEpochs(30).setOutputDir(Path.of("runs/fmnist"))
 *         .optScheduler(new LrScheduler(new CosineAnnealingLR(0.1, 30, 0), ScheduleUnit.EPOCH, train.batchesPerEpoch()))
 *         .optEvalLoader(test).optGradClip(5.0)
 *         .optRegularizer("orth", m -> Regularizers.orthogonality(basis).times(1e-3))
 *         .optGradNorms(Map.of("stage1.basis", List.of(stage1Basis)))
 *         .build();
 * TrainingResult result = trainer.fit();
 * }</pre>
 */
public final class Trainer {
    /** The checkpoint written at every epoch end. */
    public static final String LAST_CHECKPOINT = "last.safetensors";
    /** The checkpoint of the best epoch. */
    public static final String BEST_CHECKPOINT = "best.safetensors";
    /** The per-step log. */
    public static final String STEP_LOG = "metrics.csv";
    /** The per-epoch log. */
    public static final String EPOCH_LOG = "epochs.csv";

    private static final String SCHEDULER_PREFIX = "scheduler.";
    private static final String CONFIG_PREFIX = "config.";
    /** Key of the evaluation generator's stream, apart from the training steps' streams (keyed by step index ≥ 0). */
    private static final long EVAL_STREAM = -1;

    private final Module model;
    /** The model's parameters, each once, in the order the global gradient norm sums them. */
    private final List<Parameter> parameters;
    /** The model's parameter names, for the messages of the finite checks. */
    private final Map<Parameter, String> parameterNames;
    private final LossFunction loss;
    private final Optimizer optimizer;
    private LrScheduler scheduler;
    private final DataLoader trainLoader;
    private final DataLoader evalLoader;
    private final int epochs;
    private final Path outputDir;
    private final ForwardFunction forward;
    private final Map<String, Regularizer> regularizers;
    private final double gradClip;
    private final Map<String, List<Parameter>> gradNormSets;
    private final int checkpointEverySteps;
    private final Path resumeFrom;
    private final long seed;
    private final ProgressMode progress;
    private final PrintStream console;
    private final List<TrainingListener> listeners;
    private final Map<String, String> config;
    private final boolean checkParameters;
    private boolean used;

    private Trainer(Builder b) {
        this.model = b.model;
        this.parameters = b.model.parameters();
        this.parameterNames = new IdentityHashMap<>();
        b.model.namedParameters().forEach((name, p) -> parameterNames.putIfAbsent(p, name));
        this.loss = b.loss;
        this.optimizer = b.optimizer;
        this.scheduler = b.scheduler;
        this.trainLoader = b.trainLoader;
        this.evalLoader = b.evalLoader;
        this.epochs = b.epochs;
        this.outputDir = b.outputDir;
        this.forward = b.forward;
        this.regularizers = new LinkedHashMap<>(b.regularizers);
        this.gradClip = b.gradClip;
        this.gradNormSets = new LinkedHashMap<>(b.gradNormSets);
        this.checkpointEverySteps = b.checkpointEverySteps;
        this.resumeFrom = b.resumeFrom;
        this.seed = b.seed;
        this.progress = b.progress;
        this.console = b.console;
        this.listeners = List.copyOf(b.listeners);
        this.config = new LinkedHashMap<>(b.config);
        this.checkParameters = b.checkParameters;
    }

    /** A builder; {@code set*} are required, {@code opt*} optional. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Trainer}: {@code set*} are required, {@code opt*} optional; {@link #build()} validates. */
    public static final class Builder {
        private Module model;
        private LossFunction loss;
        private Optimizer optimizer;
        private LrScheduler scheduler;
        private DataLoader trainLoader;
        private DataLoader evalLoader;
        private int epochs;
        private Path outputDir;
        private ForwardFunction forward = ForwardFunction.DEFAULT;
        private final Map<String, Regularizer> regularizers = new LinkedHashMap<>();
        private double gradClip;
        private final Map<String, List<Parameter>> gradNormSets = new LinkedHashMap<>();
        private int checkpointEverySteps;
        private Path resumeFrom;
        private long seed;
        private ProgressMode progress = ProgressMode.AUTO;
        private PrintStream console = System.err;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private final Map<String, String> config = new LinkedHashMap<>();
        private boolean checkParameters = true;

        private Builder() {
        }

        /** The model; its forward takes images {@code [B, H, W, C]} and returns logits {@code [B, classes]}. Required. */
        public Builder setModel(Module model) {
            this.model = model;
            return this;
        }

        /** The data loss, e.g. {@code CrossEntropy::crossEntropy}. Required. */
        public Builder setLoss(LossFunction loss) {
            this.loss = loss;
            return this;
        }

        /** The optimiser over the model's parameters. Required. */
        public Builder setOptimizer(Optimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        /** The training batches; one epoch is one pass over it. Required. */
        public Builder setTrainLoader(DataLoader trainLoader) {
            this.trainLoader = trainLoader;
            return this;
        }

        /** The total number of epochs (≥ 1), counting those before a resume. Required. */
        public Builder setEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Where the logs and checkpoints go; created if missing. Required. */
        public Builder setOutputDir(Path outputDir) {
            this.outputDir = outputDir;
            return this;
        }

        /**
         * The learning-rate schedule; before each update its rate is set on every parameter group
         * ({@link Optimizer#setLr}). Its steps per epoch must be the train loader's batches per epoch. Without
         * one the groups keep their own rates. On resume this object is replaced by the checkpoint's state,
         * which must have the same configuration; {@link Trainer#scheduler()} returns the live one.
         */
        public Builder optScheduler(LrScheduler scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** Batches evaluated at the end of every epoch (its epoch 0, so every evaluation sees the same batches). */
        public Builder optEvalLoader(DataLoader evalLoader) {
            this.evalLoader = evalLoader;
            return this;
        }

        /** How the model is run on a batch (default {@link ForwardFunction#DEFAULT}). */
        public Builder optForward(ForwardFunction forward) {
            this.forward = forward;
            return this;
        }

        /** Adds a penalty to the objective, logged each step as {@code penalty.<name>}; names must be distinct. */
        public Builder optRegularizer(String name, Regularizer regularizer) {
            checkName("optRegularizer", name, regularizers.containsKey(name));
            if (regularizer == null) throw new IllegalArgumentException("Trainer.optRegularizer: regularizer '" + name + "' is null");
            regularizers.put(name, regularizer);
            return this;
        }

        /** Clips the global gradient norm to {@code maxNorm} (> 0) before each update, as {@code clip_grad_norm_}. */
        public Builder optGradClip(double maxNorm) {
            if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
                throw new IllegalArgumentException("Trainer.optGradClip: maxNorm must be finite and > 0, got " + maxNorm);
            }
            this.gradClip = maxNorm;
            return this;
        }

        /**
         * Named parameter sets whose gradients' L2 norm (before clipping) is logged every step as
         * {@code grad_norm.<name>}: the shared bases of each DSFB stage, a parameter group, a layer. Adds to
         * the sets given before, in the map's iteration order.
         */
        public Builder optGradNorms(Map<String, List<Parameter>> sets) {
            if (sets == null) throw new IllegalArgumentException("Trainer.optGradNorms: sets must not be null");
            for (Map.Entry<String, List<Parameter>> e : sets.entrySet()) {
                checkName("optGradNorms", e.getKey(), gradNormSets.containsKey(e.getKey()));
                if (e.getValue() == null || e.getValue().isEmpty()) {
                    throw new IllegalArgumentException("Trainer.optGradNorms: set '" + e.getKey() + "' has no parameters");
                }
                gradNormSets.put(e.getKey(), List.copyOf(e.getValue()));
            }
            return this;
        }

        /**
         * Also writes {@code last.safetensors} after every {@code n} steps inside an epoch (default 0: only at
         * epoch ends), so a long epoch can be resumed from its middle.
         */
        public Builder optCheckpointEverySteps(int n) {
            if (n < 0) throw new IllegalArgumentException("Trainer.optCheckpointEverySteps: n must be >= 0, got " + n);
            this.checkpointEverySteps = n;
            return this;
        }

        /**
         * Continues the run saved in {@code checkpoint} (a {@code last.safetensors} of this trainer): model,
         * optimiser, scheduler, generator and loader position are restored and training goes on to
         * {@link #setEpochs(int)} epochs.
         */
        public Builder optResumeFrom(Path checkpoint) {
            this.resumeFrom = checkpoint;
            return this;
        }

        /** The seed of the trainer's generator, which each step's generator derives from (default 0). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** What to show on the console (default {@link ProgressMode#AUTO}). */
        public Builder optProgress(ProgressMode progress) {
            if (progress == null) throw new IllegalArgumentException("Trainer.optProgress: progress must not be null");
            this.progress = progress;
            return this;
        }

        /** Where the progress bar or epoch lines go (default {@code System.err}, so standard output stays the caller's). */
        public Builder optConsole(PrintStream console) {
            if (console == null) throw new IllegalArgumentException("Trainer.optConsole: console must not be null");
            this.console = console;
            return this;
        }

        /** Adds a listener, called after the logs are written, in the order added. */
        public Builder optListener(TrainingListener listener) {
            if (listener == null) throw new IllegalArgumentException("Trainer.optListener: listener must not be null");
            listeners.add(listener);
            return this;
        }

        /** Free-form run configuration stored in every checkpoint's metadata under {@code config.<key>}. */
        public Builder optConfig(Map<String, String> config) {
            if (config == null) throw new IllegalArgumentException("Trainer.optConfig: config must not be null");
            this.config.putAll(config);
            return this;
        }

        /**
         * Whether every parameter is checked for NaN and ±∞ after each update (default true), so a run whose
         * finite gradients still overflow a weight stops at that step, naming the parameter. The loss, the
         * penalties and the gradients are checked always: their check comes free with the gradient norm. The
         * parameter scan is one pass over the weights per step; turn it off only where that pass shows.
         */
        public Builder optCheckParameters(boolean check) {
            this.checkParameters = check;
            return this;
        }

        /** Validates and builds. */
        public Trainer build() {
            if (model == null) throw new IllegalArgumentException("Trainer: setModel is required");
            if (loss == null) throw new IllegalArgumentException("Trainer: setLoss is required");
            if (optimizer == null) throw new IllegalArgumentException("Trainer: setOptimizer is required");
            if (trainLoader == null) throw new IllegalArgumentException("Trainer: setTrainLoader is required");
            if (outputDir == null) throw new IllegalArgumentException("Trainer: setOutputDir is required");
            if (epochs < 1) throw new IllegalArgumentException("Trainer: setEpochs must be >= 1, got " + epochs);
            if (forward == null) throw new IllegalArgumentException("Trainer: optForward must not be null");
            if (scheduler != null && scheduler.stepsPerEpoch() != trainLoader.batchesPerEpoch()) {
                throw new IllegalArgumentException("Trainer: the scheduler counts " + scheduler.stepsPerEpoch()
                        + " steps per epoch but the train loader gives " + trainLoader.batchesPerEpoch() + " batches per epoch");
            }
            return new Trainer(this);
        }

        private static void checkName(String option, String name, boolean taken) {
            if (name == null || name.isEmpty()) throw new IllegalArgumentException("Trainer." + option + ": name must not be empty");
            if (taken) throw new IllegalArgumentException("Trainer." + option + ": name '" + name + "' is already used");
        }
    }

    /** The model being trained. */
    public Module model() {
        return model;
    }

    /** The optimiser. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** The live scheduler (after a resume, the one restored from the checkpoint), or null if none. */
    public LrScheduler scheduler() {
        return scheduler;
    }

    /** The output directory. */
    public Path outputDir() {
        return outputDir;
    }

    /**
     * Trains to the configured number of epochs and returns the summaries of the epochs run.
     *
     * @throws TrainingDivergedException when a loss, penalty, gradient or (after the update) parameter holds NaN or
     *                                   ±∞: the message names the epoch, step and batch, and the parameter and index;
     *                                   but for a parameter the model keeps the previous step's weights
     * @throws IOException               when a log or checkpoint cannot be written, or the checkpoint to resume from read
     */
    public TrainingResult fit() throws IOException {
        if (used) throw new IllegalStateException("Trainer.fit: a trainer runs once; build a new one (optResumeFrom to continue)");
        used = true;
        Files.createDirectories(outputDir);
        Run run = resumeFrom == null ? freshRun() : resumedRun(resumeFrom);
        List<TrainingListener> all = new ArrayList<>(listeners);
        TrainingListener shown = progressListener();
        if (shown != null) all.add(0, shown);
        try (CsvLog steps = run.resumed ? CsvLog.resume(outputDir.resolve(STEP_LOG), stepHeader(), 1, run.step)
                : CsvLog.create(outputDir.resolve(STEP_LOG), stepHeader());
             CsvLog epochLog = run.resumed ? CsvLog.resume(outputDir.resolve(EPOCH_LOG), EPOCH_HEADER, 0, run.completedEpochs)
                     : CsvLog.create(outputDir.resolve(EPOCH_LOG), EPOCH_HEADER)) {
            TrainingPlan plan = new TrainingPlan(epochs, trainLoader.batchesPerEpoch(), run.loaderEpoch, run.nextBatch, run.step, outputDir);
            for (TrainingListener l : all) l.onTrainStart(plan);
            try {
                List<EpochMetrics> done = new ArrayList<>();
                while (run.loaderEpoch < epochs) done.add(runEpoch(run, steps, epochLog, all));
                TrainingResult result = new TrainingResult(done, run.step, run.best, outputDir.resolve(LAST_CHECKPOINT),
                        outputDir.resolve(BEST_CHECKPOINT));
                for (TrainingListener l : all) l.onTrainEnd(result);
                return result;
            } catch (IOException | RuntimeException e) {
                for (TrainingListener l : all) l.onTrainAborted(e);
                throw e;
            }
        }
    }

    /** The console listener {@link ProgressMode} asks for, or null. */
    private TrainingListener progressListener() {
        ProgressMode mode = progress;
        // The bar needs the optional progressbar library; without it a terminal gets the line per epoch.
        if (mode == ProgressMode.AUTO) {
            mode = ProgressMode.interactiveConsole() && ProgressBarListener.available() ? ProgressMode.BAR : ProgressMode.LINES;
        }
        if (mode == ProgressMode.BAR && !ProgressBarListener.available()) {
            throw new IllegalStateException("Trainer: ProgressMode.BAR needs me.tongfei:progressbar on the class path (an optional "
                    + "dependency of basis4j-nn); add it or use ProgressMode.LINES");
        }
        return switch (mode) {
            case BAR -> new ProgressBarListener(console);
            case LINES -> new EpochLineListener(console);
            case NONE, AUTO -> null;
        };
    }

    /** The mutable state of one fit() call; what a checkpoint saves besides model, optimiser and scheduler. */
    private static final class Run {
        boolean resumed;
        long step;
        long loaderEpoch;
        int nextBatch;
        long completedEpochs;
        double lossSum;
        long correct;
        long samples;
        double lastLr = Double.NaN;
        double best = Double.NaN;
        Rng rng;
    }

    private Run freshRun() {
        Run r = new Run();
        r.rng = Rng.of(seed);
        return r;
    }

    /** Restores model, optimiser, scheduler and the run state from {@code path}, checking they fit this trainer. */
    private Run resumedRun(Path path) throws IOException {
        TrainingCheckpoint c = TrainingCheckpoint.load(path, model, optimizer);
        TrainerState s = TrainerState.fromMetadata(c.extra(), path);
        int bpe = trainLoader.batchesPerEpoch();
        if (s.batchesPerEpoch() != bpe || s.batchSize() != trainLoader.batchSize()) {
            throw new IllegalArgumentException("Trainer: cannot resume from " + path + ": it was written with " + s.batchesPerEpoch()
                    + " batches of " + s.batchSize() + " per epoch, this train loader gives " + bpe + " batches of "
                    + trainLoader.batchSize());
        }
        if (c.step() != s.loaderEpoch() * bpe + s.nextBatch() || s.nextBatch() >= bpe) {
            throw new IllegalArgumentException("Trainer: cannot resume from " + path + ": step " + c.step() + " does not match loader position "
                    + "epoch " + s.loaderEpoch() + ", batch " + s.nextBatch() + " at " + bpe + " batches per epoch");
        }
        restoreScheduler(c, path);
        Run r = new Run();
        r.resumed = true;
        r.step = c.step();
        r.completedEpochs = c.epoch();
        r.loaderEpoch = s.loaderEpoch();
        r.nextBatch = s.nextBatch();
        r.lossSum = s.lossSum();
        r.correct = s.correct();
        r.samples = s.samples();
        r.lastLr = s.lastLr();
        r.best = s.best();
        r.rng = Rng.restore(s.rng());
        return r;
    }

    private void restoreScheduler(TrainingCheckpoint c, Path path) {
        Map<String, String> saved = new LinkedHashMap<>();
        c.extra().forEach((k, v) -> {
            if (k.startsWith(SCHEDULER_PREFIX)) saved.put(k.substring(SCHEDULER_PREFIX.length()), v);
        });
        if (scheduler == null) {
            if (!saved.isEmpty()) {
                throw new IllegalArgumentException("Trainer: cannot resume from " + path + ": it was trained with a scheduler " + saved
                        + " but this trainer has none; pass the same one with optScheduler");
            }
            return;
        }
        if (saved.isEmpty()) {
            throw new IllegalArgumentException("Trainer: cannot resume from " + path + ": it was trained without a scheduler but this trainer has "
                    + scheduler.state());
        }
        LrScheduler restored = LrScheduler.restore(saved);
        Map<String, String> mine = withoutSteps(scheduler.state()), theirs = withoutSteps(restored.state());
        if (!mine.equals(theirs)) {
            throw new IllegalArgumentException("Trainer: cannot resume from " + path + ": its scheduler is " + theirs
                    + " but this trainer's is " + mine + "; a resumed run must keep the schedule to continue exactly");
        }
        if (restored.steps() != c.step()) {
            throw new IllegalArgumentException("Trainer: cannot resume from " + path + ": the scheduler counted " + restored.steps()
                    + " steps but the checkpoint is at step " + c.step());
        }
        scheduler = restored;
    }

    private static Map<String, String> withoutSteps(Map<String, String> state) {
        Map<String, String> m = new LinkedHashMap<>(state);
        m.remove("steps");
        return m;
    }

    /** Runs the rest of epoch {@code run.loaderEpoch}, its evaluation and checkpoints. */
    private EpochMetrics runEpoch(Run run, CsvLog stepLog, CsvLog epochLog, List<TrainingListener> all) throws IOException {
        long epoch = run.loaderEpoch;
        int bpe = trainLoader.batchesPerEpoch();
        for (TrainingListener l : all) l.onEpochStart(epoch, run.nextBatch, bpe);
        model.train();
        long started = System.nanoTime();
        long samplesHere = 0;
        try (DataLoader.Epoch batches = trainLoader.epoch(epoch, run.nextBatch)) {
            for (Batch b : batches) {
                StepMetrics m = step(run, b);
                samplesHere += b.size();
                stepLog.row(stepRow(m));
                if (checkpointEverySteps > 0 && run.step % checkpointEverySteps == 0 && run.nextBatch < bpe) {
                    save(outputDir.resolve(LAST_CHECKPOINT), run);
                }
                for (TrainingListener l : all) l.onStep(m);
            }
        }
        double seconds = (System.nanoTime() - started) * 1e-9;
        double[] eval = evaluate(run, epoch);
        double trainLoss = run.lossSum / run.samples;
        double trainAccuracy = (double) run.correct / run.samples;
        boolean best = improves(run.best, eval == null ? trainLoss : eval[1], eval != null);
        if (best) run.best = eval == null ? trainLoss : eval[1];
        EpochMetrics em = new EpochMetrics(epoch, run.step, trainLoss, trainAccuracy, run.lastLr, eval == null ? Double.NaN : eval[0],
                eval == null ? Double.NaN : eval[1], eval == null ? Double.NaN : eval[2], seconds, samplesHere / seconds, best);
        // The epoch row goes first: a run killed before the checkpoint below redoes this epoch on resume and
        // the resumed log drops the row, so the log never holds an epoch twice.
        epochLog.row(epochRow(em));
        run.loaderEpoch = epoch + 1;
        run.nextBatch = 0;
        run.completedEpochs = epoch + 1;
        run.lossSum = 0;
        run.correct = 0;
        run.samples = 0;
        save(outputDir.resolve(LAST_CHECKPOINT), run);
        if (best) save(outputDir.resolve(BEST_CHECKPOINT), run);
        for (TrainingListener l : all) l.onEpochEnd(em);
        return em;
    }

    private static boolean improves(double best, double value, boolean higherIsBetter) {
        if (Double.isNaN(value)) return false;
        if (Double.isNaN(best)) return true;
        return higherIsBetter ? value > best : value < best;
    }

    /** One optimiser step on {@code b}, advancing {@code run}; see the class comment for the order of operations. */
    private StepMetrics step(Run run, Batch b) {
        long started = System.nanoTime();
        long epoch = run.loaderEpoch;
        model.zeroGrad();
        Variable logits = forward.forward(model, b.images(), run.rng.derive(run.step));
        checkLogits(logits, b);
        Variable data = loss.loss(logits, b.labels());
        double lossValue = scalar(data, "the loss function");
        if (!Double.isFinite(lossValue)) throw diverged(run, b, "loss", lossValue);
        Map<String, Double> penalties = new LinkedHashMap<>();
        Variable objective = data;
        if (!regularizers.isEmpty()) {
            Variable[] terms = new Variable[regularizers.size() + 1];
            terms[0] = data;
            int i = 1;
            for (Map.Entry<String, Regularizer> e : regularizers.entrySet()) {
                Variable p = e.getValue().penalty(model);
                double v = scalar(p, "regularizer '" + e.getKey() + "'");
                if (!Double.isFinite(v)) throw diverged(run, b, "penalty '" + e.getKey() + "'", v);
                penalties.put(e.getKey(), v);
                terms[i++] = p;
            }
            objective = Sum.of(terms);
        }
        objective.backward();
        Map<String, Double> named = new LinkedHashMap<>();
        for (Map.Entry<String, List<Parameter>> e : gradNormSets.entrySet()) named.put(e.getKey(), gradNorm(e.getValue()));
        double norm = gradNorm(parameters);
        if (!Double.isFinite(norm)) {
            // Float squares summed in double cannot overflow, so a non-finite norm has a non-finite element.
            NonFiniteElement g = firstNonFinite(true);
            throw diverged(run, b, "gradient of '" + g.name() + "'", g.value(), " at " + Arrays.toString(g.index()), false);
        }
        if (gradClip > 0) GradClip.clipGradNorm(parameters, gradClip);
        double lr;
        if (scheduler != null) {
            lr = scheduler.lr();
            optimizer.setLr(lr);
        } else {
            lr = optimizer.groups().get(0).lr();
        }
        optimizer.step();
        if (checkParameters) {
            NonFiniteElement w = firstNonFinite(false);
            if (w != null) throw diverged(run, b, "parameter '" + w.name() + "'", w.value(), " at " + Arrays.toString(w.index()), true);
        }
        if (scheduler != null) scheduler.step();
        int hits = correct(logits.value(), b.labels());
        double seconds = (System.nanoTime() - started) * 1e-9;
        StepMetrics m = new StepMetrics(epoch, run.step, b.number(), b.size(), lossValue, penalties, (double) hits / b.size(), lr, norm,
                named, seconds);
        run.step++;
        run.nextBatch = b.number() + 1;
        run.lossSum += lossValue * b.size();
        run.correct += hits;
        run.samples += b.size();
        run.lastLr = lr;
        return m;
    }

    private static void checkLogits(Variable logits, Batch b) {
        Tensor z = logits.value();
        if (z.rank() != 2 || z.dim(0) != b.size()) {
            throw new IllegalArgumentException("Trainer: the model must return logits [B, classes] with B = " + b.size() + ", got "
                    + z.shape());
        }
    }

    private static double scalar(Variable v, String what) {
        if (v == null || v.value().size() != 1) {
            throw new IllegalArgumentException("Trainer: " + what + " must return a one-element variable, got "
                    + (v == null ? "null" : v.shape().toString()));
        }
        return v.value().get(0);
    }

    /** L2 norm of the parameters' gradients together, summed in double in list order (parameters without one count 0). */
    static double gradNorm(List<Parameter> params) {
        double sq = 0;
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            float[] d = g.data();
            int off = g.offset(), n = g.size();
            for (int i = 0; i < n; i++) sq += (double) d[off + i] * d[off + i];
        }
        return Math.sqrt(sq);
    }

    /** Rows of {@code z} [B, K] whose largest logit (the first of ties) is at the label. */
    private static int correct(Tensor z, int[] labels) {
        float[] d = z.data();
        int k = z.dim(1), off = z.offset(), hits = 0;
        for (int i = 0; i < labels.length; i++) {
            int row = off + i * k, best = 0;
            for (int c = 1; c < k; c++) if (d[row + c] > d[row + best]) best = c;
            if (best == labels[i]) hits++;
        }
        return hits;
    }

    private TrainingDivergedException diverged(Run run, Batch b, String quantity, double value) {
        return diverged(run, b, quantity, value, "", false);
    }

    /**
     * The exception for a non-finite {@code quantity} at this step; {@code detail} (may be empty) says where it
     * is, {@code applied} whether this step's update already reached the weights.
     */
    private TrainingDivergedException diverged(Run run, Batch b, String quantity, double value, String detail, boolean applied) {
        Path last = outputDir.resolve(LAST_CHECKPOINT);
        String message = String.format(Locale.ROOT,
                "Trainer: %s is %s%s at epoch %d, step %d (batch %d of %d in the epoch; all counted from 0), lr %s; %s. %s. Lower the "
                        + "learning rate or clip gradients (optGradClip), then resume from a checkpoint.",
                quantity, value, detail, run.loaderEpoch, run.step, b.number(), trainLoader.batchesPerEpoch(),
                scheduler != null ? Double.toString(scheduler.lr()) : Double.toString(optimizer.groups().get(0).lr()),
                applied ? "training stopped after this update, which made the weights non-finite"
                        : "training stopped before this update, so the model holds the weights from before this step",
                Files.exists(last) ? "The last checkpoint is " + last : "No checkpoint was written yet");
        return new TrainingDivergedException(message, run.loaderEpoch, run.step, b.number(), quantity, value);
    }

    /** The first non-finite element of a parameter's value or gradient: the parameter's name, the element and its index. */
    private record NonFiniteElement(String name, float value, int[] index) {
    }

    /** The first parameter (in the global norm's order) whose gradient ({@code grads}) or value holds NaN or ±∞, or null. */
    private NonFiniteElement firstNonFinite(boolean grads) {
        for (Parameter p : parameters) {
            Tensor t = grads ? p.grad() : p.value();
            if (t == null) continue;
            int i = NonFinite.firstIndex(t);
            if (i >= 0) return new NonFiniteElement(parameterNames.get(p), t.get(i), NonFinite.index(t.shape(), i));
        }
        return null;
    }

    /** Evaluation loss, top-1 and top-5 over the eval loader, or null without one. */
    private double[] evaluate(Run run, long epoch) {
        if (evalLoader == null) return null;
        model.eval();
        ConfusionMatrix cm = null;
        double lossSum = 0;
        long n = 0;
        Rng evalRng = run.rng.derive(EVAL_STREAM).derive(epoch);
        try (NoGrad ignored = NoGrad.enter(); DataLoader.Epoch batches = evalLoader.epoch(0)) {
            for (Batch b : batches) {
                Variable logits = forward.forward(model, b.images(), evalRng.derive(b.number()));
                checkLogits(logits, b);
                if (cm == null) cm = new ConfusionMatrix(logits.value().dim(1));
                lossSum += scalar(loss.loss(logits, b.labels()), "the loss function") * b.size();
                n += b.size();
                cm.add(logits.value(), b.labels());
            }
        } finally {
            model.train();
        }
        return new double[] {lossSum / n, cm.top1(), cm.top5()};
    }

    private void save(Path path, Run run) throws IOException {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.putAll(new TrainerState(run.loaderEpoch, run.nextBatch, trainLoader.batchesPerEpoch(), trainLoader.batchSize(), run.lossSum,
                run.correct, run.samples, run.lastLr, run.best, run.rng.state()).toMetadata());
        extra.put(TrainerState.PREFIX + "epochs", Integer.toString(epochs));
        extra.put(TrainerState.PREFIX + "grad_clip", Double.toString(gradClip));
        if (scheduler != null) scheduler.state().forEach((k, v) -> extra.put(SCHEDULER_PREFIX + k, v));
        config.forEach((k, v) -> extra.put(CONFIG_PREFIX + k, v));
        TrainingCheckpoint.save(path, model, optimizer, (int) run.completedEpochs, run.step, extra);
    }

    private static final List<String> EPOCH_HEADER = List.of("epoch", "steps", "train_loss", "train_accuracy", "lr", "eval_loss",
            "eval_top1", "eval_top5", "train_seconds", "images_per_second", "best");

    private List<String> stepHeader() {
        List<String> h = new ArrayList<>(List.of("epoch", "step", "batch", "batch_size", "loss"));
        for (String name : regularizers.keySet()) h.add("penalty." + name);
        h.addAll(List.of("accuracy", "lr", "grad_norm"));
        for (String name : gradNormSets.keySet()) h.add("grad_norm." + name);
        h.add("seconds");
        return h;
    }

    private static List<String> stepRow(StepMetrics m) {
        List<String> r = new ArrayList<>(List.of(Long.toString(m.epoch()), Long.toString(m.step()), Integer.toString(m.batch()),
                Integer.toString(m.batchSize()), Double.toString(m.loss())));
        for (double v : m.penalties().values()) r.add(Double.toString(v));
        r.addAll(List.of(Double.toString(m.accuracy()), Double.toString(m.lr()), Double.toString(m.gradNorm())));
        for (double v : m.namedGradNorms().values()) r.add(Double.toString(v));
        r.add(Double.toString(m.seconds()));
        return r;
    }

    private static List<String> epochRow(EpochMetrics m) {
        return List.of(Long.toString(m.epoch()), Long.toString(m.steps()), Double.toString(m.trainLoss()), Double.toString(m.trainAccuracy()),
                Double.toString(m.lr()), cell(m.evalLoss()), cell(m.evalTop1()), cell(m.evalTop5()), Double.toString(m.trainSeconds()),
                Double.toString(m.imagesPerSecond()), Boolean.toString(m.best()));
    }

    /** An evaluation cell: empty when there was no evaluation. */
    private static String cell(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }
}
