package io.github.basis4j.cli;

import io.github.basis4j.inference.Classification;
import io.github.basis4j.inference.Model;
import io.github.basis4j.inference.Predictor;
import io.github.basis4j.inference.Preprocessing;
import io.github.basis4j.nn.data.ImageFolderReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code basis4j predict}: the top-k classes of image files with their softmax probabilities. Each image is
 * decoded to the model's channels, brought to its input size and normalised exactly as in training
 * ({@link Preprocessing}); the model runs in eval mode without a tape, through the embedding API's
 * {@link Predictor}, one image at a time.
 *
 * <p>Output per image: its path, then {@code k} lines {@code <TAB>rank<TAB>probability<TAB>label}, best first.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Top-k labels with probabilities for image files (PNG or JPEG).")
final class PredictCommand implements Callable<Integer> {
    private final ModelCatalog catalog;

    @Spec
    private CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A checkpoint of train, or plain weights, safetensors or torch.save .pth/.pt (then --model is needed).")
    private Path checkpoint;

    @Mixin
    private ModelArgs modelArgs;

    @Option(names = "--dataset", paramLabel = "NAME", converter = DatasetKind.Converter.class,
            description = "For plain weights: the dataset whose normalisation and class names to use.")
    private DatasetKind dataset;

    @Option(names = "--top-k", defaultValue = "5", paramLabel = "K", description = "Labels per image (default: ${DEFAULT-VALUE}, at most the classes).")
    private int topK;

    @Option(names = "--threads", description = "Threads of the kernels (default: all cores).")
    private Integer threads;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|vector|scalar", converter = KernelChoice.Converter.class,
            description = "Kernels: auto (default) runs a few small images on the scalar kernels, which need no warm-up, and anything bigger on the Vector API's.")
    private KernelChoice backend;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files.")
    private List<Path> images;

    PredictCommand(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Integer call() throws IOException {
        modelArgs.validate(spec);
        Checks.atLeast(spec, "--top-k", topK, 1);
        Checks.threads(spec, threads);
        for (Path p : images) Checks.existingFile("image", p);
        backend.applyExplicit();
        RestoredModel restored = RestoredModel.load(catalog, modelArgs, checkpoint, dataset);
        Preprocessing pre = restored.preprocessing();
        backend.applyAuto(images.size(), restored.model().module().parameterCount(), (long) pre.size().height() * pre.size().width());
        int classes = restored.model().numClasses();
        if (topK > classes) throw new ParameterException(spec.commandLine(), "--top-k must be <= " + classes + " (the classes), got " + topK);
        // The embedding API's predictor: the command line classifies exactly as an application would.
        Predictor predictor = Model.of(restored.model().name(), restored.model().module(), pre, restored.classNames()).predictor();
        PrintWriter out = spec.commandLine().getOut();
        for (Path image : images) {
            List<Classification> top = predictor.classify(ImageFolderReader.decode(image, pre.colorMode()), topK);
            out.println(image);
            for (int r = 0; r < top.size(); r++) {
                out.printf(Locale.ROOT, "\t%d\t%.6f\t%s%n", r + 1, top.get(r).probability(), top.get(r).label());
            }
        }
        out.flush();
        return 0;
    }
}
