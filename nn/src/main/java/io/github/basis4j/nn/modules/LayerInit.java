package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.init.FanMode;
import io.github.basis4j.nn.init.Fans;
import io.github.basis4j.nn.init.Init;
import io.github.basis4j.nn.init.Nonlinearity;
import io.github.basis4j.nn.init.Rng;

/**
 * PyTorch's default initialisation of {@code nn.Linear} and {@code nn.Conv2d} ({@code reset_parameters}):
 * the weight from {@code kaiming_uniform_(w, a=√5)}, which is U(−1/√fan_in, 1/√fan_in), then the bias from
 * U(−1/√fan_in, 1/√fan_in). The weight is drawn before the bias, as in PyTorch.
 */
final class LayerInit {
    /** The leaky-ReLU slope PyTorch passes to its default Kaiming initialisation; it makes the bound 1/√fan_in. */
    static final double DEFAULT_KAIMING_A = Math.sqrt(5.0);

    private LayerInit() {
    }

    static void pytorchDefault(Parameter weight, Parameter bias, Rng rng) {
        Init.kaimingUniform(weight.value(), DEFAULT_KAIMING_A, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, rng);
        if (bias != null) {
            long fanIn = Fans.of(weight.shape()).fanIn();
            double bound = fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0.0;
            Init.uniform(bias.value(), -bound, bound, rng);
        }
    }
}
