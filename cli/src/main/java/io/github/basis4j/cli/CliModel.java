package io.github.basis4j.cli;

import io.github.basis4j.inference.InputSize;
import io.github.basis4j.inference.Preprocessing;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.train.Regularizer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleFunction;

/**
 * A model built by a {@link ModelCatalog}, with what the commands need to know about it.
 *
 * @param name          the name it was built under (stored in training checkpoints)
 * @param module        the model: images {@code [N, H, W, C]} to logits {@code [N, numClasses]}
 * @param nativeInput   the input size it was designed for (CIFAR: 32×32×3), at which {@code info} counts
 *                      multiply-adds and {@code bench} times it
 * @param numClasses    output classes
 * @param orthogonality the DSFB orthogonality penalty, present for models with shared filter bases
 * @param sharedBases   the shared basis weights of each stage, by a stage name ({@code stage1}); their
 *                      gradient norms are logged during training. Empty for models without shared bases.
 * @param nativePreprocessing what images go through before a model with plain weights when no dataset says
 *                      otherwise (the MetaFormers: ImageNet's mean and std at the native size, as the
 *                      reference's timm configuration); empty: the native size without normalisation
 */
public record CliModel(String name, Module module, InputSize nativeInput, int numClasses, Optional<Orthogonality> orthogonality,
        Map<String, List<Parameter>> sharedBases, Optional<Preprocessing> nativePreprocessing) {
    /** Validates and copies. */
    public CliModel {
        if (module == null || nativeInput == null || orthogonality == null || sharedBases == null || nativePreprocessing == null) {
            throw new IllegalArgumentException("CliModel: module, nativeInput, orthogonality, sharedBases and nativePreprocessing must not be null");
        }
        if (numClasses < 1) throw new IllegalArgumentException("CliModel: numClasses must be >= 1, got " + numClasses);
        if (nativePreprocessing.isPresent() && !nativePreprocessing.get().size().equals(nativeInput)) {
            throw new IllegalArgumentException("CliModel: the native preprocessing's size " + nativePreprocessing.get().size()
                    + " must be the native input " + nativeInput);
        }
        sharedBases = Collections.unmodifiableMap(new LinkedHashMap<>(sharedBases));
    }

    /** A model without a preprocessing of its own. */
    public CliModel(String name, Module module, InputSize nativeInput, int numClasses, Optional<Orthogonality> orthogonality,
            Map<String, List<Parameter>> sharedBases) {
        this(name, module, nativeInput, numClasses, orthogonality, sharedBases, Optional.empty());
    }

    /**
     * The orthogonality regulariser λ·(…) of a model with shared bases.
     *
     * @param defaultLambda the reference's λ, used when {@code train} is not given {@code --lambda}
     * @param penalty       the regulariser for a given λ ≥ 0
     */
    public record Orthogonality(double defaultLambda, DoubleFunction<Regularizer> penalty) {
    }
}
