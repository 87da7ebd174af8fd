package io.github.basis4j.nn.functional;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.NormStats;
import java.util.Arrays;

/**
 * Normalisation ops recorded for autograd, over channel-last tensors {@code [..., c]} (an NHWC map
 * {@code [n, h, w, c]} is {@code m = n·h·w} rows of c channels). Statistics, normalisation and their
 * backwards are simd-core's {@link NormStats} kernels; this class wires them into the graph and saves
 * what each backward needs (batch statistics, per-row mean and 1/σ). Backwards pass a null gradient buffer
 * for an input that needs none (a constant x, an absent or frozen affine parameter), which the kernels skip.
 */
public final class Norm {
    private Norm() {
    }

    /**
     * {@code torch.nn.functional.batch_norm(x, running_mean, running_var, weight, bias, training, momentum, eps)}
     * on a channel-last x {@code [..., c]} ({@code [n, h, w, c]} for {@code BatchNorm2d}, {@code [n, c]} for
     * {@code BatchNorm1d}); weight and bias {@code [c]} or null ({@code affine=False}); the result has x's shape.
     *
     * <p>Training: normalises with the batch mean and biased variance over the m rows (m must exceed 1, as
     * PyTorch demands), updates runningMean and runningVar ({@code [c]}, both or neither) in place with
     * {@code (1 − momentum)·running + momentum·stat} and the unbiased variance, and back-propagates through
     * the batch statistics. Counting {@code num_batches_tracked} is the module's job.
     *
     * <p>Evaluation: normalises with runningMean and runningVar (required); backward treats them as
     * constants. They are copied, so a later update does not change this op's backward.
     */
    public static Variable batchNorm2d(Variable x, Variable weight, Variable bias, Tensor runningMean, Tensor runningVar,
                                       boolean training, double momentum, double eps) {
        try (var _ = OpProfiler.time(OpCategory.NORM)) {
            String op = "batchNorm2d";
            if (x == null) throw new IllegalArgumentException(op + ": x must not be null");
            Tensor xv = x.value();
            int c = channels(op, xv);
            Tensor w = weight == null ? null : weight.value();
            Tensor b = bias == null ? null : bias.value();
            Tensor y = Tensor.zeros(xv.shape());
            if (training) {
                if (xv.size() / c < 2) {
                    throw new IllegalArgumentException(op + ": training needs more than one value per channel (n·h·w > 1), got x " + xv.shape());
                }
                // The facade validates the [c] vectors and that the running statistics come together.
                Tensor mean = Tensor.zeros(c), variance = Tensor.zeros(c);
                NormStats.batchNormTrainForward(xv, w, b, runningMean, runningVar, momentum, eps, y, mean, variance);
                return Graph.record(y, new Node(x, weight, bias) {
                    @Override public String name() { return "batchNorm2d"; }

                    @Override
                    protected void backward(Tensor g) {
                        Tensor dw = needsGrad(1) ? gradOf(1) : null, db = needsGrad(2) ? gradOf(2) : null;
                        // x's first gradient (a convolution's output usually has no other consumer) is written
                        // over g, which this node owns, and handed on: no new zero-filled buffer.
                        if (needsGrad(0) && x.grad() == null) {
                            NormStats.batchNormBackwardInPlace(g, xv, mean, variance, eps, w, dw, db);
                            if (adoptGrad(0, g)) return;
                            throw new IllegalStateException("batchNorm2d: x " + xv.shape() + " could not take the gradient " + g.shape());
                        }
                        NormStats.batchNormBackward(g, xv, mean, variance, eps, w, needsGrad(0) ? gradOf(0) : null, dw, db);
                    }
                });
            }
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException(op + ": evaluation needs runningMean and runningVar, got "
                        + (runningMean == null ? "runningMean" : "runningVar") + " null");
            }
            Tensor mean = runningMean.copy(), variance = runningVar.copy();
            NormStats.batchNormForward(xv, mean, variance, eps, w, b, y);
            return Graph.record(y, new Node(x, weight, bias) {
                @Override public String name() { return "batchNorm2d(eval)"; }

                @Override
                protected void backward(Tensor g) {
                    NormStats.batchNormBackwardEval(g, xv, mean, variance, eps, w, needsGrad(0) ? gradOf(0) : null,
                            needsGrad(1) ? gradOf(1) : null, needsGrad(2) ? gradOf(2) : null);
                }
            });
        }
    }

    /**
     * Layer norm over the last (channel) axis, MetaFormer's {@code LayerNormGeneral(dim, normalized_dim=(-1,))}
     * on channel-last maps, equal to {@code torch.nn.functional.layer_norm(x, (c,), weight, bias, eps)}:
     * {@code y = (x − mean)/√(var + eps)·weight + bias} with each row's mean and biased variance.
     *
     * <p>x is {@code [..., c]} (rank ≥ 2), weight and bias {@code [c]} or null (DFFormer's blocks use no
     * bias and {@code eps = 1e-6}); the result has x's shape. Backward uses the saved per-row mean and
     * {@code 1/√(var + eps)}.
     */
    public static Variable layerNormChannels(Variable x, Variable weight, Variable bias, double eps) {
        try (var _ = OpProfiler.time(OpCategory.NORM)) {
            String op = "layerNormChannels";
            if (x == null) throw new IllegalArgumentException(op + ": x must not be null");
            Tensor xv = x.value();
            channels(op, xv);
            Tensor w = weight == null ? null : weight.value();
            Tensor b = bias == null ? null : bias.value();
            Tensor y = Tensor.zeros(xv.shape());
            int[] rows = Arrays.copyOf(xv.shape().dims(), xv.rank() - 1);
            Tensor mean = Tensor.zeros(rows), rstd = Tensor.zeros(rows);
            NormStats.layerNorm(xv, w, b, eps, y, mean, rstd);
            return Graph.record(y, new Node(x, weight, bias) {
                @Override public String name() { return "layerNormChannels"; }

                @Override
                protected void backward(Tensor g) {
                    NormStats.layerNormBackward(g, xv, w, mean, rstd, needsGrad(0) ? gradOf(0) : null,
                            needsGrad(1) ? gradOf(1) : null, needsGrad(2) ? gradOf(2) : null);
                }
            });
        }
    }

    private static int channels(String op, Tensor x) {
        if (x.rank() < 2 || x.dim(-1) < 1) {
            throw new IllegalArgumentException(op + ": x must have rank >= 2 with channels (>= 1) on its last axis, got shape " + x.shape());
        }
        return x.dim(-1);
    }
}
