package io.github.basis4j.inference;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.ModelRegistry;
import io.github.basis4j.models.dsfb.FusedCifarResNet;
import io.github.basis4j.nn.io.pth.PthFile;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A classification model loaded once for inference: the network in eval mode with its weights, the
 * preprocessing its reference applies to images, and its class labels. {@link #predictor()} gives the
 * object that runs it; one model serves any number of threads at once.
 *
 * <pre>{@code
 * try (Model model = Model.load("ResNet32", Path.of("resnet32.safetensors"))) {
 *     List<Classification> top3 = model.predictor().classify(image, 3);
 * }
 * }</pre>
 *
 * <p>Weights are a safetensors file under the reference's {@code state_dict} keys (a PyTorch state dict saved
 * with {@code safetensors.torch.save_file} loads as is; so does a training checkpoint of {@code basis4j
 * train}, whose optimiser state is skipped), or a {@code torch.save} file named {@code .pth} or {@code .pt}
 * holding such a state dict (read by {@link PthFile}, which executes none of its pickle code). Every key must be there with its shape and no other key may be.
 * Each value is decoded straight from the memory-mapped file into the model's own arrays, once.
 *
 * <p>The CIFAR ResNets (every {@code CifarResNet}, the DSFB variants included) run as a
 * {@link FusedCifarResNet}: batch norms folded into the convolutions once at load, about twice as fast at
 * batch 1. Its logits equal the module's up to float rounding (within 1e-5 relative); other models run
 * their module.
 *
 * <p>Threading: after loading, nothing writes to the network, so concurrent predictions share the weights
 * read-only; each call keeps its activations to itself (kernel scratch comes from per-thread workspaces).
 * {@link #close()} drops the network; predictions after it fail, predictions already running finish.
 */
public final class Model implements AutoCloseable {
    /** The {@code format} metadata of {@code nn.io.TrainingCheckpoint} files, whose optimiser tensors are skipped. */
    private static final String TRAINING_FORMAT = "basis4j-training-checkpoint-1";
    /** The prefix of a training checkpoint's optimiser tensors. */
    private static final String OPTIMIZER_PREFIX = "optimizer.";

    private final String name;
    private final Preprocessing preprocessing;
    private final List<String> labels;
    private volatile Module module;
    /** The module's fused inference copy where fusion applies, else null; dropped with it on close. */
    private volatile FusedCifarResNet fused;

    private Model(String name, Module module, FusedCifarResNet fused, Preprocessing preprocessing, List<String> labels) {
        this.name = name;
        this.module = module;
        this.fused = fused;
        this.preprocessing = preprocessing;
        this.labels = labels;
    }

    /**
     * Loads the model called {@code name} in the standard registry ({@code ResNet32},
     * {@code cifar10/ResNet56_DoubleShared}, {@code dfformer_s18}; any case) with its reference defaults.
     *
     * @param weights a safetensors file with the model's state dict, or a torch.save file ({@code .pth}, {@code .pt})
     * @throws IllegalArgumentException for an unknown name (the message lists the known ones) or weights that do
     *     not fit the model (every missing, unexpected and mis-shaped key is named)
     * @throws NoSuchFileException      if {@code weights} does not exist
     * @throws IOException              if it cannot be read or is not a safetensors file
     * @throws io.github.basis4j.nn.io.pth.PthException if a {@code .pth} / {@code .pt} file holds no state dict basis4j reads
     */
    public static Model load(String name, Path weights) throws IOException {
        return load(name, weights, Options.defaults());
    }

    /**
     * Loads the model called {@code name} with {@code options}; see {@link #load(String, Path)}.
     *
     * @throws IllegalArgumentException also for options the model cannot take
     */
    public static Model load(String name, Path weights, Options options) throws IOException {
        if (options == null) throw new IllegalArgumentException("Model.load: options must not be null (use Options.defaults())");
        ModelRegistry.Entry entry = ModelRegistry.standard().get(name);
        if (weights == null) throw new IllegalArgumentException("Model.load: weights must not be null");
        if (!Files.isRegularFile(weights)) {
            throw new NoSuchFileException(weights.toString(), null, "Model.load: no weights file for " + entry.name());
        }
        Module module = entry.factory().create(options.modelOptions());
        ReferenceInputs.Shape shape = ReferenceInputs.shapeOf(entry, module);
        Preprocessing pre = options.preprocessing.orElseGet(() -> ReferenceInputs.preprocessing(entry.family(), entry.name(), shape.size()));
        if (pre.size().channels() != shape.size().channels()) {
            throw new IllegalArgumentException("Model.load: the preprocessing makes " + pre.size().channels() + "-channel inputs but "
                    + entry.name() + " takes " + shape.size().channels());
        }
        List<String> labels = options.labels.orElseGet(() -> ReferenceInputs.labels(entry.family(), shape.numClasses()));
        if (labels.size() != shape.numClasses()) {
            throw new IllegalArgumentException("Model.load: " + entry.name() + " has " + shape.numClasses() + " outputs but "
                    + labels.size() + " labels were given");
        }
        loadWeights(module, entry.name(), weights);
        return of(entry.name(), module, pre, labels);
    }

    /**
     * The preprocessing {@link #load} gives the model called {@code name} when its inputs are {@code size}: the
     * reference's pipeline for the model's family (see {@link Preprocessing}), for callers that build the
     * network themselves.
     *
     * @throws IllegalArgumentException for an unknown name, or a family or channel count without a reference
     *     pipeline (the message says so)
     */
    public static Preprocessing referencePreprocessing(String name, InputSize size) {
        if (size == null) throw new IllegalArgumentException("Model.referencePreprocessing: size must not be null");
        ModelRegistry.Entry entry = ModelRegistry.standard().get(name);
        return ReferenceInputs.preprocessing(entry.family(), entry.name(), size);
    }

    /**
     * Wraps a network built and loaded elsewhere (a custom model, or one the caller trained). The module is put
     * in eval mode and must not be changed while predictors use it; a CIFAR ResNet is fused here, so later
     * changes to its weights would not reach the predictions anyway.
     *
     * @param module        images {@code [N, H, W, C]} (channel-last, {@code preprocessing.size()}) to logits
     *                      {@code [N, labels.size()]}
     * @param preprocessing what images go through first
     * @param labels        a name per output
     */
    public static Model of(String name, Module module, Preprocessing preprocessing, List<String> labels) {
        if (name == null || module == null || preprocessing == null || labels == null) {
            throw new IllegalArgumentException("Model.of: name, module, preprocessing and labels must not be null");
        }
        if (labels.isEmpty()) throw new IllegalArgumentException("Model.of: a model needs at least one label");
        module.eval();
        return new Model(name, module, FusedCifarResNet.tryFuse(module).orElse(null), preprocessing, List.copyOf(labels));
    }

    /** Copies the file's tensors straight into the module's state, after checking that every key fits. */
    private static void loadWeights(Module module, String name, Path path) throws IOException {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        Decoder decoder;
        if (PthFile.isPthName(path)) {
            PthFile file = PthFile.read(path);
            file.entries().forEach((k, e) -> shapes.put(k, e.shape()));
            decoder = file::readInto;
        } else {
            Safetensors.File file = Safetensors.read(path);
            boolean training = TRAINING_FORMAT.equals(file.metadata().get("format"));
            file.entries().forEach((k, e) -> {
                if (!(training && k.startsWith(OPTIMIZER_PREFIX))) shapes.put(k, e.shape());
            });
            decoder = file::readInto;
        }
        Map<String, Tensor> own = module.stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), mismatched = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Shape found = shapes.get(e.getKey());
            if (found == null) missing.add(e.getKey());
            else if (!sameShape(found, e.getValue().shape())) {
                mismatched.add(e.getKey() + ": expected " + e.getValue().shape() + ", got " + found);
            }
        }
        for (String k : shapes.keySet()) {
            if (!own.containsKey(k)) unexpected.add(k);
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !mismatched.isEmpty()) {
            StringBuilder sb = new StringBuilder("Model.load: " + path + " does not hold weights for " + name + ":");
            if (!missing.isEmpty()) sb.append(" missing keys ").append(missing).append(';');
            if (!unexpected.isEmpty()) sb.append(" unexpected keys ").append(unexpected).append(';');
            if (!mismatched.isEmpty()) sb.append(" shape mismatches ").append(mismatched).append(';');
            sb.setLength(sb.length() - 1);
            throw new IllegalArgumentException(sb.toString());
        }
        // Aliases (a shared basis under several keys) are written more than once, with the same values.
        for (Map.Entry<String, Tensor> e : own.entrySet()) decoder.readInto(e.getKey(), e.getValue().data(), e.getValue().offset());
    }

    /** Decodes one named tensor of a weights file to float32 into an array at an offset. */
    private interface Decoder {
        void readInto(String name, float[] out, int outOff);
    }

    /** PyTorch stores scalars such as {@code num_batches_tracked} with shape []; a file may say [1] or []. */
    private static boolean sameShape(Shape a, Shape b) {
        return a.equals(b) || (a.size() == 1 && b.size() == 1 && a.rank() <= 1 && b.rank() <= 1);
    }

    /** A predictor for this model: cheap, stateless and safe to share between threads. */
    public Predictor predictor() {
        network("Model.predictor");
        return new Predictor(this);
    }

    /** The model's name (the registry's spelling for a loaded model). */
    public String name() {
        return name;
    }

    /** What images go through before the network; its size is the input size. */
    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** The input size, {@code H×W×C}. */
    public InputSize inputSize() {
        return preprocessing.size();
    }

    /** The class labels by output index. */
    public List<String> labels() {
        return labels;
    }

    /** The number of outputs. */
    public int numClasses() {
        return labels.size();
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return module == null;
    }

    /** The network, or an exception naming {@code op} once the model is closed. */
    Module network(String op) {
        Module m = module;
        if (m == null) throw new IllegalStateException(op + ": model " + name + " is closed");
        return m;
    }

    /** The fused network where fusion applies, else null; an exception naming {@code op} once the model is closed. */
    FusedCifarResNet fusedNetwork(String op) {
        FusedCifarResNet f = fused;
        network(op);
        return f;
    }

    /** Whether predictions run the fused network ({@link FusedCifarResNet}) rather than the module. */
    public boolean isFused() {
        return fused != null;
    }

    /** Drops the network and its weights; idempotent. */
    @Override
    public void close() {
        module = null;
        fused = null;
    }

    @Override
    public String toString() {
        return "Model[" + name + ", input " + inputSize() + ", " + numClasses() + " classes" + (isClosed() ? ", closed" : "") + "]";
    }

    /**
     * How to build and feed a model; every option is optional and defaults to the reference's choice.
     * Build with {@link #builder()}: {@code Options.builder().optNumClasses(100).build()}.
     */
    public static final class Options {
        private static final Options DEFAULTS = builder().build();

        private final OptionalInt numClasses;
        private final OptionalInt inChannels;
        private final OptionalInt imageHeight;
        private final OptionalInt imageWidth;
        private final Optional<List<String>> labels;
        private final Optional<Preprocessing> preprocessing;

        private Options(Builder b) {
            this.numClasses = b.numClasses;
            this.inChannels = b.inChannels;
            this.imageHeight = b.imageHeight;
            this.imageWidth = b.imageWidth;
            this.labels = b.labels;
            this.preprocessing = b.preprocessing;
        }

        /** No option set. */
        public static Options defaults() {
            return DEFAULTS;
        }

        /** A builder with no option set. */
        public static Builder builder() {
            return new Builder();
        }

        ModelOptions modelOptions() {
            ModelOptions.Builder b = ModelOptions.builder();
            numClasses.ifPresent(b::optNumClasses);
            inChannels.ifPresent(b::optInChannels);
            if (imageHeight.isPresent()) b.optImageSize(imageHeight.getAsInt(), imageWidth.getAsInt());
            return b.build();
        }

        /** Builds {@link Options}; each {@code opt*} validates its value at once. */
        public static final class Builder {
            private OptionalInt numClasses = OptionalInt.empty();
            private OptionalInt inChannels = OptionalInt.empty();
            private OptionalInt imageHeight = OptionalInt.empty();
            private OptionalInt imageWidth = OptionalInt.empty();
            private Optional<List<String>> labels = Optional.empty();
            private Optional<Preprocessing> preprocessing = Optional.empty();

            private Builder() {
            }

            /** Output classes the network is built with (the model's default otherwise: 10, 100 or 1000). */
            public Builder optNumClasses(int n) {
                if (n < 1) throw new IllegalArgumentException("Model.Options: numClasses must be >= 1, got " + n);
                this.numClasses = OptionalInt.of(n);
                return this;
            }

            /**
             * Input channels the network is built with (the model's default otherwise: 3, or 1 for the small
             * 28×28 MetaFormers); other than 3 needs {@link #optPreprocessing}, except 1 for a MetaFormer.
             */
            public Builder optInChannels(int c) {
                if (c < 1) throw new IllegalArgumentException("Model.Options: inChannels must be >= 1, got " + c);
                this.inChannels = OptionalInt.of(c);
                return this;
            }

            /** The image size a MetaFormer is built for (its spectral filters depend on it; 224 otherwise). */
            public Builder optImageSize(int height, int width) {
                if (height < 1 || width < 1) {
                    throw new IllegalArgumentException("Model.Options: image size must be >= 1, got " + height + "x" + width);
                }
                this.imageHeight = OptionalInt.of(height);
                this.imageWidth = OptionalInt.of(width);
                return this;
            }

            /** Class names by output index (CIFAR-10's names for a 10-class CIFAR-10 model, numbers otherwise). */
            public Builder optLabels(List<String> names) {
                if (names == null || names.isEmpty()) throw new IllegalArgumentException("Model.Options: labels must not be empty");
                this.labels = Optional.of(List.copyOf(names));
                return this;
            }

            /** The preprocessing instead of the reference's (needed for inputs that are not RGB). */
            public Builder optPreprocessing(Preprocessing p) {
                if (p == null) throw new IllegalArgumentException("Model.Options: preprocessing must not be null");
                this.preprocessing = Optional.of(p);
                return this;
            }

            /** The options. */
            public Options build() {
                return new Options(this);
            }
        }
    }
}
