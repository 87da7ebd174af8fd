package io.github.basis4j.cli;

import io.github.basis4j.inference.InputSize;
import io.github.basis4j.inference.Preprocessing;
import io.github.basis4j.nn.data.CifarReader;
import io.github.basis4j.nn.data.FashionMnist;
import io.github.basis4j.nn.data.Interpolation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A model rebuilt from a checkpoint, with the preprocessing and class names its inputs and outputs need.
 *
 * <p>A checkpoint written by {@code train} says everything itself ({@link RunConfig}); {@code --model},
 * {@code --in-channels} and {@code --num-classes} may still override it. Plain weights need
 * {@code --model} (so does a {@code torch.save} state dict, {@code .pth} / {@code .pt}); their preprocessing
 * then follows the dataset named with {@code --dataset} (its normalisation, its image size or else the model's
 * native one) or, without one, the model's own ({@link CliModel#nativePreprocessing()}: ImageNet's for the
 * MetaFormers) or else its native size with no normalisation, and classes are numbered unless the dataset
 * names them.
 *
 * @param model         the model, weights loaded, in eval mode
 * @param preprocessing what an image goes through before the model
 * @param classNames    class names by output index
 * @param config        the run configuration of a {@code train} checkpoint, if it has one
 */
record RestoredModel(CliModel model, Preprocessing preprocessing, List<String> classNames, Optional<RunConfig> config) {
    /**
     * Rebuilds the model of {@code checkpoint}.
     *
     * @param dataset the dataset the command works on, or null
     */
    static RestoredModel load(ModelCatalog catalog, ModelArgs args, Path checkpoint, DatasetKind dataset) throws IOException {
        Checkpoints.Weights file = Checkpoints.openWeights("checkpoint", checkpoint);
        Optional<RunConfig> config = RunConfig.fromMetadata(file.metadata(), checkpoint);
        CliModel model;
        Preprocessing preprocessing;
        List<String> names;
        if (config.isPresent()) {
            RunConfig c = config.get();
            model = catalog.create(args.request(c.model(), c.inChannels(), c.numClasses(), 0));
            preprocessing = c.preprocessing();
            names = c.classNames();
            if (model.nativeInput().channels() != preprocessing.size().channels()) {
                throw new CliException("--in-channels " + model.nativeInput().channels() + " does not match the " + preprocessing.size().channels()
                        + "-channel inputs " + checkpoint + " was trained on");
            }
        } else {
            if (args.model == null) {
                throw new CliException(checkpoint + " holds plain weights without a run configuration; pass --model NAME");
            }
            model = catalog.create(args.request(args.model, null, null, 0));
            InputSize nat = model.nativeInput();
            if (dataset == null) {
                int c = nat.channels();
                preprocessing = model.nativePreprocessing().orElseGet(() -> new Preprocessing(nat, new float[c], ones(c)));
            } else {
                InputSize fixed = dataset.fixedSize();
                InputSize size = fixed == null ? nat : new InputSize(fixed.height(), fixed.width(), nat.channels());
                preprocessing = new Preprocessing(size, dataset.mean(nat.channels()), dataset.std(nat.channels()),
                        model.nativePreprocessing().map(Preprocessing::interpolation).orElse(Interpolation.BILINEAR));
            }
            names = defaultNames(dataset, model.numClasses());
        }
        if (names.size() != model.numClasses()) {
            throw new CliException(model.name() + " has " + model.numClasses() + " outputs but " + checkpoint + " names " + names.size()
                    + " classes; drop --num-classes or pass the one it was trained with");
        }
        Checkpoints.loadWeights(model.module(), model.name(), file);
        model.module().eval();
        return new RestoredModel(model, preprocessing, names, config);
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }

    /** The dataset's class names when it has a fixed list of that length, else "0", "1", …. */
    private static List<String> defaultNames(DatasetKind dataset, int classes) {
        if (dataset == DatasetKind.FASHION_MNIST && classes == FashionMnist.CLASS_NAMES.size()) return FashionMnist.CLASS_NAMES;
        if (dataset == DatasetKind.CIFAR10 && classes == CifarReader.CIFAR10_CLASSES.size()) return CifarReader.CIFAR10_CLASSES;
        List<String> n = new ArrayList<>(classes);
        for (int i = 0; i < classes; i++) n.add(Integer.toString(i));
        return n;
    }
}
