package io.github.basis4j.nn.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {
    static final class Conv extends Module {
        final Parameter weight;

        Conv(int oc, int ic) {
            weight = registerParameter("weight", Shape.of(oc, ic, 3, 3));
        }
    }

    static final class Bn extends Module {
        Bn(int c) {
            registerParameter("weight", Shape.of(c));
            registerParameter("bias", Shape.of(c));
            registerBuffer("running_mean", Tensor.zeros(c));
            registerBuffer("running_var", Tensor.zeros(c));
            registerBuffer("num_batches_tracked", Tensor.zeros());
            registerBuffer("scratch", Tensor.zeros(c), false);
        }
    }

    /** A block that holds the stage's shared basis as an attribute, as the DSFB reference does. */
    static final class Block extends Module {
        Block(Conv shared) {
            registerModule("basis", shared);
            registerModule("coeff", new Conv(4, 2));
            registerModule("bn", new Bn(4));
        }
    }

    static final class Net extends Module {
        final Conv shared;

        Net() {
            shared = registerModule("shared_basis_1", new Conv(2, 4));
            Seq layer1 = registerModule("layer1", new Seq());
            layer1.add(new Block(shared));
            layer1.add(new Block(shared));
        }
    }

    static final class Seq extends Module {
        private int n;

        void add(Module m) {
            registerModule(Integer.toString(n++), m);
        }
    }

    @Test
    void stateDictListsEveryAliasInPyTorchOrder() {
        Net net = new Net();
        assertThat(net.stateDict().keySet()).containsExactly(
                "shared_basis_1.weight",
                "layer1.0.basis.weight", "layer1.0.coeff.weight",
                "layer1.0.bn.weight", "layer1.0.bn.bias", "layer1.0.bn.running_mean", "layer1.0.bn.running_var",
                "layer1.0.bn.num_batches_tracked",
                "layer1.1.basis.weight", "layer1.1.coeff.weight",
                "layer1.1.bn.weight", "layer1.1.bn.bias", "layer1.1.bn.running_mean", "layer1.1.bn.running_var",
                "layer1.1.bn.num_batches_tracked");
        assertThat(net.stateDict().get("layer1.1.basis.weight")).isSameAs(net.shared.weight.value());
    }

    @Test
    void namedParametersListSharedOnesOnceAtTheirFirstPath() {
        Net net = new Net();
        assertThat(net.namedParameters().keySet()).containsExactly(
                "shared_basis_1.weight",
                "layer1.0.coeff.weight", "layer1.0.bn.weight", "layer1.0.bn.bias",
                "layer1.1.coeff.weight", "layer1.1.bn.weight", "layer1.1.bn.bias");
        assertThat(net.parameterCount()).isEqualTo(2 * 4 * 9 + 2 * (4 * 2 * 9 + 4 + 4));
    }

    @Test
    void strictLoadReportsEveryProblemAtOnce() {
        Net net = new Net();
        Map<String, Tensor> state = new LinkedHashMap<>(new Net().stateDict());
        state.remove("layer1.0.bn.running_var");
        state.put("layer1.0.coeff.weight", Tensor.zeros(4, 2, 1, 1));
        state.put("fc.weight", Tensor.zeros(10, 4));
        assertThatThrownBy(() -> net.loadStateDict(state, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing keys: [layer1.0.bn.running_var]")
                .hasMessageContaining("unexpected keys: [fc.weight]")
                .hasMessageContaining("layer1.0.coeff.weight: expected [4, 2, 3, 3], got [4, 2, 1, 1]");
    }

    @Test
    void loadCopiesValuesAndAcceptsSharedTensorsUnderEveryKey() {
        Net src = new Net();
        for (Tensor t : src.stateDict().values()) {
            for (int i = 0; i < t.size(); i++) t.set(i, i * 0.5f + 1);
        }
        Net dst = new Net();
        dst.loadStateDict(src.stateDict(), true);
        assertThat(dst.shared.weight.value().toArray()).containsExactly(src.shared.weight.value().toArray());
        assertThat(dst.stateDict().get("layer1.1.bn.running_mean").toArray())
                .containsExactly(src.stateDict().get("layer1.1.bn.running_mean").toArray());
        // non-strict: a partial dict loads what it has
        Net partial = new Net();
        partial.loadStateDict(Map.of("shared_basis_1.weight", src.shared.weight.value()), false);
        assertThat(partial.shared.weight.value().toArray()).containsExactly(src.shared.weight.value().toArray());
    }

    @Test
    void trainAndEvalReachEveryModule() {
        Net net = new Net();
        net.eval();
        assertThat(net.namedModules().values()).allMatch(m -> !m.isTraining());
        net.train();
        assertThat(net.namedModules().values()).allMatch(Module::isTraining);
    }

    @Test
    void badRegistrationsAreRejected() {
        assertThatThrownBy(() -> new Module() {
            {
                registerParameter("a.b", Shape.of(1));
            }
        }).hasMessageContaining("'a.b'");
        assertThatThrownBy(() -> new Module() {
            {
                registerParameter("w", Shape.of(1));
                registerBuffer("w", Tensor.zeros(1));
            }
        }).hasMessageContaining("'w' is already registered");
        assertThatThrownBy(() -> new Seq().forward(null)).hasMessageContaining("Seq has no single-input forward");
    }
}
