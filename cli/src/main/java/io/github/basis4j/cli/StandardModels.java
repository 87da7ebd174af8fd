package io.github.basis4j.cli;

import io.github.basis4j.inference.InputSize;
import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.ModelRegistry;
import io.github.basis4j.models.dsfb.Cifar10ResNets;
import io.github.basis4j.models.dsfb.CifarResNet;
import io.github.basis4j.models.dsfb.DsfbRegularizer;
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
 * with shared bases, and each stage's shared basis weights as the gradient-norm set {@code stage<s>}.
 */
final class StandardModels implements ModelCatalog {
    /** CIFAR's 32×32 images: the resolution the CIFAR ResNets are designed for. */
    private static final int CIFAR_SIDE = 32;

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

    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (ModelRegistry.Entry e : registry.entries()) names.add(e.name());
        return names;
    }
}
