package io.github.basis4j.nn.init;

/**
 * Which fan Kaiming initialisation preserves (PyTorch's {@code mode='fan_in'} or {@code 'fan_out'}):
 * fan in keeps the variance of activations in the forward pass, fan out that of gradients in the backward.
 */
public enum FanMode {
    FAN_IN,
    FAN_OUT
}
