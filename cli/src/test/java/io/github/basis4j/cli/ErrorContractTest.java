package io.github.basis4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every wrong argument ends with exactly one line on standard error, naming the command and the problem,
 * a non-zero exit status (2 for a command line that does not parse, 1 for a failure while running) and no
 * stack trace. Nothing is printed on standard output.
 */
class ErrorContractTest {
    @TempDir
    static Path dir;
    private static Path weights;
    private static Path input;
    private static Path garbage;
    private static Path image;

    @BeforeAll
    static void files() throws IOException {
        weights = dir.resolve("w.safetensors");
        Safetensors.write(weights, new TinyCatalog().create(new ModelRequest("TinyNet", OptionalInt.empty(), OptionalInt.empty(), 0)).module()
                .stateDict(), Map.of());
        input = dir.resolve("in.safetensors");
        Safetensors.write(input, Map.of("input", Tensor.zeros(1, 1, 28, 28)), Map.of());
        garbage = dir.resolve("garbage.safetensors");
        Files.write(garbage, new byte[] {(byte) 0xff, 0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        image = dir.resolve("not-an-image.png");
        Files.writeString(image, "plain text");
    }

    static Stream<Arguments> cases() {
        String out = dir.resolve("out.safetensors").toString(), missing = dir.resolve("missing.safetensors").toString();
        return Stream.of(
                // usage errors: picocli or our option checks reject the command line
                Arguments.of(2, "a command is required", List.of()),
                Arguments.of(2, "Unknown option", List.of("info", "--model", "TinyNet", "--colour")),
                Arguments.of(2, "Unmatched argument", List.of("fly")),
                Arguments.of(2, "--epochs", List.of("train", "--model", "TinyNet", "--dataset", "fashion-mnist", "--output", out, "--epochs", "abc")),
                Arguments.of(2, "--lr", List.of("train", "--model", "TinyNet", "--dataset", "fashion-mnist", "--output", out, "--lr", "fast")),
                Arguments.of(2, "--batch-size must be >= 1, got 0",
                        List.of("train", "--model", "TinyNet", "--dataset", "fashion-mnist", "--output", out, "--batch-size", "0")),
                Arguments.of(2, "--lambda must be a finite number >= 0",
                        List.of("train", "--model", "TinyNet", "--dataset", "fashion-mnist", "--output", out, "--lambda", "-1")),
                Arguments.of(2, "unknown dataset 'mnist'", List.of("train", "--model", "TinyNet", "--dataset", "mnist", "--output", out)),
                Arguments.of(2, "--model", List.of("bench")),
                Arguments.of(2, "--threads must be >= 1", List.of("bench", "--model", "TinyNet", "--threads", "0")),
                Arguments.of(2, "--schedule multistep needs --milestones",
                        List.of("train", "--model", "TinyNet", "--dataset", "fashion-mnist", "--output", out, "--schedule", "multistep")),
                // failures while running
                Arguments.of(1, "unknown model 'ResNet9000'", List.of("info", "--model", "ResNet9000")),
                Arguments.of(1, "unknown model 'Nope'", List.of("bench", "--model", "Nope")),
                Arguments.of(1, "weights " + missing + " does not exist",
                        List.of("forward", "--model", "TinyNet", "--weights", missing, "--input", input.toString(), "--output", out)),
                Arguments.of(1, "input " + missing + " does not exist",
                        List.of("forward", "--model", "TinyNet", "--weights", weights.toString(), "--input", missing, "--output", out)),
                Arguments.of(1, "garbage.safetensors",
                        List.of("forward", "--model", "TinyNet", "--weights", garbage.toString(), "--input", input.toString(), "--output", out)),
                Arguments.of(1, "checkpoint " + missing + " does not exist", List.of("eval", "--checkpoint", missing)),
                Arguments.of(1, "plain weights without a run configuration; pass --model", List.of("eval", "--checkpoint", weights.toString())),
                Arguments.of(1, "does not say which dataset", List.of("eval", "--checkpoint", weights.toString(), "--model", "TinyNet")),
                Arguments.of(1, "image " + dir.resolve("cat.png") + " does not exist",
                        List.of("predict", "--checkpoint", weights.toString(), "--model", "TinyNet", dir.resolve("cat.png").toString())),
                Arguments.of(1, "not-an-image.png", List.of("predict", "--checkpoint", weights.toString(), "--model", "TinyNet", image.toString())),
                Arguments.of(1, "needs --data DIR", List.of("train", "--model", "TinyNet", "--dataset", "cifar10", "--output", out)),
                Arguments.of(1, "data directory " + dir.resolve("nowhere") + " does not exist",
                        List.of("train", "--model", "TinyNet", "--dataset", "cifar100", "--data", dir.resolve("nowhere").toString(), "--output", out)),
                Arguments.of(1, "TinyPlain has no shared filter bases",
                        List.of("train", "--model", "TinyPlain", "--dataset", "fashion-mnist", "--train-limit", "64", "--lambda", "1", "--output",
                                dir.resolve("plain").toString())));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void endsWithOneLineAndNonZeroStatus(int status, String fragment, List<String> args) {
        Cli.Result r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.toString()).isEqualTo(status);
        assertThat(r.errLines()).as(r.toString()).singleElement().asString().startsWith("basis4j").contains(fragment)
                .doesNotContain("\tat ", "Exception:", "internal error");
        assertThat(r.out()).isEmpty();
    }
}
