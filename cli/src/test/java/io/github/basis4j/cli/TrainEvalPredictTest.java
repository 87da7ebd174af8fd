package io.github.basis4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.data.ByteImageDataset;
import io.github.basis4j.nn.data.FashionMnist;
import io.github.basis4j.nn.data.Split;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One epoch of TinyNet on the first 256 Fashion-MNIST training images (evaluated on the first 128 test
 * images), then eval, predict and resume on what it wrote. The images come from Debian's
 * dataset-fashion-mnist, copied once into a small directory the commands read with {@code --data}.
 */
class TrainEvalPredictTest {
    private static final int TRAIN = 256;
    private static final int TEST = 128;

    @TempDir
    static Path dir;
    private static Path run;
    /** A Fashion-MNIST directory holding only the first 512 training and 256 test images, so each run loads fast. */
    private static Path data;
    private static ByteImageDataset test;
    private static Cli.Result trained;

    private static String[] trainArgs(Path output, int epochs, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--model", "TinyNet", "--dataset", "fashion-mnist", "--data", data.toString(),
                "--epochs", Integer.toString(epochs),
                "--batch-size", "64", "--lr", "0.05", "--train-limit", Integer.toString(TRAIN), "--eval-limit", Integer.toString(TEST),
                "--progress", "none", "--threads", "1", "--seed", "3", "--output", output.toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @BeforeAll
    static void trainOneEpoch() throws IOException {
        Path system = FashionMnist.locate(null, FashionMnist.Install.NEVER);
        test = FashionMnist.load(system, Split.TEST);
        data = dir.resolve("fashion-mnist");
        Files.createDirectories(data);
        writeIdx(FashionMnist.load(system, Split.TRAIN), 2 * TRAIN, data.resolve("train-images-idx3-ubyte"), data.resolve("train-labels-idx1-ubyte"));
        writeIdx(test, 2 * TEST, data.resolve("t10k-images-idx3-ubyte"), data.resolve("t10k-labels-idx1-ubyte"));
        run = dir.resolve("run");
        trained = Cli.run(trainArgs(run, 1));
    }

    @Test
    void aDivergingRunEndsWithOneLineNamingTheStep() {
        Path out = dir.resolve("diverged");
        String[] args = trainArgs(out, 1, "--schedule", "constant");
        args[List.of(args).indexOf("--lr") + 1] = "1e30";
        Cli.Result r = Cli.run(args);
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(r.errLines()).singleElement().asString().startsWith("basis4j train: Trainer: ").containsPattern(" at epoch 0, step \\d+ ")
                .containsPattern("is (-?Infinity|NaN)");
    }

    @Test
    void trainWritesCheckpointsLogsAndPlots() throws IOException {
        assertThat(trained.exit()).as(trained.toString()).isZero();
        assertThat(trained.err()).isEmpty();
        assertThat(trained.out()).contains("training TinyNet (2014 parameters) on fashion-mnist: 256 training images, 128 test images, threads 1");
        for (String f : List.of("last.safetensors", "best.safetensors", "metrics.csv", "epochs.csv")) assertThat(run.resolve(f)).isRegularFile();
        List<String> steps = Files.readAllLines(run.resolve("metrics.csv"), StandardCharsets.UTF_8);
        assertThat(steps.get(0).split(",")).contains("penalty.orthogonality", "grad_norm", "grad_norm.stage1", "lr");
        assertThat(steps).hasSize(1 + TRAIN / 64);
        for (String png : Plots.FILES) {
            BufferedImage img = ImageIO.read(run.resolve(png).toFile());
            assertThat(img).as(png).isNotNull();
            assertThat(img.getWidth()).isEqualTo(900);
            assertThat(img.getHeight()).isEqualTo(540);
        }
    }

    @Test
    void evalReproducesTheTrainersEvaluation() throws IOException {
        Cli.Result r = Cli.run("eval", "--checkpoint", run.resolve("last.safetensors").toString(), "--limit", Integer.toString(TEST),
                "--batch-size", "64");
        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, String> kv = new LinkedHashMap<>();
        List<String[]> classes = new ArrayList<>();
        List<String> lines = r.out().lines().toList();
        for (String l : lines) {
            String[] p = l.split("\t");
            if (p[0].equals("class")) classes.add(p);
            else if (p.length == 2) kv.putIfAbsent(p[0], p[1]);
        }
        assertThat(kv).containsEntry("model", "TinyNet").containsEntry("dataset", "fashion-mnist test").containsEntry("images", "128");
        Map<String, String> epoch = lastRow(run.resolve("epochs.csv"));
        assertThat(Double.parseDouble(kv.get("top1"))).isCloseTo(Double.parseDouble(epoch.get("eval_top1")), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(Double.parseDouble(kv.get("loss"))).isCloseTo(Double.parseDouble(epoch.get("eval_loss")), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(classes).hasSize(10);
        assertThat(classes.get(9)[2]).isEqualTo("Ankle boot");
        // The confusion matrix: header, then 10 rows whose counts add up to the images and to each class's count.
        int start = lines.indexOf("confusion (rows: true class, columns: predicted class)");
        long total = 0, diagonal = 0;
        for (int t = 0; t < 10; t++) {
            String[] cells = lines.get(start + 2 + t).split("\t");
            assertThat(cells).hasSize(11);
            long row = 0;
            for (int p = 1; p <= 10; p++) row += Long.parseLong(cells[p]);
            assertThat(row).isEqualTo(Long.parseLong(classes.get(t)[4]));
            total += row;
            diagonal += Long.parseLong(cells[t + 1]);
        }
        assertThat(total).isEqualTo(TEST);
        assertThat((double) diagonal / TEST).isCloseTo(Double.parseDouble(kv.get("top1")), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void predictGivesTheModelsTopClassesAsProbabilities() throws IOException {
        List<String> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) img.getRaster().setSample(x, y, 0, test.pixel(i, y * 28 + x));
            Path f = dir.resolve("img" + i + ".png");
            ImageIO.write(img, "png", f.toFile());
            files.add(f.toString());
        }
        List<String> args = new ArrayList<>(List.of("predict", "--checkpoint", run.resolve("best.safetensors").toString(), "--top-k", "3"));
        args.addAll(files);
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(3 * 4);

        // The same model, rebuilt from the checkpoint, on the dataset's own pixels through the training preprocessing.
        RestoredModel m = RestoredModel.load(new TinyCatalog(), new ModelArgs(), run.resolve("best.safetensors"), null);
        Tensor batch = Tensor.zeros(3, 28, 28, 1);
        for (int i = 0; i < 3; i++) {
            float[] px = m.preprocessing().transform().apply(test.image(i), Rng.of(0)).data();
            System.arraycopy(px, 0, batch.data(), i * 784, 784);
        }
        Tensor logits;
        try (NoGrad ignored = NoGrad.enter()) {
            logits = m.model().module().forward(Variable.constant(batch)).value();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(lines.get(4 * i)).isEqualTo(files.get(i));
            double[] p = softmax(logits, i, 10);
            double previous = 1;
            for (int k = 0; k < 3; k++) {
                String[] cells = lines.get(4 * i + 1 + k).split("\t");
                assertThat(cells[1]).isEqualTo(Integer.toString(k + 1));
                double prob = Double.parseDouble(cells[2]);
                assertThat(prob).isBetween(0.0, previous);
                previous = prob;
                int label = FashionMnist.CLASS_NAMES.indexOf(cells[3]);
                assertThat(label).isNotNegative();
                assertThat(prob).isCloseTo(p[label], org.assertj.core.data.Offset.offset(1e-6));
            }
            int argmax = 0;
            for (int c = 1; c < 10; c++) if (p[c] > p[argmax]) argmax = c;
            assertThat(lines.get(4 * i + 1)).endsWith("\t" + FashionMnist.CLASS_NAMES.get(argmax));
        }
    }

    @Test
    void aSecondRunIntoTheSameDirectoryIsRefused() {
        Cli.Result again = Cli.run(trainArgs(run, 2));
        assertThat(again.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(again.errLines()).singleElement().asString().contains("already holds a run", "--resume");
    }

    /** One epoch, then --resume to two, takes the same steps as two epochs in one go (an epoch-based schedule). */
    @Test
    void resumeContinuesTheRunExactly() throws IOException {
        String[] schedule = {"--schedule", "step", "--step-size", "1", "--gamma", "0.5"};
        Path straight = dir.resolve("straight"), resumed = dir.resolve("resumed");
        assertThat(Cli.run(trainArgs(straight, 2, schedule)).exit()).isZero();
        assertThat(Cli.run(trainArgs(resumed, 1, schedule)).exit()).isZero();
        Cli.Result r = Cli.run(trainArgs(resumed, 2, concat(schedule, "--resume")));
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readAllLines(resumed.resolve("epochs.csv"))).hasSize(3);
        assertThat(Files.readAllLines(resumed.resolve("metrics.csv"))).hasSize(1 + 2 * TRAIN / 64);
        Map<String, Tensor> a = Safetensors.read(straight.resolve("last.safetensors")).tensors();
        Map<String, Tensor> b = Safetensors.read(resumed.resolve("last.safetensors")).tensors();
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String k : a.keySet()) assertThat(b.get(k).toArray()).as(k).containsExactly(a.get(k).toArray());

        Cli.Result other = Cli.run("train", "--model", "TinyPlain", "--dataset", "fashion-mnist", "--epochs", "3", "--progress", "none",
                "--data", data.toString(), "--train-limit", "64", "--output", resumed.toString(), "--resume");
        assertThat(other.exit()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(other.errLines()).singleElement().asString().contains("is a run of TinyNet");
    }

    private static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    /** The first {@code n} samples of {@code set} as raw IDX files (big-endian magic and sizes, then the bytes). */
    private static void writeIdx(ByteImageDataset set, int n, Path images, Path labels) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(images)))) {
            out.writeInt(0x00000803);
            out.writeInt(n);
            out.writeInt(set.height());
            out.writeInt(set.width());
            for (int i = 0; i < n; i++) for (int k = 0; k < set.height() * set.width(); k++) out.writeByte(set.pixel(i, k));
        }
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(labels)))) {
            out.writeInt(0x00000801);
            out.writeInt(n);
            for (int i = 0; i < n; i++) out.writeByte(set.label(i));
        }
    }

    private static Map<String, String> lastRow(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        String[] header = lines.get(0).split(",", -1), row = lines.get(lines.size() - 1).split(",", -1);
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < header.length; i++) m.put(header[i], row[i]);
        return m;
    }

    /** Softmax of row {@code row} of {@code logits} [N, classes], in double, shifted by the row maximum. */
    private static double[] softmax(Tensor logits, int row, int classes) {
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
