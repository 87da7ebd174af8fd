package io.github.basis4j.models.metaformer;

import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.Dropout;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.StarReLU;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.util.function.Supplier;

/**
 * MetaFormer's channel MLP, the reference's {@code Mlp(dim, mlp_ratio, out_features, act_layer, drop, bias=False)}:
 * {@code fc1} (dim → ⌊mlp_ratio·dim⌋), the activation {@code act}, {@code drop1}, {@code fc2} (→ out), {@code drop2}.
 * DFFormer also uses it, with ratio 0.25 (0.125 in {@code dfformer_s18_d8}) and {@code F·2·dim} outputs, as the
 * dynamic filter's {@code reweight} network.
 *
 * <p>Shapes: {@code [..., dim]} → {@code [..., out]}, so it runs on channel-last maps and on pooled vectors alike.
 *
 * <p>State: {@code fc1.weight [hidden, dim]}, the activation's parameters ({@code act.scale}, {@code act.bias}
 * for StarReLU, none for GELU or ReLU), {@code fc2.weight [out, hidden]}; no biases.
 */
public final class Mlp extends Module {
    private final Linear fc1;
    private final Module act;
    private final Dropout drop1;
    private final Linear fc2;
    private final Dropout drop2;

    /**
     * @param dim         input features
     * @param mlpRatio    hidden features are {@code (int) (mlpRatio·dim)}, as Python's {@code int()}
     * @param outFeatures output features
     * @param act         makes the activation (StarReLU in MetaFormer)
     * @param drop        dropout probability after the activation and after fc2
     * @param rng         the source of initial weights and dropout masks
     */
    public Mlp(int dim, double mlpRatio, int outFeatures, Supplier<Module> act, double drop, Rng rng) {
        int hidden = (int) (mlpRatio * dim);
        if (hidden < 1) throw new IllegalArgumentException("Mlp: (int) (mlpRatio·dim) must be >= 1, got mlpRatio=" + mlpRatio + ", dim=" + dim);
        this.fc1 = registerModule("fc1", new Linear(dim, hidden, false, rng));
        this.act = registerModule("act", act.get());
        this.drop1 = registerModule("drop1", new Dropout(drop, rng));
        this.fc2 = registerModule("fc2", new Linear(hidden, outFeatures, false, rng));
        this.drop2 = registerModule("drop2", new Dropout(drop, rng));
    }

    /**
     * {@code act(h)} for h a fresh output of a Linear that nothing else holds: in inference a StarReLU overwrites
     * h instead of allocating (and zero-filling) another map of the same size.
     */
    static Variable activate(Module act, Variable h) {
        return act instanceof StarReLU s && !NoGrad.isGradEnabled() ? s.forwardInPlace(h) : act.forward(h);
    }

    /**
     * x {@code [..., dim]} → {@code [..., out]}. In inference with StarReLU the hidden map (the model's largest, four
     * times the input) lives in this thread's scratch: it never leaves this method, and a new map would be zero-filled
     * on the calling thread first, a serial pass over megabytes at batch 1.
     */
    @Override
    public Variable forward(Variable x) {
        if (act instanceof StarReLU s && !NoGrad.isGradEnabled() && x != null) {
            int[] dims = x.shape().dims();
            dims[dims.length - 1] = fc1.outFeatures();
            Shape shape = Shape.of(dims);
            Variable h = s.forwardInPlace(fc1.forwardInto(x, Tensor.wrap(hiddenScratch(Math.toIntExact(shape.size())), 0, shape)));
            return drop2.forward(fc2.forward(drop1.forward(h)));
        }
        return drop2.forward(fc2.forward(drop1.forward(act.forward(fc1.forward(x)))));
    }

    /**
     * This thread's scratch for a hidden map of at least {@code floats}: one array for every Mlp, safe because a
     * forward uses it only between fc1 and fc2, and neither those nor StarReLU run another Mlp.
     */
    private static float[] hiddenScratch(int floats) {
        float[] a = HIDDEN.get();
        if (a.length < floats) {
            a = new float[floats];
            HIDDEN.set(a);
        }
        return a;
    }

    private static final ThreadLocal<float[]> HIDDEN = ThreadLocal.withInitial(() -> new float[0]);
}
