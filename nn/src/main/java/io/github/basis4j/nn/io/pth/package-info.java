/**
 * Reads PyTorch checkpoints ({@code torch.save} files, {@code .pth} / {@code .pt}) without executing pickle code:
 * {@link io.github.basis4j.nn.io.pth.PthFile} is the entry point, {@link io.github.basis4j.nn.io.pth.PthException}
 * the one exception it throws for bad content.
 */
package io.github.basis4j.nn.io.pth;
