package io.github.basis4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.basis4j.inference.InputSize;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Conv;
import io.github.basis4j.nn.functional.Dense;
import io.github.basis4j.nn.functional.Shapes;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Conv2dParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class InfoCommandTest {
    @Test
    void printsCountsAndKeysInStateDictOrder() {
        Cli.Result r = Cli.run("info", "--model", "tinynet", "--keys");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> lines = r.out().lines().toList();
        // conv 4·1·3·3 + bn 4 + 4 + fc 196·10 + 10
        assertThat(lines.subList(0, 5)).containsExactly("# model\tTinyNet", "# distinct_parameters\t2014", "# state_dict_entries\t8",
                "# input\t28x28x1", "# multiply_adds\t9016");
        Module reference = new TinyCatalog().create(new ModelRequest("TinyNet", OptionalInt.empty(), OptionalInt.empty(), 0)).module();
        List<String> expected = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : reference.stateDict().entrySet()) expected.add(e.getKey() + "\t" + e.getValue().shape().toCompactString());
        assertThat(lines.subList(5, lines.size())).isEqualTo(expected);
        assertThat(expected.get(0)).isEqualTo("conv1.weight\t4x1x3x3");
        assertThat(expected).contains("fc.weight\t10x196", "bn1.num_batches_tracked\t");
    }

    @Test
    void withoutKeysPrintsOnlyTheSummaryAndFollowsTheOptions() {
        Cli.Result r = Cli.run("info", "--model", "TinyPlain", "--in-channels", "3", "--num-classes", "5");
        assertThat(r.exit()).as(r.toString()).isZero();
        // conv 4·3·3·3 + bn 8 + fc 196·5 + 5; MACs 784·27 + 196·5
        assertThat(r.out().lines().toList()).containsExactly("# model\tTinyPlain", "# distinct_parameters\t1101", "# state_dict_entries\t8",
                "# input\t28x28x3", "# multiply_adds\t22148");
    }

    /** conv2d with groups, linear on a feature map and matmul, each counted from its shapes. */
    @Test
    void macCounterCountsGroupedConvolutionsLinearsAndMatmuls() {
        Module m = new Module() {
            final Parameter depthwise = registerParameter("dw", new Parameter(Tensor.uniform(Shape.of(6, 1, 3, 3), -1, 1, 1)));
            final Parameter pointwise = registerParameter("pw", new Parameter(Tensor.uniform(Shape.of(4, 6), -1, 1, 2)));
            final Parameter proj = registerParameter("proj", new Parameter(Tensor.uniform(Shape.of(4 * 5 * 5, 3), -1, 1, 3)));

            @Override
            public Variable forward(Variable x) {
                Variable h = Conv.conv2d(x, depthwise, null, Conv2dParams.of(2, 1, 1, 6));
                h = Dense.linear(h, pointwise, null);
                return Dense.matmul(Shapes.flatten(h), proj);
            }
        };
        // depthwise 5·5·6 outputs · 9; linear 5·5·6 inputs · 4 outputs; matmul 1·100·3
        assertThat(MacCounter.count(m, new InputSize(9, 9, 6))).isEqualTo(5 * 5 * 6 * 9 + 5 * 5 * 6 * 4 + 100 * 3);
    }
}
