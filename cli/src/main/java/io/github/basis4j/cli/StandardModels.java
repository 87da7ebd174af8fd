package io.github.basis4j.cli;

import io.github.basis4j.inference.InputSize;
import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.ModelRegistry;
import io.github.basis4j.models.dsfb.Cifar100Models;
import io.github.basis4j.models.dsfb.Cifar10ResNets;
import io.github.basis4j.models.dsfb.CifarResNet;
import io.github.basis4j.models.dsfb.DsfbRegularizer;
import io.github.basis4j.models.dsfb.IlsvrcModels;
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
