package io.github.basis4j.nn.modules;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Arith;
import io.github.basis4j.nn.functional.Pad;
import io.github.basis4j.nn.functional.Pool;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The layers compose into the DSFB reference's CIFAR ResNet20 ({@code ssregibility/Net_RL2},
 * {@code models/cifar10/resnet.py}) with exactly PyTorch's state dict: keys, order and shapes equal the
 * committed manifest dumped from the reference ({@code tools/fixtures/dsfb_manifests.py}), and the distinct
 * parameter count equals its header line. The tree is built here from this package's modules only; the
 * model itself lives in the models module.
 */
class ResNetStateDictTest {
    private static final Path MANIFEST = Path.of("../models/src/test/resources/manifests/dsfb/cifar10/ResNet20.tsv");

    /** The reference's BasicBlock: conv-bn-relu-conv-bn, plus an option-A shortcut with no parameters. */
    static final class BasicBlock extends Module {
        private final Conv2d conv1;
        private final BatchNorm2d bn1;
        private final Conv2d conv2;
        private final BatchNorm2d bn2;
        private final Module shortcut;

        BasicBlock(int inPlanes, int planes, int stride, Rng rng) {
            conv1 = registerModule("conv1", new Conv2d(inPlanes, planes, 3, stride, 1, false, rng));
            bn1 = registerModule("bn1", new BatchNorm2d(planes));
            conv2 = registerModule("conv2", new Conv2d(planes, planes, 3, 1, 1, false, rng));
            bn2 = registerModule("bn2", new BatchNorm2d(planes));
            // The reference registers an empty Sequential or a LambdaLayer: neither holds state.
            shortcut = registerModule("shortcut", stride != 1 || inPlanes != planes ? new OptionA(planes) : new Sequential());
        }

        @Override
        public Variable forward(Variable x) {
            Variable out = Activation.relu(bn1.forward(conv1.forward(x)));
            out = bn2.forward(conv2.forward(out));
            return Activation.relu(Arith.add(out, shortcut.forward(x)));
        }
    }

    /** The reference's LambdaLayer: subsample by 2 and zero-pad the channels to {@code planes}. */
    static final class OptionA extends Module {
        private final int planes;

        OptionA(int planes) {
            this.planes = planes;
        }

        @Override
        public Variable forward(Variable x) {
            return Pad.optionAShortcut(x, planes);
        }
    }

    static final class ResNet20 extends Module {
        private final Conv2d conv1;
        private final BatchNorm2d bn1;
        private final Sequential layer1;
        private final Sequential layer2;
        private final Sequential layer3;
        private final Linear fc;

        ResNet20(Rng rng) {
            conv1 = registerModule("conv1", new Conv2d(3, 16, 3, 1, 1, false, rng));
            bn1 = registerModule("bn1", new BatchNorm2d(16));
            layer1 = registerModule("layer1", stage(16, 16, 1, rng));
            layer2 = registerModule("layer2", stage(16, 32, 2, rng));
            layer3 = registerModule("layer3", stage(32, 64, 2, rng));
            fc = registerModule("fc", new Linear(64, 10, true, rng));
        }

        private static Sequential stage(int in, int planes, int stride, Rng rng) {
            Sequential s = new Sequential();
            for (int i = 0; i < 3; i++) s.add(new BasicBlock(i == 0 ? in : planes, planes, i == 0 ? stride : 1, rng));
            return s;
        }

        @Override
        public Variable forward(Variable x) {
            Variable out = Activation.relu(bn1.forward(conv1.forward(x)));
            out = layer3.forward(layer2.forward(layer1.forward(out)));
            return fc.forward(Pool.globalMean(out));
        }
    }

    private record Manifest(long distinctParameters, List<String> keys, List<String> shapes) {
    }

    private static Manifest manifest() throws IOException {
        assertThat(MANIFEST).as("manifest missing: run tools/fixtures/dsfb_manifests.py --ref <Net_RL2 checkout>").exists();
        long distinct = -1;
        List<String> keys = new ArrayList<>(), shapes = new ArrayList<>();
        for (String line : Files.readAllLines(MANIFEST)) {
            String[] f = line.split("\t", -1);
            if (line.startsWith("# distinct_parameters")) distinct = Long.parseLong(f[1]);
            if (line.startsWith("#") || line.isBlank()) continue;
            keys.add(f[0]);
            shapes.add(f[1]);
        }
        return new Manifest(distinct, keys, shapes);
    }

    private static String compact(Tensor t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < t.rank(); i++) sb.append(i == 0 ? "" : "x").append(t.dim(i));
        return sb.toString();
    }

    @Test
    void resNet20StateDictEqualsTheReferenceManifest() throws IOException {
        Manifest expected = manifest();
        Map<String, Tensor> state = new ResNet20(Rng.of(3)).stateDict();
        assertThat(new ArrayList<>(state.keySet())).containsExactlyElementsOf(expected.keys());
        List<String> shapes = new ArrayList<>();
        for (Tensor t : state.values()) shapes.add(compact(t));
        assertThat(shapes).containsExactlyElementsOf(expected.shapes());
        assertThat(new ResNet20(Rng.of(3)).parameterCount()).isEqualTo(expected.distinctParameters());
    }

    @Test
    void resNet20TrainsEndToEndThroughTheLayers() {
        ResNet20 net = new ResNet20(Rng.of(4));
        Variable x = Variable.constant(Tensor.uniform(Shape.of(2, 8, 8, 3), -1, 1, 5));
        Variable logits = net.forward(x);
        assertThat(logits.shape().dims()).containsExactly(2, 10);
        logits.backward(Tensor.full(logits.shape(), 1f));
        for (Map.Entry<String, Parameter> p : net.namedParameters().entrySet()) {
            assertThat(p.getValue().grad()).as(p.getKey() + " received a gradient").isNotNull();
        }
        assertThat(net.stateDict().get("layer3.2.bn2.num_batches_tracked").get(0)).isEqualTo(1f);
    }
}
