package io.github.basis4j.nn.functional;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.simd.Tensor;
import java.util.Arrays;

/** Ops that move data without arithmetic: reshape, flatten, and concatenation along the channel axis. */
public final class Shapes {
    private Shapes() {
    }

    /** A view with another shape of the same size (as {@code torch.reshape} on contiguous data). */
    public static Variable reshape(Variable x, int... dims) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            Tensor y = x.value().reshape(dims);
            int[] inDims = x.shape().dims();
            return Graph.record(y, new Node(x) {
                @Override public String name() { return "reshape"; }

                @Override
                protected void backward(Tensor g) {
                    Tensor dx = gradOf(0);
                    Tensor gv = g.reshape(inDims);
                    float[] d = dx.data(), s = gv.data();
                    int dOff = dx.offset(), sOff = gv.offset(), n = dx.size();
                    for (int i = 0; i < n; i++) d[dOff + i] += s[sOff + i];
                }
            });
        }
    }

    /** [N, ...] → [N, prod(...)], as {@code torch.flatten(x, 1)}. */
    public static Variable flatten(Variable x) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            if (x.shape().rank() < 1) throw new IllegalArgumentException("flatten: need at least one dimension, got a scalar");
            int n = x.shape().dim(0);
            return reshape(x, n, n == 0 ? 0 : x.value().size() / n);
        }
    }

    /**
     * Concatenates along the last (channel) axis: inputs [..., C_i] with equal leading dimensions give
     * [..., ΣC_i], as {@code torch.cat(xs, dim=1)} does on NCHW tensors (the DSFB block's
     * cat(unique basis, shared basis)).
     */
    public static Variable concatChannels(Variable... xs) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            if (xs.length == 0) throw new IllegalArgumentException("concatChannels: need at least one input");
            int[] lead = Arrays.copyOf(xs[0].shape().dims(), xs[0].shape().rank() - 1);
            int[] widths = new int[xs.length];
            int total = 0;
            for (int i = 0; i < xs.length; i++) {
                int[] d = xs[i].shape().dims();
                if (d.length != lead.length + 1 || !Arrays.equals(Arrays.copyOf(d, d.length - 1), lead)) {
                    throw new IllegalArgumentException("concatChannels: input " + i + " must be " + Arrays.toString(lead)
                            + " + [C], got " + xs[i].shape());
                }
                widths[i] = d[d.length - 1];
                total += widths[i];
            }
            int rows = 1;
            for (int v : lead) rows *= v;
            int[] outDims = Arrays.copyOf(lead, lead.length + 1);
            outDims[lead.length] = total;
            Tensor y = Tensor.zeros(outDims);
            float[] yd = y.data();
            int col = 0;
            for (int i = 0; i < xs.length; i++) {
                Tensor xi = xs[i].value();
                int w = widths[i];
                for (int r = 0; r < rows; r++) System.arraycopy(xi.data(), xi.offset() + r * w, yd, r * total + col, w);
                col += w;
            }
            final int totalC = total, rowCount = rows;
            return Graph.record(y, new Node(xs) {
                @Override public String name() { return "concatChannels"; }

                @Override
                protected void backward(Tensor g) {
                    int c = 0;
                    for (int i = 0; i < widths.length; i++) {
                        int w = widths[i];
                        if (needsGrad(i)) {
                            Tensor dx = gradOf(i);
                            float[] d = dx.data(), s = g.data();
                            for (int r = 0; r < rowCount; r++) {
                                int dRow = dx.offset() + r * w, sRow = g.offset() + r * totalC + c;
                                for (int j = 0; j < w; j++) d[dRow + j] += s[sRow + j];
                            }
                        }
                        c += w;
                    }
                }
            });
        }
    }
}
