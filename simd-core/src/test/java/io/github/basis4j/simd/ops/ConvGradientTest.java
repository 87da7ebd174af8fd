package io.github.basis4j.simd.ops;

import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.testing.Numerics;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * conv2d's input, weight and bias gradients on the current backend against central differences of the
 * double oracle, for the loss {@code Σ r·y} with random {@code r}; each gradient buffer starts non-zero, so
 * the check also proves that the backward passes add ({@code +=}).
 */
class ConvGradientTest {
    private static final double H = 1e-3;
    private static final double RTOL = 1e-4, ATOL = 1e-4;

    private static final List<ConvCase> CASES = List.of(
            ConvCase.of(2, 5, 5, 4, 6, 3, 1, 1, 1, 1),
            ConvCase.of(1, 7, 6, 4, 6, 3, 2, 1, 2, 2),
            ConvCase.of(2, 5, 5, 3, 5, 1, 1, 0, 1, 1),
            ConvCase.of(1, 7, 7, 3, 4, 3, 3, 2, 1, 1),
            new ConvCase(1, 6, 7, 3, 2, 2, 3, 2, 1, 0, 1, 1, 2, 1),
            ConvCase.of(2, 6, 6, 5, 5, 3, 1, 1, 1, 5),
            ConvCase.of(1, 7, 7, 3, 3, 3, 2, 1, 2, 3),
            ConvCase.of(1, 3, 3, 17, 17, 5, 1, 2, 1, 17));

    @Test
    void gradientsMatchFiniteDifferences() {
        long seed = 40;
        for (ConvCase cc : CASES) {
            float[] x = Numerics.randomFloats(cc.xSize(), seed), w = Numerics.randomFloats(cc.wSize(), seed + 1);
            float[] b = Numerics.randomFloats(cc.oc(), seed + 2), r = Numerics.randomFloats(cc.ySize(), seed + 3);
            float[] dx0 = Numerics.randomFloats(cc.xSize(), seed + 4), dw0 = Numerics.randomFloats(cc.wSize(), seed + 5);
            float[] db0 = Numerics.randomFloats(cc.oc(), seed + 6);
            seed += 10;
            double[] xd = Numerics.toDouble(x), wd = Numerics.toDouble(w), bd = Numerics.toDouble(b), rd = Numerics.toDouble(r);

            Tensor dx = Tensor.of(dx0.clone(), cc.n(), cc.h(), cc.w(), cc.c());
            Tensor dw = Tensor.of(dw0.clone(), cc.oc(), cc.c() / cc.groups(), cc.kh(), cc.kw());
            Tensor db = Tensor.of(db0.clone(), cc.oc());
            Tensor dy = Tensor.of(r, cc.n(), cc.oh(), cc.ow(), cc.oc());
            Tensor wt = Tensor.of(w, cc.oc(), cc.c() / cc.groups(), cc.kh(), cc.kw());
            Convolutions.conv2dBackwardInput(dy, wt, cc.params(), dx);
            Convolutions.conv2dBackwardWeight(Tensor.of(x, cc.n(), cc.h(), cc.w(), cc.c()), dy, cc.params(), dw, db);

            double[] gx = Numerics.numericGradient(v -> loss(cc, v, wd, bd, rd), xd, H);
            double[] gw = Numerics.numericGradient(v -> loss(cc, xd, v, bd, rd), wd, H);
            double[] gb = Numerics.numericGradient(v -> loss(cc, xd, wd, v, rd), bd, H);
            Numerics.assertGradient("dx " + cc, plus(gx, dx0), dx.data(), 0, RTOL, ATOL);
            Numerics.assertGradient("dweight " + cc, plus(gw, dw0), dw.data(), 0, RTOL, ATOL);
            Numerics.assertGradient("dbias " + cc, plus(gb, db0), db.data(), 0, RTOL, ATOL);
        }
    }

    private static double loss(ConvCase cc, double[] x, double[] w, double[] b, double[] r) {
        double[] y = cc.forward(x, w, b);
        double s = 0;
        for (int i = 0; i < y.length; i++) s += r[i] * y[i];
        return s;
    }

    private static double[] plus(double[] g, float[] start) {
        double[] out = g.clone();
        for (int i = 0; i < out.length; i++) out[i] += start[i];
        return out;
    }
}
