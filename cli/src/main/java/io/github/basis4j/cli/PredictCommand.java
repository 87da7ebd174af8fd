package io.github.basis4j.cli;

import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.data.Image;
import io.github.basis4j.nn.data.ImageFolderReader;
import io.github.basis4j.nn.data.Transform;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.simd.Tensor;
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
 * ({@link Preprocessing}); the model runs in eval mode without a tape.
 *
 * <p>Output per image: its path, then {@code k} lines {@code <TAB>rank<TAB>probability<TAB>label}, best first.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Top-k labels with probabilities for image files (PNG or JPEG).")
final class PredictCommand implements Callable<Integer> {
    private final ModelCatalog catalog;

    @Spec
    private CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A checkpoint of train, or plain weights (then --model is needed).")
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
        RestoredModel restored = RestoredModel.load(catalog, modelArgs, checkpoint, dataset);
        int classes = restored.model().numClasses();
        if (topK > classes) throw new ParameterException(spec.commandLine(), "--top-k must be <= " + classes + " (the classes), got " + topK);
        Preprocessing pre = restored.preprocessing();
        InputSize size = pre.size();
        Transform transform = pre.transform();
        // The transform is deterministic; the generator is only there to satisfy its signature.
        Rng unused = Rng.of(0);
        Tensor batch = Tensor.zeros(images.size(), size.height(), size.width(), size.channels());
        int per = size.height() * size.width() * size.channels();
        for (int i = 0; i < images.size(); i++) {
            Image img = transform.apply(ImageFolderReader.decode(images.get(i), pre.colorMode()), unused);
            System.arraycopy(img.data(), 0, batch.data(), i * per, per);
        }
        Tensor logits;
        try (NoGrad ignored = NoGrad.enter()) {
            logits = restored.model().module().forward(Variable.constant(batch)).value();
        }
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < images.size(); i++) {
            double[] p = softmax(logits, i, classes);
            out.println(images.get(i));
            boolean[] taken = new boolean[classes];
            for (int r = 0; r < topK; r++) {
                int best = -1;
                for (int c = 0; c < classes; c++) if (!taken[c] && (best < 0 || p[c] > p[best])) best = c;
                taken[best] = true;
                out.printf(Locale.ROOT, "\t%d\t%.6f\t%s%n", r + 1, p[best], restored.classNames().get(best));
            }
        }
        out.flush();
        return 0;
    }

    /** Softmax of row {@code row} of {@code logits} [N, classes], shifted by the row maximum so exp never overflows. */
    static double[] softmax(Tensor logits, int row, int classes) {
        double[] p = new double[classes];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) max = Math.max(max, logits.get(row * classes + c));
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            p[c] = Math.exp(logits.get(row * classes + c) - max);
            sum += p[c];
        }
        for (int c = 0; c < classes; c++) p[c] /= sum;
        return p;
    }
}
