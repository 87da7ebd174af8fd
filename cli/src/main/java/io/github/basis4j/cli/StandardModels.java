package io.github.basis4j.cli;

import io.github.basis4j.inference.InputSize;
import io.github.basis4j.inference.Model;
import io.github.basis4j.inference.Preprocessing;
import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.ModelRegistry;
import io.github.basis4j.models.dsfb.Cifar100Models;
import io.github.basis4j.models.dsfb.Cifar10ResNets;
import io.github.basis4j.models.dsfb.CifarResNet;
import io.github.basis4j.models.dsfb.DsfbRegularizer;
import io.github.basis4j.models.dsfb.IlsvrcModels;
import io.github.basis4j.models.metaformer.MetaFormer;
import io.github.basis4j.models.metaformer.MetaFormers;
import io.github.basis4j.models.metaformer.SmallMetaFormers;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Module;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models the {@code basis4j} command knows by name: the models module's registry
 * ({@link ModelRegistry#standard()}), with what the commands need beyond a {@link Module}. For the DSFB
 * CIFAR ResNets ({@link CifarResNet}): native input 32×32 with the model's channels, the orthogonality
 * penalty of {@link DsfbRegularizer} (unique bases included, as the reference trains) for the variants
 * with shared bases, and each stage's shared basis weights as the gradient-norm set {@code stage<s>}. For the
 * MetaFormers ({@link MetaFormer}, family {@value MetaFormers#FAMILY}): native input the size they are built
 * for (224×224×3 for the reference's, 28×28×1 for {@link SmallMetaFormers}), the embedding API's reference
 * pipeline ({@link Model#referencePreprocessing}: ImageNet's normalisation for plain weights, timm's bicubic
 * resize of the shorter side to the input size then a centre crop, {@code crop_pct} 1), the drop-path rate
 * of the request, and the reference's training recipe ({@link #recipe}). For the
 * other DSFB families: CIFAR-100 models ({@link Cifar100Models}) take 32×32 images and 100 classes, ILSVRC
 * models ({@link IlsvrcModels}) 224×224 images and 1000 classes (unless the request sets the channels or classes),
 * with {@link DsfbRegularizer}'s penalty as their train script computes it for the variants with shared bases.
 */
final class StandardModels implements ModelCatalog {
    /** CIFAR's 32×32 images: the resolution the CIFAR ResNets are designed for. */
    private static final int CIFAR_SIDE = 32;
    /** ImageNet's usual 224×224 crops, the resolution the ILSVRC models are trained at. */
    private static final int IMAGENET_SIDE = 224;
    private static final int CIFAR100_CLASSES = 100, IMAGENET_CLASSES = 1000, RGB = 3;

    /** The reference's peak learning rate 4e-3 at 4096 images per step, scaled linearly with the batch. */
    static final double METAFORMER_LR = 4e-3;
    static final int METAFORMER_LR_BATCH = 4096;
    /** AdamW weight decay, warm-up epochs and label smoothing of the reference's (timm's) recipe. */
    static final double METAFORMER_WEIGHT_DECAY = 0.05;
    static final int METAFORMER_WARMUP_EPOCHS = 5;
    static final double METAFORMER_LABEL_SMOOTHING = 0.1;
    /**
     * The small models' peak rate: 2e-3 at 128 images per step. The reference's rule would give 1.25e-4 there,
     * tuned for 300 ImageNet epochs; these models train for a few epochs.
     */
    static final double SMALL_LR = 2e-3;
    static final int SMALL_LR_BATCH = 128;
    /** One warm-up epoch: the small models' runs are a few epochs long. */
    static final int SMALL_WARMUP_EPOCHS = 1;

    private final ModelRegistry registry;

    private StandardModels(ModelRegistry registry) {
        this.registry = registry;
    }

    /** The catalog {@link Main#main} uses. */
    static ModelCatalog catalog() {
        return new StandardModels(ModelRegistry.standard());
    }

    @Override
    public CliModel create(ModelRequest request) {
        ModelRegistry.Entry entry = registry.get(request.name());
        ModelOptions.Builder b = ModelOptions.builder().optSeed(request.seed());
        request.inChannels().ifPresent(b::optInChannels);
        request.numClasses().ifPresent(b::optNumClasses);
        if (entry.family().equals(MetaFormers.FAMILY)) return metaFormer(entry, b.build(), request);
        if (request.dropPathRate().orElse(0) > 0) {
            throw new CliException(entry.qualifiedName() + " has no stochastic depth; --drop-path does not apply to it");
        }
        Module module = entry.factory().create(b.build());
        if (module instanceof CifarResNet net && entry.family().equals(Cifar10ResNets.FAMILY)) return describe(entry.name(), net);
        int side = switch (entry.family()) {
            case Cifar100Models.FAMILY -> CIFAR_SIDE;
            case IlsvrcModels.FAMILY -> IMAGENET_SIDE;
            default -> 0;
        };
        if (side > 0) {
            int classes = request.numClasses().orElse(entry.family().equals(IlsvrcModels.FAMILY) ? IMAGENET_CLASSES : CIFAR100_CLASSES);
            return describe(entry.name(), module, new InputSize(side, side, request.inChannels().orElse(RGB)), classes);
        }
        throw new CliException("the command line does not know the input size of " + entry.qualifiedName() + " (family " + entry.family() + ")");
    }

    /** A MetaFormer; a drop-path rate goes through the family's builder, the registry's factory has none. */
    private static CliModel metaFormer(ModelRegistry.Entry entry, ModelOptions options, ModelRequest request) {
        Module module;
        if (request.dropPathRate().isPresent()) {
            String name = entry.name();
            MetaFormer.Builder b = SmallMetaFormers.names().contains(name) ? SmallMetaFormers.builder(name, options) : MetaFormers.builder(name, options);
            module = b.optDropPathRate(request.dropPathRate().getAsDouble()).build();
        } else {
            module = entry.factory().create(options);
        }
        if (!(module instanceof MetaFormer net)) {
            throw new CliException("the command line does not know the input size of " + entry.qualifiedName() + " (not a MetaFormer)");
        }
        InputSize size = new InputSize(net.imageHeight(), net.imageWidth(), net.inChannels());
        Preprocessing reference;
        try {
            reference = Model.referencePreprocessing(entry.qualifiedName(), size);
        } catch (IllegalArgumentException e) {
            // The embedding API's advice (a preprocessing of one's own) is no option of the command line.
            throw new CliException(entry.qualifiedName() + " takes RGB or grey images (3 or 1 channels), got " + size.channels()
                    + "; change --in-channels", e);
        }
        return new CliModel(entry.name(), net, size, net.numClasses(), Optional.empty(), Map.of(), Optional.of(reference));
    }

    /**
     * The reference's recipe for the MetaFormers: AdamW with peak rate 4e-3 per 4096 images, weight decay 0.05,
     * 5 warm-up epochs, label smoothing 0.1, drop path 0.2 (s18), 0.3 (s36), 0.4 (m36), 0.6 (b36) as the
     * MetaFormer baselines the DFFormer reference builds on; the small models: 2e-3 per 128 images, one warm-up
     * epoch, drop path {@value SmallMetaFormers#DEFAULT_DROP_PATH_RATE}. Empty for the other families.
     */
    @Override
    public Optional<TrainingRecipe> recipe(String name) {
        ModelRegistry.Entry entry = registry.get(name);
        if (!entry.family().equals(MetaFormers.FAMILY)) return Optional.empty();
        String n = entry.name();
        if (SmallMetaFormers.names().contains(n)) {
            return Optional.of(new TrainingRecipe(SMALL_LR, SMALL_LR_BATCH, METAFORMER_WEIGHT_DECAY, SMALL_WARMUP_EPOCHS,
                    METAFORMER_LABEL_SMOOTHING, SmallMetaFormers.DEFAULT_DROP_PATH_RATE));
        }
        double dropPath = n.contains("_b36") ? 0.6 : n.contains("_m36") ? 0.4 : n.contains("_s36") ? 0.3 : 0.2;
        return Optional.of(new TrainingRecipe(METAFORMER_LR, METAFORMER_LR_BATCH, METAFORMER_WEIGHT_DECAY, METAFORMER_WARMUP_EPOCHS,
                METAFORMER_LABEL_SMOOTHING, dropPath));
    }

    private static CliModel describe(String name, CifarResNet net) {
        Optional<CliModel.Orthogonality> orth = Optional.empty();
        Map<String, List<Parameter>> shared = new LinkedHashMap<>();
        if (DsfbRegularizer.appliesTo(net)) {
            orth = Optional.of(new CliModel.Orthogonality(DsfbRegularizer.DEFAULT_LAMBDA, lambda -> {
                DsfbRegularizer reg = DsfbRegularizer.of(net, lambda, true);
                return model -> reg.penalty();
            }));
            List<CifarResNet.Stage> stages = net.stages();
            for (int s = 0; s < stages.size(); s++) {
                List<Parameter> weights = new ArrayList<>();
                for (Conv2d basis : stages.get(s).sharedBases()) weights.add(basis.weight());
                if (!weights.isEmpty()) shared.put("stage" + (s + 1), weights);
            }
        }
        return new CliModel(name, net, new InputSize(CIFAR_SIDE, CIFAR_SIDE, net.inChannels()), net.numClasses(), orth, shared);
    }

    /** A CIFAR-100 or ILSVRC model: its penalty when it has shared bases; no per-stage gradient-norm sets. */
    private static CliModel describe(String name, Module module, InputSize input, int classes) {
        Optional<CliModel.Orthogonality> orth = Optional.empty();
        if (DsfbRegularizer.appliesTo(module)) {
            orth = Optional.of(new CliModel.Orthogonality(DsfbRegularizer.DEFAULT_LAMBDA, lambda -> {
                DsfbRegularizer reg = DsfbRegularizer.of(module, lambda);
                return model -> reg.penalty();
            }));
        }
        return new CliModel(name, module, input, classes, orth, Map.of());
    }

    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (ModelRegistry.Entry e : registry.entries()) names.add(e.name());
        return names;
    }
}
