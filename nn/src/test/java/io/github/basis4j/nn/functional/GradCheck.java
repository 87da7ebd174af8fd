package io.github.basis4j.nn.functional;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Finite-difference check of an op's wiring into autograd: the loss L = Σ r_i·y_i (r fixed random
 * weights, summed in double) is differentiated numerically by central differences on each input element
 * and compared with the gradients backward() leaves in the inputs.
 *
 * <p>The simd-core kernels are already checked against double-precision finite differences; here the
 * forward runs in float, so the step is larger and tolerances looser ({@code h = 1e-2} on inputs of
 * order 1 gives truncation error ~h² and rounding error ~1e-7/h, both near 1e-4).
 */
public final class GradCheck {
    private static final double H = 1e-2;

    private GradCheck() {
    }

    /** Checks d(Σ r·f(inputs))/d(input) for every input that requires grad. */
    public static void check(String what, List<Variable> inputs, Function<List<Variable>, Variable> f, double rtol, double atol) {
        Variable y = f.apply(inputs);
        float[] r = weights(y.value().size());
        Variable loss = weightedSum(y, r);
        loss.backward();
        for (int k = 0; k < inputs.size(); k++) {
            Variable in = inputs.get(k);
            if (!in.requiresGrad()) continue;
            Tensor x = in.value();
            float[] analytic = in.grad() == null ? new float[x.size()] : in.grad().toArray();
            for (int i = 0; i < x.size(); i++) {
                float orig = x.get(i);
                x.set(i, (float) (orig + H));
                double fp = evaluate(inputs, f, r);
                x.set(i, (float) (orig - H));
                double fm = evaluate(inputs, f, r);
                x.set(i, orig);
                double numeric = (fp - fm) / (2 * H);
                if (!(Math.abs(numeric - analytic[i]) <= atol + rtol * Math.abs(numeric))) {
                    throw new AssertionError(what + ": input " + k + " element " + i + ": finite difference " + numeric
                            + ", backward " + analytic[i]);
                }
            }
            in.zeroGrad();
        }
    }

    private static double evaluate(List<Variable> inputs, Function<List<Variable>, Variable> f, float[] r) {
        try (var ignored = io.github.basis4j.nn.autograd.NoGrad.enter()) {
            Tensor y = f.apply(inputs).value();
            double s = 0;
            for (int i = 0; i < r.length; i++) s += (double) r[i] * y.get(i);
            return s;
        }
    }

    private static float[] weights(int n) {
        SplittableRandom rnd = new SplittableRandom(42);
        float[] r = new float[n];
        for (int i = 0; i < n; i++) r[i] = (float) (rnd.nextDouble() * 2 - 1);
        return r;
    }

    /** Σ r_i·y_i as a recorded op (so backward seeds y's gradient with r). */
    private static Variable weightedSum(Variable y, float[] r) {
        Tensor rt = Tensor.of(r.clone(), y.shape().dims());
        double s = 0;
        for (int i = 0; i < r.length; i++) s += (double) r[i] * y.value().get(i);
        return io.github.basis4j.nn.autograd.Graph.record(Tensor.of(new float[] {(float) s}), new io.github.basis4j.nn.autograd.Node(y) {
            @Override public String name() { return "weightedSum"; }
            @Override protected void backward(Tensor g) {
                Tensor d = gradOf(0);
                for (int i = 0; i < d.size(); i++) d.set(i, d.get(i) + g.get(0) * rt.get(i));
            }
        });
    }
}
