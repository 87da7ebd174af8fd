package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Arith;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Elementwise;

/**
 * The two operations the DSFB reference's MobileNetV2 needs beyond nn's: ReLU6 and a per-image channel gate.
 * Both are built from existing autograd ops or elementwise kernels, so they add no kernel of their own.
 */
final class MobileNetOps {
    /** ReLU6's upper clip, {@code torch.nn.ReLU6}. */
    static final float RELU6_CAP = 6f;

    private MobileNetOps() {
    }

    /**
     * {@code min(max(x, 0), 6)} over x {@code [..., c]}, as {@code relu(x) − relu(x − 6)}: equal everywhere, and
     * its gradient is 1 on (0, 6) and 0 outside, ReLU6's.
     */
    static Variable relu6(Variable x) {
        int c = x.shape().dim(x.shape().rank() - 1);
        Tensor shift = Tensor.zeros(c);
        shift.fill(-RELU6_CAP);
        Variable above = Activation.relu(Arith.addChannels(x, Variable.constant(shift)));
        return Arith.add(Activation.relu(x), Arith.scale(above, -1f));
    }

    /**
     * {@code y[i, h, w, c] = x[i, h, w, c] · s[i, c]}: every image's map scaled by its own channel weights
     * (ECA-Net's {@code x * y.expand_as(x)}). x {@code [n, h, w, c]}, s {@code [n, c]} → {@code [n, h, w, c]}.
     * Image by image through the per-channel kernels; their backward adds into the gradient views.
     */
    static Variable gateChannels(Variable x, Variable s) {
        Tensor xv = x.value(), sv = s.value();
        int n = xv.dim(0);
        if (xv.shape().rank() != 4 || sv.shape().rank() != 2 || sv.dim(0) != n || sv.dim(1) != xv.dim(3)) {
            throw new IllegalArgumentException("gateChannels: need x [n, h, w, c] and s [n, c], got " + xv.shape() + " and " + sv.shape());
        }
        Tensor y = Tensor.zeros(xv.shape());
        for (int i = 0; i < n; i++) Elementwise.mulChannel(xv.slice(i, i + 1), sv.slice(i, i + 1).reshape(sv.dim(1)), y.slice(i, i + 1));
        return Graph.record(y, new Node(x, s) {
            @Override public String name() { return "gateChannels"; }

            @Override
            protected void backward(Tensor g) {
                Tensor gx = needsGrad(0) ? gradOf(0) : null, gs = needsGrad(1) ? gradOf(1) : null;
                for (int i = 0; i < n; i++) {
                    Elementwise.mulChannelBackward(xv.slice(i, i + 1), sv.slice(i, i + 1).reshape(sv.dim(1)), g.slice(i, i + 1),
                            gx == null ? null : gx.slice(i, i + 1), gs == null ? null : gs.slice(i, i + 1).reshape(sv.dim(1)));
                }
            }
        });
    }
}
