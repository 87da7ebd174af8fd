package io.github.basis4j.simd.panama;

import io.github.basis4j.simd.scalar.ScalarFft;
import io.github.basis4j.simd.spi.FftKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link FftKernels}; each method mirrors its twin of the same name in {@link ScalarFft}
 * and follows the layouts and formulas documented on {@link FftKernels}.
 *
 * <p>Vector lanes run across channels: a complex channel vector is {@code c} real parts then
 * {@code c} imaginary parts, so a lane block of the real parts and the lane block {@code c} floats
 * further of the imaginary parts hold the same channels, and every butterfly is vertical arithmetic
 * with no shuffles. Per run position the channels that fill whole vectors go through the vector
 * body; the last {@code c mod lanes} channels go to {@code ScalarFft.…Range}, so the tail follows the
 * oracle's formulas exactly.
 *
 * <p>Each lane block loads all the inputs of its butterfly before it stores any output, so the
 * butterflies may run in place.
 */
public final class PanamaFft implements FftKernels {
    private static final VectorSpecies<Float> F = PanamaSpecies.FLOAT;
    private static final int LANES = F.length();

    private static final float C3 = (float) Math.cos(2 * Math.PI / 3), S3 = (float) Math.sin(2 * Math.PI / 3);
    private static final float C51 = (float) Math.cos(2 * Math.PI / 5), S51 = (float) Math.sin(2 * Math.PI / 5);
    private static final float C52 = (float) Math.cos(4 * Math.PI / 5), S52 = (float) Math.sin(4 * Math.PI / 5);
    private static final float C71 = (float) Math.cos(2 * Math.PI / 7), S71 = (float) Math.sin(2 * Math.PI / 7);
    private static final float C72 = (float) Math.cos(4 * Math.PI / 7), S72 = (float) Math.sin(4 * Math.PI / 7);
    private static final float C73 = (float) Math.cos(6 * Math.PI / 7), S73 = (float) Math.sin(6 * Math.PI / 7);
    private static final float SQRT_HALF = (float) Math.sqrt(0.5);

    private static FloatVector load(float[] a, int off) {
        return FloatVector.fromArray(F, a, off);
    }

    /**
     * Twiddle {@code k} (read at {@code twOff + 2(k−1)}), part 0 real or 1 imaginary; 1 + 0i when
     * {@code tw} is null. Read into scalars once per call, before the loops: the JIT cannot hoist
     * loads from {@code tw} itself, since stores into {@code dst} might alias it.
     */
    private static float twiddle(float[] tw, int twOff, int k, int part) {
        return tw == null ? (part == 0 ? 1f : 0f) : tw[twOff + 2 * (k - 1) + part];
    }

    @Override
    public void radix2(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                       float[] tw, int twOff, int count, int c) {
        int bound = F.loopBound(c);
        float w1r = twiddle(tw, twOff, 1, 0), w1i = twiddle(tw, twOff, 1, 1);
        for (int b = 0; b < count; b++) {
            int s0 = srcOff + 2 * b * c, d0 = dstOff + 2 * b * c;
            for (int ch = 0; ch < bound; ch += LANES) {
                int i0 = s0 + ch, i1 = i0 + srcStride;
                FloatVector a0r = load(src, i0), a0i = load(src, i0 + c);
                FloatVector a1r = load(src, i1), a1i = load(src, i1 + c);
                int o0 = d0 + ch;
                a0r.add(a1r).intoArray(dst, o0);
                a0i.add(a1i).intoArray(dst, o0 + c);
                FloatVector y1r = a0r.sub(a1r), y1i = a0i.sub(a1i);
                y1r.mul(w1r).sub(y1i.mul(w1i)).intoArray(dst, o0 + dstStride);
                y1r.mul(w1i).add(y1i.mul(w1r)).intoArray(dst, o0 + dstStride + c);
            }
            if (bound < c) {
                ScalarFft.radix2Range(inverse, src, s0, srcStride, dst, d0, dstStride, tw, twOff, 1, c, bound, c);
            }
        }
    }

    @Override
    public void radix3(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                       float[] tw, int twOff, int count, int c) {
        int bound = F.loopBound(c);
        float w1r = twiddle(tw, twOff, 1, 0), w1i = twiddle(tw, twOff, 1, 1);
        float w2r = twiddle(tw, twOff, 2, 0), w2i = twiddle(tw, twOff, 2, 1);
        float sn = inverse ? S3 : -S3;
        for (int b = 0; b < count; b++) {
            int s0 = srcOff + 2 * b * c, d0 = dstOff + 2 * b * c;
            for (int ch = 0; ch < bound; ch += LANES) {
                int i0 = s0 + ch, i1 = i0 + srcStride, i2 = i1 + srcStride;
                FloatVector a0r = load(src, i0), a0i = load(src, i0 + c);
                FloatVector x1r = load(src, i1), x1i = load(src, i1 + c);
                FloatVector x2r = load(src, i2), x2i = load(src, i2 + c);
                FloatVector sr = x1r.add(x2r), si = x1i.add(x2i);
                FloatVector dr = x1r.sub(x2r), di = x1i.sub(x2i);
                FloatVector ar = a0r.add(sr.mul(C3)), ai = a0i.add(si.mul(C3));
                FloatVector br = dr.mul(sn), bi = di.mul(sn);
                int o0 = d0 + ch;
                a0r.add(sr).intoArray(dst, o0);
                a0i.add(si).intoArray(dst, o0 + c);
                FloatVector y1r = ar.sub(bi), y1i = ai.add(br);
                y1r.mul(w1r).sub(y1i.mul(w1i)).intoArray(dst, o0 + dstStride);
                y1r.mul(w1i).add(y1i.mul(w1r)).intoArray(dst, o0 + dstStride + c);
                FloatVector y2r = ar.add(bi), y2i = ai.sub(br);
                y2r.mul(w2r).sub(y2i.mul(w2i)).intoArray(dst, o0 + 2 * dstStride);
                y2r.mul(w2i).add(y2i.mul(w2r)).intoArray(dst, o0 + 2 * dstStride + c);
            }
            if (bound < c) {
                ScalarFft.radix3Range(inverse, src, s0, srcStride, dst, d0, dstStride, tw, twOff, 1, c, bound, c);
            }
        }
    }

    @Override
    public void radix4(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                       float[] tw, int twOff, int count, int c) {
        int bound = F.loopBound(c);
        float w1r = twiddle(tw, twOff, 1, 0), w1i = twiddle(tw, twOff, 1, 1);
        float w2r = twiddle(tw, twOff, 2, 0), w2i = twiddle(tw, twOff, 2, 1);
        float w3r = twiddle(tw, twOff, 3, 0), w3i = twiddle(tw, twOff, 3, 1);
        for (int b = 0; b < count; b++) {
            int s0 = srcOff + 2 * b * c, d0 = dstOff + 2 * b * c;
            for (int ch = 0; ch < bound; ch += LANES) {
                int i0 = s0 + ch, i1 = i0 + srcStride, i2 = i1 + srcStride, i3 = i2 + srcStride;
                FloatVector x0r = load(src, i0), x0i = load(src, i0 + c);
                FloatVector x1r = load(src, i1), x1i = load(src, i1 + c);
                FloatVector x2r = load(src, i2), x2i = load(src, i2 + c);
                FloatVector x3r = load(src, i3), x3i = load(src, i3 + c);
                FloatVector t0r = x0r.add(x2r), t0i = x0i.add(x2i), t1r = x0r.sub(x2r), t1i = x0i.sub(x2i);
                FloatVector t2r = x1r.add(x3r), t2i = x1i.add(x3i), t3r = x1r.sub(x3r), t3i = x1i.sub(x3i);
                // Forward: y1 = t1 − i·t3, y3 = t1 + i·t3; the inverse swaps them.
                FloatVector ur = inverse ? t3i.neg() : t3i, ui = inverse ? t3r : t3r.neg();
                int o0 = d0 + ch;
                t0r.add(t2r).intoArray(dst, o0);
                t0i.add(t2i).intoArray(dst, o0 + c);
                FloatVector y1r = t1r.add(ur), y1i = t1i.add(ui);
                y1r.mul(w1r).sub(y1i.mul(w1i)).intoArray(dst, o0 + dstStride);
                y1r.mul(w1i).add(y1i.mul(w1r)).intoArray(dst, o0 + dstStride + c);
                FloatVector y2r = t0r.sub(t2r), y2i = t0i.sub(t2i);
                y2r.mul(w2r).sub(y2i.mul(w2i)).intoArray(dst, o0 + 2 * dstStride);
                y2r.mul(w2i).add(y2i.mul(w2r)).intoArray(dst, o0 + 2 * dstStride + c);
                FloatVector y3r = t1r.sub(ur), y3i = t1i.sub(ui);
                y3r.mul(w3r).sub(y3i.mul(w3i)).intoArray(dst, o0 + 3 * dstStride);
                y3r.mul(w3i).add(y3i.mul(w3r)).intoArray(dst, o0 + 3 * dstStride + c);
            }
            if (bound < c) {
                ScalarFft.radix4Range(inverse, src, s0, srcStride, dst, d0, dstStride, tw, twOff, 1, c, bound, c);
            }
        }
    }

    @Override
    public void radix5(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                       float[] tw, int twOff, int count, int c) {
        int bound = F.loopBound(c);
        float w1r = twiddle(tw, twOff, 1, 0), w1i = twiddle(tw, twOff, 1, 1);
        float w2r = twiddle(tw, twOff, 2, 0), w2i = twiddle(tw, twOff, 2, 1);
        float w3r = twiddle(tw, twOff, 3, 0), w3i = twiddle(tw, twOff, 3, 1);
        float w4r = twiddle(tw, twOff, 4, 0), w4i = twiddle(tw, twOff, 4, 1);
        float sg = inverse ? 1f : -1f;
        float s1 = sg * S51, s2 = sg * S52;
        for (int b = 0; b < count; b++) {
            int s0 = srcOff + 2 * b * c, d0 = dstOff + 2 * b * c;
            for (int ch = 0; ch < bound; ch += LANES) {
                int i0 = s0 + ch, i1 = i0 + srcStride, i2 = i1 + srcStride, i3 = i2 + srcStride, i4 = i3 + srcStride;
                FloatVector a0r = load(src, i0), a0i = load(src, i0 + c);
                FloatVector x1r = load(src, i1), x1i = load(src, i1 + c), x4r = load(src, i4), x4i = load(src, i4 + c);
                FloatVector x2r = load(src, i2), x2i = load(src, i2 + c), x3r = load(src, i3), x3i = load(src, i3 + c);
                FloatVector p1r = x1r.add(x4r), p1i = x1i.add(x4i), m1r = x1r.sub(x4r), m1i = x1i.sub(x4i);
                FloatVector p2r = x2r.add(x3r), p2i = x2i.add(x3i), m2r = x2r.sub(x3r), m2i = x2i.sub(x3i);
                FloatVector a1r = a0r.add(p1r.mul(C51)).add(p2r.mul(C52)), a1i = a0i.add(p1i.mul(C51)).add(p2i.mul(C52));
                FloatVector b1r = m1r.mul(s1).add(m2r.mul(s2)), b1i = m1i.mul(s1).add(m2i.mul(s2));
                FloatVector a2r = a0r.add(p1r.mul(C52)).add(p2r.mul(C51)), a2i = a0i.add(p1i.mul(C52)).add(p2i.mul(C51));
                FloatVector b2r = m1r.mul(s2).sub(m2r.mul(s1)), b2i = m1i.mul(s2).sub(m2i.mul(s1));
                int o0 = d0 + ch;
                a0r.add(p1r).add(p2r).intoArray(dst, o0);
                a0i.add(p1i).add(p2i).intoArray(dst, o0 + c);
                FloatVector y1r = a1r.sub(b1i), y1i = a1i.add(b1r);
                y1r.mul(w1r).sub(y1i.mul(w1i)).intoArray(dst, o0 + dstStride);
                y1r.mul(w1i).add(y1i.mul(w1r)).intoArray(dst, o0 + dstStride + c);
                FloatVector y4r = a1r.add(b1i), y4i = a1i.sub(b1r);
                y4r.mul(w4r).sub(y4i.mul(w4i)).intoArray(dst, o0 + 4 * dstStride);
                y4r.mul(w4i).add(y4i.mul(w4r)).intoArray(dst, o0 + 4 * dstStride + c);
                FloatVector y2r = a2r.sub(b2i), y2i = a2i.add(b2r);
                y2r.mul(w2r).sub(y2i.mul(w2i)).intoArray(dst, o0 + 2 * dstStride);
                y2r.mul(w2i).add(y2i.mul(w2r)).intoArray(dst, o0 + 2 * dstStride + c);
                FloatVector y3r = a2r.add(b2i), y3i = a2i.sub(b2r);
                y3r.mul(w3r).sub(y3i.mul(w3i)).intoArray(dst, o0 + 3 * dstStride);
                y3r.mul(w3i).add(y3i.mul(w3r)).intoArray(dst, o0 + 3 * dstStride + c);
            }
            if (bound < c) {
                ScalarFft.radix5Range(inverse, src, s0, srcStride, dst, d0, dstStride, tw, twOff, 1, c, bound, c);
            }
        }
    }

    @Override
    public void radix7(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                       float[] tw, int twOff, int count, int c) {
        int bound = F.loopBound(c);
        float w1r = twiddle(tw, twOff, 1, 0), w1i = twiddle(tw, twOff, 1, 1);
        float w2r = twiddle(tw, twOff, 2, 0), w2i = twiddle(tw, twOff, 2, 1);
        float w3r = twiddle(tw, twOff, 3, 0), w3i = twiddle(tw, twOff, 3, 1);
        float w4r = twiddle(tw, twOff, 4, 0), w4i = twiddle(tw, twOff, 4, 1);
        float w5r = twiddle(tw, twOff, 5, 0), w5i = twiddle(tw, twOff, 5, 1);
        float w6r = twiddle(tw, twOff, 6, 0), w6i = twiddle(tw, twOff, 6, 1);
        float sg = inverse ? 1f : -1f;
        float s1 = sg * S71, s2 = sg * S72, s3 = sg * S73;
        for (int b = 0; b < count; b++) {
            int s0 = srcOff + 2 * b * c, d0 = dstOff + 2 * b * c;
            for (int ch = 0; ch < bound; ch += LANES) {
                int i0 = s0 + ch;
                int i1 = i0 + srcStride, i2 = i1 + srcStride, i3 = i2 + srcStride;
                int i4 = i3 + srcStride, i5 = i4 + srcStride, i6 = i5 + srcStride;
                FloatVector a0r = load(src, i0), a0i = load(src, i0 + c);
                FloatVector x1r = load(src, i1), x1i = load(src, i1 + c), x6r = load(src, i6), x6i = load(src, i6 + c);
                FloatVector x2r = load(src, i2), x2i = load(src, i2 + c), x5r = load(src, i5), x5i = load(src, i5 + c);
                FloatVector x3r = load(src, i3), x3i = load(src, i3 + c), x4r = load(src, i4), x4i = load(src, i4 + c);
                FloatVector p1r = x1r.add(x6r), p1i = x1i.add(x6i), m1r = x1r.sub(x6r), m1i = x1i.sub(x6i);
                FloatVector p2r = x2r.add(x5r), p2i = x2i.add(x5i), m2r = x2r.sub(x5r), m2i = x2i.sub(x5i);
                FloatVector p3r = x3r.add(x4r), p3i = x3i.add(x4i), m3r = x3r.sub(x4r), m3i = x3i.sub(x4i);
                int o0 = d0 + ch;
                a0r.add(p1r).add(p2r).add(p3r).intoArray(dst, o0);
                a0i.add(p1i).add(p2i).add(p3i).intoArray(dst, o0 + c);
                // k = 1 and 6: angles 2π·{1, 2, 3}/7.
                FloatVector ar = a0r.add(p1r.mul(C71)).add(p2r.mul(C72)).add(p3r.mul(C73));
                FloatVector ai = a0i.add(p1i.mul(C71)).add(p2i.mul(C72)).add(p3i.mul(C73));
                FloatVector br = m1r.mul(s1).add(m2r.mul(s2)).add(m3r.mul(s3));
                FloatVector bi = m1i.mul(s1).add(m2i.mul(s2)).add(m3i.mul(s3));
                FloatVector y1r = ar.sub(bi), y1i = ai.add(br);
                y1r.mul(w1r).sub(y1i.mul(w1i)).intoArray(dst, o0 + dstStride);
                y1r.mul(w1i).add(y1i.mul(w1r)).intoArray(dst, o0 + dstStride + c);
                FloatVector y6r = ar.add(bi), y6i = ai.sub(br);
                y6r.mul(w6r).sub(y6i.mul(w6i)).intoArray(dst, o0 + 6 * dstStride);
                y6r.mul(w6i).add(y6i.mul(w6r)).intoArray(dst, o0 + 6 * dstStride + c);
                // k = 2 and 5: k·r mod 7 = 2, 4 ≡ −3, 6 ≡ −1.
                ar = a0r.add(p1r.mul(C72)).add(p2r.mul(C73)).add(p3r.mul(C71));
                ai = a0i.add(p1i.mul(C72)).add(p2i.mul(C73)).add(p3i.mul(C71));
                br = m1r.mul(s2).sub(m2r.mul(s3)).sub(m3r.mul(s1));
                bi = m1i.mul(s2).sub(m2i.mul(s3)).sub(m3i.mul(s1));
                FloatVector y2r = ar.sub(bi), y2i = ai.add(br);
                y2r.mul(w2r).sub(y2i.mul(w2i)).intoArray(dst, o0 + 2 * dstStride);
                y2r.mul(w2i).add(y2i.mul(w2r)).intoArray(dst, o0 + 2 * dstStride + c);
                FloatVector y5r = ar.add(bi), y5i = ai.sub(br);
                y5r.mul(w5r).sub(y5i.mul(w5i)).intoArray(dst, o0 + 5 * dstStride);
                y5r.mul(w5i).add(y5i.mul(w5r)).intoArray(dst, o0 + 5 * dstStride + c);
                // k = 3 and 4: k·r mod 7 = 3, 6 ≡ −1, 9 ≡ 2.
                ar = a0r.add(p1r.mul(C73)).add(p2r.mul(C71)).add(p3r.mul(C72));
                ai = a0i.add(p1i.mul(C73)).add(p2i.mul(C71)).add(p3i.mul(C72));
                br = m1r.mul(s3).sub(m2r.mul(s1)).add(m3r.mul(s2));
                bi = m1i.mul(s3).sub(m2i.mul(s1)).add(m3i.mul(s2));
                FloatVector y3r = ar.sub(bi), y3i = ai.add(br);
                y3r.mul(w3r).sub(y3i.mul(w3i)).intoArray(dst, o0 + 3 * dstStride);
                y3r.mul(w3i).add(y3i.mul(w3r)).intoArray(dst, o0 + 3 * dstStride + c);
                FloatVector y4r = ar.add(bi), y4i = ai.sub(br);
                y4r.mul(w4r).sub(y4i.mul(w4i)).intoArray(dst, o0 + 4 * dstStride);
                y4r.mul(w4i).add(y4i.mul(w4r)).intoArray(dst, o0 + 4 * dstStride + c);
            }
            if (bound < c) {
                ScalarFft.radix7Range(inverse, src, s0, srcStride, dst, d0, dstStride, tw, twOff, 1, c, bound, c);
            }
        }
    }

    @Override
    public void radix8(boolean inverse, float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride,
                       float[] tw, int twOff, int count, int c) {
        int bound = F.loopBound(c);
        float w1r = twiddle(tw, twOff, 1, 0), w1i = twiddle(tw, twOff, 1, 1);
        float w2r = twiddle(tw, twOff, 2, 0), w2i = twiddle(tw, twOff, 2, 1);
        float w3r = twiddle(tw, twOff, 3, 0), w3i = twiddle(tw, twOff, 3, 1);
        float w4r = twiddle(tw, twOff, 4, 0), w4i = twiddle(tw, twOff, 4, 1);
        float w5r = twiddle(tw, twOff, 5, 0), w5i = twiddle(tw, twOff, 5, 1);
        float w6r = twiddle(tw, twOff, 6, 0), w6i = twiddle(tw, twOff, 6, 1);
        float w7r = twiddle(tw, twOff, 7, 0), w7i = twiddle(tw, twOff, 7, 1);
        // ±i rotation sign: forward multiplies by −i, inverse by +i.
        float g = inverse ? 1f : -1f;
        float h = g * SQRT_HALF;
        for (int b = 0; b < count; b++) {
            int s0 = srcOff + 2 * b * c, d0 = dstOff + 2 * b * c;
            for (int ch = 0; ch < bound; ch += LANES) {
                int i0 = s0 + ch;
                FloatVector x0r = load(src, i0), x0i = load(src, i0 + c);
                FloatVector x2r = load(src, i0 + 2 * srcStride), x2i = load(src, i0 + 2 * srcStride + c);
                FloatVector x4r = load(src, i0 + 4 * srcStride), x4i = load(src, i0 + 4 * srcStride + c);
                FloatVector x6r = load(src, i0 + 6 * srcStride), x6i = load(src, i0 + 6 * srcStride + c);
                // Radix-4 over the even inputs (0, 2, 4, 6): E0..E3.
                FloatVector t0r = x0r.add(x4r), t0i = x0i.add(x4i), t1r = x0r.sub(x4r), t1i = x0i.sub(x4i);
                FloatVector t2r = x2r.add(x6r), t2i = x2i.add(x6i), t3r = x2r.sub(x6r), t3i = x2i.sub(x6i);
                FloatVector e0r = t0r.add(t2r), e0i = t0i.add(t2i), e2r = t0r.sub(t2r), e2i = t0i.sub(t2i);
                FloatVector gt3i = t3i.mul(g), gt3r = t3r.mul(g);
                FloatVector e1r = t1r.sub(gt3i), e1i = t1i.add(gt3r), e3r = t1r.add(gt3i), e3i = t1i.sub(gt3r);
                FloatVector x1r = load(src, i0 + srcStride), x1i = load(src, i0 + srcStride + c);
                FloatVector x3r = load(src, i0 + 3 * srcStride), x3i = load(src, i0 + 3 * srcStride + c);
                FloatVector x5r = load(src, i0 + 5 * srcStride), x5i = load(src, i0 + 5 * srcStride + c);
                FloatVector x7r = load(src, i0 + 7 * srcStride), x7i = load(src, i0 + 7 * srcStride + c);
                // Radix-4 over the odd inputs (1, 3, 5, 7): O0..O3.
                FloatVector u0r = x1r.add(x5r), u0i = x1i.add(x5i), u1r = x1r.sub(x5r), u1i = x1i.sub(x5i);
                FloatVector u2r = x3r.add(x7r), u2i = x3i.add(x7i), u3r = x3r.sub(x7r), u3i = x3i.sub(x7i);
                FloatVector o0r = u0r.add(u2r), o0i = u0i.add(u2i), o2r = u0r.sub(u2r), o2i = u0i.sub(u2i);
                FloatVector gu3i = u3i.mul(g), gu3r = u3r.mul(g);
                FloatVector o1r = u1r.sub(gu3i), o1i = u1i.add(gu3r), o3r = u1r.add(gu3i), o3i = u1i.sub(gu3r);
                // ω8^k·O_k: ω8 = √½·(1 + g·i), ω8² = g·i, ω8³ = √½·(−1 + g·i).
                FloatVector q1r = o1r.mul(SQRT_HALF).sub(o1i.mul(h)), q1i = o1i.mul(SQRT_HALF).add(o1r.mul(h));
                FloatVector q2r = o2i.mul(-g), q2i = o2r.mul(g);
                FloatVector q3r = o3r.mul(-SQRT_HALF).sub(o3i.mul(h)), q3i = o3r.mul(h).sub(o3i.mul(SQRT_HALF));
                int y0 = d0 + ch;
                e0r.add(o0r).intoArray(dst, y0);
                e0i.add(o0i).intoArray(dst, y0 + c);
                FloatVector y1r = e1r.add(q1r), y1i = e1i.add(q1i);
                y1r.mul(w1r).sub(y1i.mul(w1i)).intoArray(dst, y0 + dstStride);
                y1r.mul(w1i).add(y1i.mul(w1r)).intoArray(dst, y0 + dstStride + c);
                FloatVector y2r = e2r.add(q2r), y2i = e2i.add(q2i);
                y2r.mul(w2r).sub(y2i.mul(w2i)).intoArray(dst, y0 + 2 * dstStride);
                y2r.mul(w2i).add(y2i.mul(w2r)).intoArray(dst, y0 + 2 * dstStride + c);
                FloatVector y3r = e3r.add(q3r), y3i = e3i.add(q3i);
                y3r.mul(w3r).sub(y3i.mul(w3i)).intoArray(dst, y0 + 3 * dstStride);
                y3r.mul(w3i).add(y3i.mul(w3r)).intoArray(dst, y0 + 3 * dstStride + c);
                FloatVector y4r = e0r.sub(o0r), y4i = e0i.sub(o0i);
                y4r.mul(w4r).sub(y4i.mul(w4i)).intoArray(dst, y0 + 4 * dstStride);
                y4r.mul(w4i).add(y4i.mul(w4r)).intoArray(dst, y0 + 4 * dstStride + c);
                FloatVector y5r = e1r.sub(q1r), y5i = e1i.sub(q1i);
                y5r.mul(w5r).sub(y5i.mul(w5i)).intoArray(dst, y0 + 5 * dstStride);
                y5r.mul(w5i).add(y5i.mul(w5r)).intoArray(dst, y0 + 5 * dstStride + c);
                FloatVector y6r = e2r.sub(q2r), y6i = e2i.sub(q2i);
                y6r.mul(w6r).sub(y6i.mul(w6i)).intoArray(dst, y0 + 6 * dstStride);
                y6r.mul(w6i).add(y6i.mul(w6r)).intoArray(dst, y0 + 6 * dstStride + c);
                FloatVector y7r = e3r.sub(q3r), y7i = e3i.sub(q3i);
                y7r.mul(w7r).sub(y7i.mul(w7i)).intoArray(dst, y0 + 7 * dstStride);
                y7r.mul(w7i).add(y7i.mul(w7r)).intoArray(dst, y0 + 7 * dstStride + c);
            }
            if (bound < c) {
                ScalarFft.radix8Range(inverse, src, s0, srcStride, dst, d0, dstStride, tw, twOff, 1, c, bound, c);
            }
        }
    }

    @Override
    public void complexMultiply(float[] src, int srcOff, int srcStride, float[] w, int wOff,
                                float[] dst, int dstOff, int dstStride, int n, int blocks, int c) {
        int bound = F.loopBound(c);
        for (int e = 0; e < n; e++) {
            float wr = w[wOff + 2 * e], wi = w[wOff + 2 * e + 1];
            for (int b = 0; b < blocks; b++) {
                int s0 = srcOff + e * srcStride + 2 * b * c, d0 = dstOff + e * dstStride + 2 * b * c;
                for (int ch = 0; ch < bound; ch += LANES) {
                    FloatVector xr = load(src, s0 + ch), xi = load(src, s0 + c + ch);
                    xr.mul(wr).sub(xi.mul(wi)).intoArray(dst, d0 + ch);
                    xr.mul(wi).add(xi.mul(wr)).intoArray(dst, d0 + c + ch);
                }
            }
            if (bound < c) {
                ScalarFft.complexMultiplyRange(src, srcOff + e * srcStride, 0, w, wOff + 2 * e,
                        dst, dstOff + e * dstStride, 0, 1, blocks, c, bound, c);
            }
        }
    }

    @Override
    public void realForwardPost(float[] src, int srcOff, float[] dst, int dstOff, float[] tw, int twOff, int m, int c,
                                float edgeScale, float midScale) {
        int bound = F.loopBound(c);
        int two = 2 * c;
        for (int k = 0; 2 * k <= m; k++) {
            int mk = m - k;
            float s = 0.5f * (k == 0 ? edgeScale : midScale);
            float wr = tw[twOff + 2 * k], wi = tw[twOff + 2 * k + 1];
            int zk = srcOff + k * two, zmk = srcOff + (k == 0 ? 0 : mk) * two;
            int xk = dstOff + k * two, xmk = dstOff + mk * two;
            for (int ch = 0; ch < bound; ch += LANES) {
                FloatVector a = load(src, zk + ch), bb = load(src, zk + c + ch);
                FloatVector cc = load(src, zmk + ch), d = load(src, zmk + c + ch);
                // 2E = Z_k + conj(Z_{m−k}), 2O = (Z_k − conj(Z_{m−k}))/i, T = w^k·2O.
                FloatVector er = a.add(cc), ei = bb.sub(d), or = bb.add(d), oi = cc.sub(a);
                FloatVector tr = or.mul(wr).sub(oi.mul(wi)), ti = oi.mul(wr).add(or.mul(wi));
                er.add(tr).mul(s).intoArray(dst, xk + ch);
                ei.add(ti).mul(s).intoArray(dst, xk + c + ch);
                if (mk != k) {
                    er.sub(tr).mul(s).intoArray(dst, xmk + ch);
                    ti.sub(ei).mul(s).intoArray(dst, xmk + c + ch);
                }
            }
        }
        if (bound < c) ScalarFft.realForwardPostRange(src, srcOff, dst, dstOff, tw, twOff, m, c, edgeScale, midScale, bound, c);
    }

    @Override
    public void realInversePre(float[] src, int srcOff, float[] dst, int dstOff, float[] tw, int twOff, int m, int c,
                               float edgeScale, float midScale) {
        int bound = F.loopBound(c);
        int two = 2 * c;
        FloatVector zero = FloatVector.zero(F);
        for (int k = 0; 2 * k <= m; k++) {
            int mk = m - k;
            boolean edge = k == 0;
            float s = edge ? edgeScale : midScale;
            float vr = tw[twOff + 2 * k], vi = tw[twOff + 2 * k + 1];
            int xk = srcOff + k * two, xmk = srcOff + mk * two;
            int zk = dstOff + k * two, zmk = dstOff + mk * two;
            for (int ch = 0; ch < bound; ch += LANES) {
                FloatVector a = load(src, xk + ch).mul(s), cc = load(src, xmk + ch).mul(s);
                // The DC and Nyquist bins are real by definition: their imaginary parts are ignored.
                FloatVector bb = edge ? zero : load(src, xk + c + ch).mul(s);
                FloatVector d = edge ? zero : load(src, xmk + c + ch).mul(s);
                FloatVector fr = a.add(cc), fi = bb.sub(d), gr = a.sub(cc), gi = bb.add(d);
                FloatVector ur = gr.mul(vr).sub(gi.mul(vi)), ui = gi.mul(vr).add(gr.mul(vi));
                fr.sub(ui).intoArray(dst, zk + ch);
                fi.add(ur).intoArray(dst, zk + c + ch);
                if (!edge && mk != k) {
                    fr.add(ui).intoArray(dst, zmk + ch);
                    ur.sub(fi).intoArray(dst, zmk + c + ch);
                }
            }
        }
        if (bound < c) ScalarFft.realInversePreRange(src, srcOff, dst, dstOff, tw, twOff, m, c, edgeScale, midScale, bound, c);
    }

    @Override
    public void hermitianExtend(float[] src, int srcOff, float[] dst, int dstOff, int w, int c,
                                float edgeScale, float midScale) {
        int bound = F.loopBound(c);
        int two = 2 * c;
        FloatVector zero = FloatVector.zero(F);
        for (int ch = 0; ch < bound; ch += LANES) {
            load(src, srcOff + ch).mul(edgeScale).intoArray(dst, dstOff + ch);
            zero.intoArray(dst, dstOff + c + ch);
        }
        for (int k = 1; 2 * k <= w; k++) {
            int xk = srcOff + k * two, yk = dstOff + k * two, ymk = dstOff + (w - k) * two;
            if (2 * k == w) {
                for (int ch = 0; ch < bound; ch += LANES) {
                    load(src, xk + ch).mul(edgeScale).intoArray(dst, yk + ch);
                    zero.intoArray(dst, yk + c + ch);
                }
            } else {
                for (int ch = 0; ch < bound; ch += LANES) {
                    FloatVector re = load(src, xk + ch).mul(midScale), im = load(src, xk + c + ch).mul(midScale);
                    re.intoArray(dst, yk + ch);
                    im.intoArray(dst, yk + c + ch);
                    re.intoArray(dst, ymk + ch);
                    im.neg().intoArray(dst, ymk + c + ch);
                }
            }
        }
        if (bound < c) ScalarFft.hermitianExtendRange(src, srcOff, dst, dstOff, w, c, edgeScale, midScale, bound, c);
    }

    @Override
    public void scale(float[] src, int srcOff, float[] dst, int dstOff, int n, float factor) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += LANES) {
            load(src, srcOff + i).mul(factor).intoArray(dst, dstOff + i);
        }
        for (; i < n; i++) dst[dstOff + i] = factor * src[srcOff + i];
    }
}
