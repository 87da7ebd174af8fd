package io.github.basis4j.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.models.ModelOptions;
import io.github.basis4j.models.Models;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.io.Safetensors;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's embedding example is this test's program: the first {@code java} block of the section
 * "Embedding basis4j in an application" is compiled as {@code Classify.java} and run on a ResNet-32 with
 * seeded weights, and what it prints must be the predictor's own top 3.
 */
class ReadmeExampleTest {
    private static final Path README = Path.of("..", "README.md");
    private static final String SECTION = "## Embedding basis4j in an application";
    /** The brief's bound on the example's length. */
    private static final int MAX_LINES = 30;

    @TempDir
    Path dir;

    @Test
    void theReadmeExampleCompilesRunsAndPrintsTheTopThree() throws Exception {
        String code = example(Files.readString(README));
        assertThat(code.lines().count()).as("README example lines").isLessThanOrEqualTo(MAX_LINES);

        Path src = dir.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("Classify.java"), code);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-d", classes.toString(), "-cp", testClassPath(),
                src.resolve("Classify.java").toString());
        assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        Module net = Models.create("ResNet32", ModelOptions.builder().optSeed(3).build());
        Path weights = dir.resolve("resnet32.safetensors");
        Safetensors.write(weights, net.stateDict(), Map.of());
        Path image = dir.resolve("cat.png");
        ImageIO.write(PredictorTest.randomImage(48, 40, 21), "png", image.toFile());

        String printed;
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = loader.loadClass("Classify").getMethod("main", String[].class);
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[] {weights.toString(), image.toString()});
        } finally {
            System.setOut(original);
        }
        printed = captured.toString(StandardCharsets.UTF_8);

        List<Classification> expected;
        try (Model model = Model.load("ResNet32", weights)) {
            expected = model.predictor().classify(ImageIO.read(image.toFile()), 3);
        }
        StringBuilder want = new StringBuilder();
        for (Classification c : expected) want.append(String.format(Locale.getDefault(), "%-10s %5.1f%%%n", c.label(), 100 * c.probability()));
        assertThat(printed).isEqualTo(want.toString());
    }

    /** The first java block after the section heading. */
    static String example(String readme) {
        int section = readme.indexOf(SECTION);
        assertThat(section).as("README section '%s'", SECTION).isNotNegative();
        int start = readme.indexOf("```java\n", section);
        assertThat(start).as("a java block in the section").isNotNegative();
        start += "```java\n".length();
        int end = readme.indexOf("```", start);
        return readme.substring(start, end);
    }

    /** Surefire's test class path (its own property: java.class.path may be a manifest-only jar). */
    private static String testClassPath() throws IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        assertThat(cp).isNotBlank();
        for (String entry : cp.split(File.pathSeparator)) if (entry.contains("basis4j-inference") || entry.endsWith("classes")) return cp;
        throw new IOException("the test class path does not hold the inference classes: " + cp);
    }
}
