#!/usr/bin/env python3
"""Fits the float32 polynomial coefficients of simd-core's exp, tanh, erf and erfc (ScalarMath / PanamaMath).

Each fit is a near-minimax polynomial found by Lawson's iteratively reweighted least squares on 4000 Chebyshev
nodes, minimising the maximum relative error of the final function (not of the polynomial alone). The printed
literals are the coefficients rounded to float32, lowest degree first, with the maximum relative error of the
function evaluated in double with those rounded coefficients. Reproduce with: python3 tools/fit_float_math.py
(numpy and scipy; scipy.special.erfcx is the erfc reference).
"""
import numpy as np
from scipy.special import erf, erfcx


def lawson(x, target, scale, degree, iters=300):
    """Minimise max |scale·(Σ c_i x^i − target)| over the nodes x."""
    a = np.stack([x ** i for i in range(degree + 1)], axis=1)
    w = np.ones_like(x)
    for _ in range(iters):
        ws = np.sqrt(w) * scale
        c, *_ = np.linalg.lstsq(a * ws[:, None], target * ws, rcond=None)
        err = np.abs(scale * (a @ c - target))
        w = w * err
        w /= w.sum()
    return c.astype(np.float32).astype(np.float64)


def cheb(lo, hi, n=4000):
    return np.cos(np.linspace(0, np.pi, n)) * (hi - lo) / 2 + (hi + lo) / 2


def poly(c, x):
    return np.polyval(c[::-1], x)


def report(name, c, max_rel):
    print(f"{name}: max relative error {max_rel:.3g}")
    print("  " + ", ".join(str(np.float32(v)) + "f" for v in c))


# exp(r) = 1 + r + r²·P(r) on the Cody–Waite reduced range |r| ≤ ln2/2.
r = cheb(-np.log(2) / 2, np.log(2) / 2)
r = r[np.abs(r) > 1e-6]
c = lawson(r, (np.expm1(r) - r) / r ** 2, r ** 2 / np.exp(r), 4)
report("EXP P(r)", c, np.max(np.abs(1 + r + r ** 2 * poly(c, r) - np.exp(r)) / np.exp(r)))

# tanh(x) = x + x³·T(x²) for |x| < 0.625.
x = cheb(1e-4, 0.625)
c = lawson(x * x, (np.tanh(x) - x) / x ** 3, x ** 3 / np.tanh(x), 4)
report("TANH T(s)", c, np.max(np.abs(x + x ** 3 * poly(c, x * x) - np.tanh(x)) / np.tanh(x)))

# erf(t) = t + t·(E0 + t²·E(t²)) for 0 ≤ t < 1: E0 = 2/√π − 1 is fixed (rounded to float) and the rest fitted,
# so that the leading coefficient carries no fitting error and the evaluation ends in one FMA onto t.
t = cheb(1e-4, 1.0)
e0 = float(np.float32(2 / np.sqrt(np.pi) - 1))
c = lawson(t * t, (erf(t) / t - 1 - e0) / (t * t), t ** 3 / erf(t), 5)
print(f"ERF E0 = {str(np.float32(e0))}f (2/sqrt(pi) - 1, rounded)")
report("ERF E(s)", c, np.max(np.abs(t + t * (e0 + t * t * poly(c, t * t)) - erf(t)) / erf(t)))

# erfc(t) = exp(−t²)·R(q)/(1 + 2t) with q = (t − 2)/(t + 2), for 0 ≤ t ≤ 10.5 (erfc(10.5) underflows float).
k, tmax = 2.0, 10.5
q = cheb(-1.0, (tmax - k) / (tmax + k))
t = k * (1 + q) / (1 - q)
rq = erfcx(t) * (1 + 2 * t)
c = lawson(q, rq, 1 / rq, 11)
report("ERFC R(q)", c, np.max(np.abs(poly(c, q) - rq) / rq))
