/**
 * Batched real 2-D FFTs over the H and W axes of channel-last tensors, and their adjoints.
 *
 * <p><b>Layouts.</b> Real data is {@code [N, H, W, C]}. A half spectrum of logical complex shape
 * {@code [N, H, Wc, C]}, {@code Wc = W/2 + 1}, is stored as floats {@code [N, H, Wc, 2, C]}: per
 * frequency bin the {@code C} real parts, then the {@code C} imaginary parts, so
 * {@code Re(X[n,h,w,c])} is at {@code (((n·H + h)·Wc + w)·2)·C + c} and {@code Im} at that
 * {@code + C} (see {@link io.github.basis4j.fft.ComplexLayout}, which also converts to and from
 * PyTorch's {@code view_as_real} layout {@code [N, H, Wc, C, 2]}).
 *
 * <p><b>Entry points.</b> {@link io.github.basis4j.fft.RealFft2d} (rfft2, irfft2 and their
 * gradients, with PyTorch's semantics), {@link io.github.basis4j.fft.RealFft2dPlan} (the cached
 * plans underneath), {@link io.github.basis4j.fft.Norm}.
 *
 * <p><b>Inside.</b> Butterflies are the {@code FftKernels} of simd-core's current backend, vectorised
 * across channels; this package holds the algorithm structure (Stockham mixed-radix passes over rows
 * then columns, Bluestein for lengths with prime factors above 7), the plans, and a package-private
 * adapter to JTransforms, the second engine.
 */
package io.github.basis4j.fft;
