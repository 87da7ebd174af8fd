package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Conv;
import io.github.basis4j.nn.functional.Pool;
import io.github.basis4j.nn.functional.Shapes;
import io.github.basis4j.nn.init.FanMode;
import io.github.basis4j.nn.init.Init;
import io.github.basis4j.nn.init.Nonlinearity;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.ops.Conv2dParams;

/**
 * Efficient channel attention (Wang et al., ECA-Net, CVPR 2020), the DSFB reference's {@code eca_layer}:
 * average-pool each channel, convolve the channel descriptor with a 1-D kernel of {@code kSize} taps (zero
 * padding {@code (kSize−1)/2}, no bias), squash with a sigmoid, and scale every channel of the input by it.
 *
 * <p>Shapes: x {@code [n, h, w, channels]} → the same shape. State: {@code conv.weight [1, 1, kSize]}, the
 * reference's {@code nn.Conv1d(1, 1, k_size)}, initialised as PyTorch's default, U(−1/√kSize, 1/√kSize).
 */
public final class EcaLayer extends Module {
    private final int channels;
    private final int kSize;
    private final Parameter weight;

    /** An attention layer over {@code channels} channels with a {@code kSize}-tap (odd, ≥ 1) kernel. */
    public EcaLayer(int channels, int kSize, Rng rng) {
        if (channels < 1 || kSize < 1 || kSize % 2 == 0) {
            throw new IllegalArgumentException("EcaLayer: channels must be >= 1 and kSize odd and >= 1, got " + channels + ", " + kSize);
        }
        this.channels = channels;
        this.kSize = kSize;
        // The reference's conv is a child module named "conv"; a holder module keeps the key conv.weight.
        Module conv = registerModule("conv", new Holder());
        this.weight = ((Holder) conv).register(Shape.of(1, 1, kSize));
        Init.kaimingUniform(weight.value(), Math.sqrt(5.0), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, rng);
    }

    /** The {@code conv} child: only its weight, used by the enclosing layer's forward. */
    private static final class Holder extends Module {
        Parameter register(Shape shape) {
            return registerParameter("weight", shape);
        }
    }

    /** x {@code [n, h, w, channels]} → {@code x · σ(conv1d(mean_hw(x)))} per image and channel. */
    @Override
    public Variable forward(Variable x) {
        if (x == null || x.shape().rank() != 4 || x.shape().dim(3) != channels) {
            throw new IllegalArgumentException("EcaLayer: x must be [n, h, w, " + channels + "], got " + (x == null ? "null" : x.shape()));
        }
        int n = x.shape().dim(0);
        // The channel descriptor as a one-channel 1 × channels image, so the 1-D kernel is a 1 × kSize convolution.
        Variable d = Shapes.reshape(Pool.globalMean(x), n, 1, channels, 1);
        Variable k = Shapes.reshape(weight, 1, 1, 1, kSize);
        Variable a = Conv.conv2d(d, k, null, new Conv2dParams(1, 1, 0, (kSize - 1) / 2, 1, 1, 1));
        return MobileNetOps.gateChannels(x, Activation.sigmoid(Shapes.reshape(a, n, channels)));
    }

    public int kSize() {
        return kSize;
    }
}
