package io.github.basis4j.nn.modules;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.io.Safetensors;
import io.github.basis4j.simd.testing.Numerics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every layer against PyTorch 1.13 ({@code tools/fixtures/nn_layers.py}): the module loads the stored
 * weights through {@link Module#loadStateDict}, runs forward on the stored input (NHWC), then
 * back-propagates the stored r (the gradient of {@code Σ r·y}); output, input gradient, parameter gradients
 * and, for batch norm, the buffers after the step are compared.
 */
class LayersGoldenTest {
    private static final Path FILE = Path.of("src/test/resources/fixtures/nn_layers.safetensors");
    /** Forward: float against float, a few ulps relative; the floor covers outputs that are near-zero sums. */
    private static final double FORWARD_RTOL = 1e-5, FORWARD_ATOL = 1e-5;
    /** Gradients sum many products in an order that differs from PyTorch's: ten times the relative tolerance. */
    private static final double GRAD_RTOL = 1e-4, GRAD_ATOL = 2e-5;

    private static Safetensors.File file;

    private static synchronized Safetensors.File file() {
        if (file == null) {
            assertThat(FILE).as("fixture missing: run /usr/bin/python3 tools/fixtures/nn_layers.py").exists();
            try {
                file = Safetensors.read(FILE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return file;
    }

    private static Tensor tensor(String name) {
        assertThat(file().contains(name)).as("fixture entry " + name + " (regenerate with tools/fixtures/nn_layers.py)").isTrue();
        return file().tensor(name);
    }

    /** The entries under {@code prefix}, with the prefix removed, in file order. */
    private static Map<String, Tensor> under(String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String k : file().entries().keySet()) {
            if (k.startsWith(prefix)) out.put(k.substring(prefix.length()), file().tensor(k));
        }
        return out;
    }

    private static void assertTensor(String what, Tensor expected, Tensor actual, double rtol, double atol) {
        assertThat(actual).as(what).isNotNull();
        assertThat(actual.shape()).as(what + " shape").isEqualTo(expected.shape());
        Numerics.assertClose(what, expected.toArray(), actual.toArray(), rtol, atol);
    }

    /** Loads the case's weights, runs it and compares everything the fixture holds for it. */
    private static void check(String name, Module m, UnaryOperator<Variable> forward) {
        Map<String, Tensor> state = under(name + ".state.");
        m.loadStateDict(state, true);
        Parameter x = new Parameter(tensor(name + ".x"));
        Variable y = forward.apply(x);
        assertTensor(name + " forward", tensor(name + ".y"), y.value(), FORWARD_RTOL, FORWARD_ATOL);
        y.backward(tensor(name + ".r"));
        assertTensor(name + " dx", tensor(name + ".dx"), x.grad(), GRAD_RTOL, GRAD_ATOL);
        Map<String, Tensor> grads = under(name + ".grad.");
        assertThat(m.namedParameters().keySet()).as(name + " parameters").containsExactlyElementsOf(grads.keySet());
        for (Map.Entry<String, Parameter> p : m.namedParameters().entrySet()) {
            assertTensor(name + " grad " + p.getKey(), grads.get(p.getKey()), p.getValue().grad(), GRAD_RTOL, GRAD_ATOL);
        }
        Map<String, Tensor> after = under(name + ".after.");
        Map<String, Tensor> now = m.stateDict();
        for (Map.Entry<String, Tensor> e : after.entrySet()) {
            assertTensor(name + " " + e.getKey() + " after the step", e.getValue(), reshapeLike(now.get(e.getKey()), e.getValue()),
                    FORWARD_RTOL, FORWARD_ATOL);
        }
    }

    private static void check(String name, Module m) {
        check(name, m, m::forward);
    }

    private static Tensor reshapeLike(Tensor t, Tensor like) {
        return t == null ? null : t.reshape(like.shape().dims());
    }

    private static Rng rng() {
        return Rng.of(1);
    }

    @Test
    void convolutionsMatchPyTorch() {
        check("conv2d", Conv2d.builder().setInChannels(4).setOutChannels(6).setKernelSize(3).optStride(2).optPadding(2)
                .optDilation(2).optGroups(2).setRng(rng()).build());
        check("conv2d_nobias", new Conv2d(3, 5, 3, 1, 1, false, rng()));
        check("conv2d_depthwise", Conv2d.builder().setInChannels(6).setOutChannels(6).setKernelSize(3).optPadding(1).optGroups(6)
                .setRng(rng()).build());
    }

    @Test
    void linearMatchesPyTorch() {
        check("linear", new Linear(5, 3, true, rng()));
        check("linear_nobias", new Linear(4, 6, false, rng()));
    }

    @Test
    void batchNormMatchesPyTorchInEveryMode() {
        check("batchnorm2d_train", new BatchNorm2d(4));
        check("batchnorm2d_cumulative", BatchNorm2d.builder().setNumFeatures(4).optCumulativeAverage().build());
        BatchNorm2d eval = new BatchNorm2d(4);
        eval.eval();
        check("batchnorm2d_eval", eval);
        assertThat(eval.numBatchesTracked()).as("eval does not count batches").isEqualTo(3);
    }

    @Test
    void layerNormMatchesPyTorch() {
        check("layernorm", new LayerNormChannels(5));
        check("layernorm_nobias", new LayerNormChannels(5, 1e-6, false));
    }

    @Test
    void activationsMatchPyTorch() {
        check("relu", new ReLU());
        check("gelu", new GELU());
        check("starrelu", new StarReLU());
        check("squaredrelu", new SquaredReLU());
        check("sigmoid", new Identity(), Activation::sigmoid);
        check("tanh", new Identity(), Activation::tanh);
    }

    @Test
    void poolingAndShapeLayersMatchPyTorch() {
        check("maxpool2d", new MaxPool2d(3, 2, 1));
        check("avgpool2d", new AvgPool2d(3, 2, 1, true));
        check("avgpool2d_exclude_pad", new AvgPool2d(3, 2, 1, false));
        check("adaptiveavgpool2d", new AdaptiveAvgPool2d(2, 3));
        check("flatten", new Flatten());
        check("identity", new Identity());
        check("scale", new Scale(5));
    }

    @Test
    void sequentialMatchesPyTorchWithItsChildrensKeys() {
        Sequential seq = new Sequential(new Conv2d(3, 4, 3, 1, 1, false, rng()), new BatchNorm2d(4), new ReLU());
        assertThat(seq.stateDict().keySet()).containsExactly("0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked");
        check("sequential", seq);
    }
}
