package io.github.basis4j.cli;

import io.github.basis4j.models.dsfb.FusedCifarResNet;
import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.data.Batch;
import io.github.basis4j.nn.data.DataLoader;
import io.github.basis4j.nn.data.Dataset;
import io.github.basis4j.nn.data.Split;
import io.github.basis4j.nn.loss.CrossEntropy;
import io.github.basis4j.nn.metrics.ConfusionMatrix;
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
import picocli.CommandLine.Spec;

/**
 * {@code basis4j eval}: a checkpoint's loss, top-1 and top-5 accuracy, per-class accuracy and confusion
 * matrix on a dataset split, the model in eval mode without a tape (a CIFAR ResNet fused, as the inference
 * API runs it). The dataset, its directory and the
 * preprocessing default to those the checkpoint was trained with.
 *
 * <p>Output: {@code key<TAB>value} lines ({@code images}, {@code loss}, {@code top1}, {@code top5}), then
 * {@code class<TAB>index<TAB>name<TAB>accuracy<TAB>images} per class, then the confusion matrix: a header
 * row of predicted indices and one row per true class, tab-separated.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Accuracy, per-class accuracy and confusion matrix of a checkpoint on a dataset.")
final class EvalCommand implements Callable<Integer> {
    private final ModelCatalog catalog;

    @Spec
    private CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", description = "A checkpoint of train, or plain weights, safetensors or torch.save .pth/.pt (then --model and --dataset are needed).")
    private Path checkpoint;

    @Mixin
    private ModelArgs modelArgs;

    @Option(names = "--dataset", paramLabel = "NAME", converter = DatasetKind.Converter.class,
            description = "fashion-mnist, cifar10, cifar100 or folder (default: the checkpoint's).")
    private DatasetKind dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "Dataset directory (default: the checkpoint's).")
    private Path data;

    @Option(names = "--split", defaultValue = "test", paramLabel = "train|test", description = "Which split (default: ${DEFAULT-VALUE}).")
    private Split split;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate the first N images only.")
    private Integer limit;

    @Option(names = "--batch-size", defaultValue = "256", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = "--threads", description = "Threads of the kernels (default: all cores).")
    private Integer threads;

    EvalCommand(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public Integer call() throws IOException {
        modelArgs.validate(spec);
        Checks.atLeast(spec, "--limit", limit, 1);
        Checks.atLeast(spec, "--batch-size", batchSize, 1);
        Checks.threads(spec, threads);
        RestoredModel restored = RestoredModel.load(catalog, modelArgs, checkpoint, dataset);
        DatasetKind kind = dataset != null ? dataset : restored.config().map(RunConfig::dataset)
                .orElseThrow(() -> new CliException(checkpoint + " does not say which dataset it was trained on; pass --dataset"));
        Path dir = data != null ? data : restored.config().filter(c -> c.dataset() == kind).map(RunConfig::dataDir).orElse(null);
        Dataset set = Subset.first(kind.load(dir, split, restored.preprocessing().colorMode()), limit);
        CliModel model = restored.model();
        if (set.numClasses() != model.numClasses()) {
            throw new CliException(kind + " has " + set.numClasses() + " classes but " + model.name() + " has " + model.numClasses() + " outputs");
        }
        ConfusionMatrix cm = new ConfusionMatrix(model.numClasses());
        double lossSum = 0;
        DataLoader loader = DataLoader.builder(set).setBatchSize(batchSize).optTransform(restored.preprocessing().transform()).build();
        // A CIFAR ResNet runs fused (batch norms folded), as the inference API runs it.
        FusedCifarResNet fused = FusedCifarResNet.tryFuse(model.module()).orElse(null);
        try (NoGrad ignored = NoGrad.enter(); DataLoader.Epoch batches = loader.epoch(0)) {
            for (Batch b : batches) {
                Tensor logits = fused != null ? fused.forward(b.images()) : model.module().forward(Variable.constant(b.images())).value();
                cm.add(logits, b.labels());
                lossSum += CrossEntropy.crossEntropy(Variable.constant(logits), b.labels()).value().get(0) * (double) b.size();
            }
        }
        print(spec.commandLine().getOut(), model, kind, cm, lossSum / cm.total(), set.classNames());
        return 0;
    }

    private void print(PrintWriter out, CliModel model, DatasetKind kind, ConfusionMatrix cm, double loss, List<String> names) {
        out.printf(Locale.ROOT, "model\t%s%n", model.name());
        out.printf(Locale.ROOT, "checkpoint\t%s%n", checkpoint);
        out.printf(Locale.ROOT, "dataset\t%s %s%n", kind, split.name().toLowerCase(Locale.ROOT));
        out.printf(Locale.ROOT, "images\t%d%n", cm.total());
        out.printf(Locale.ROOT, "loss\t%.6f%n", loss);
        out.printf(Locale.ROOT, "top1\t%.6f%n", cm.top1());
        out.printf(Locale.ROOT, "top5\t%.6f%n", cm.top5());
        double[] perClass = cm.perClassAccuracy();
        for (int t = 0; t < cm.classes(); t++) {
            long row = 0;
            for (int p = 0; p < cm.classes(); p++) row += cm.count(t, p);
            out.printf(Locale.ROOT, "class\t%d\t%s\t%s\t%d%n", t, names.get(t), Double.isNaN(perClass[t]) ? "-" : String.format(Locale.ROOT, "%.6f",
                    perClass[t]), row);
        }
        out.println("confusion (rows: true class, columns: predicted class)");
        StringBuilder header = new StringBuilder("true\\predicted");
        for (int p = 0; p < cm.classes(); p++) header.append('\t').append(p);
        out.println(header);
        for (int t = 0; t < cm.classes(); t++) {
            StringBuilder row = new StringBuilder(Integer.toString(t));
            for (int p = 0; p < cm.classes(); p++) row.append('\t').append(cm.count(t, p));
            out.println(row);
        }
        out.flush();
    }
}
