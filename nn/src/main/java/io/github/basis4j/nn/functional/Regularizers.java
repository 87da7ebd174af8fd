package io.github.basis4j.nn.functional;

import io.github.basis4j.nn.autograd.Graph;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.profile.OpCategory;
import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.NormStats;
import java.util.List;

/**
 * Regularisation terms recorded for autograd. The orthogonality penalty of Deeply Shared Filter Bases
 * (Kim &amp; Kang, arXiv 2006.05066) keeps a shared filter basis near-orthonormal so gradients through its
 * recursive reuse neither vanish nor explode; simd-core's {@link NormStats#gramPenalty} and
 * {@link NormStats#gramPenaltyBackward} compute it.
 *
 * <p>The reference ({@code ssregibility/Net_RL2}, {@code train_cifar10.py}) adds
 * {@code lambdaR · Σ_stages Σ M∘(B·Bᵀ − I)² / Σ_stages cnt} to the cross-entropy: call
 * {@link #orthogonalityPenalty(List, Tensor, double)} once per stage with that stage's bases, its mask
 * {@link NormStats#dsfbGramMask} and {@code scale = lambdaR / Σ cnt} (cnt = the mask's ones), and sum the
 * terms with {@link Arith#add}.
 */
public final class Regularizers {
    private Regularizers() {
    }

    /**
     * {@code scale · Σ_ij M_ij·((B·Bᵀ)_ij − δ_ij)²} as a scalar (shape {@code []}, like the losses). basis holds r filters
     * on its first axis, each flattened ({@code basis.view(r, -1)}: a conv basis weight {@code [r, c, kh, kw]}
     * gives {@code d = c·kh·kw}); mask is {@code [r, r]} or null for all ones. The sum is taken in double.
     */
    public static Variable orthogonalityPenalty(Variable basis, Tensor mask, double scale) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            String op = "orthogonalityPenalty";
            checkScale(op, scale);
            int r = rowsAndFilterSize(op, new Variable[] {basis})[0];
            Tensor b = basis.value();
            Tensor g = Tensor.zeros(r, r);
            double penalty = NormStats.gramPenalty(b, mask, g);
            Tensor y = Tensor.of(new float[] {(float) (scale * penalty)});
            return Graph.record(y, new Node(basis) {
                @Override public String name() { return op; }

                @Override
                protected void backward(Tensor gradOut) {
                    NormStats.gramPenaltyBackward(b, mask, g, (float) (scale * gradOut.get(0)), gradOf(0));
                }
            });
        }
    }

    /**
     * The penalty of the bases stacked along their first axis, the reference's
     * {@code B = torch.cat([shared, unique_1, …], 0).view(r, -1)}: every basis is {@code [r_i, ...]} with the
     * same filter size {@code d}, {@code r = Σ r_i}, and mask is {@code [r, r]} or null. The result is
     * a scalar; each basis receives the gradient of its own rows (a basis listed twice receives both).
     */
    public static Variable orthogonalityPenalty(List<Variable> bases, Tensor mask, double scale) {
        try (var _ = OpProfiler.time(OpCategory.OTHER)) {
            String op = "orthogonalityPenalty";
            if (bases == null || bases.isEmpty()) throw new IllegalArgumentException(op + ": bases must hold at least one basis");
            checkScale(op, scale);
            Variable[] in = bases.toArray(new Variable[0]);
            int[] rd = rowsAndFilterSize(op, in);
            int r = rd[0], d = rd[1];
            Tensor b = Tensor.zeros(r, d);
            int row = 0;
            for (Variable v : in) {
                Tensor t = v.value();
                System.arraycopy(t.data(), t.offset(), b.data(), row * d, t.size());
                row += t.dim(0);
            }
            Tensor g = Tensor.zeros(r, r);
            double penalty = NormStats.gramPenalty(b, mask, g);
            Tensor y = Tensor.of(new float[] {(float) (scale * penalty)});
            final int filterSize = d;
            return Graph.record(y, new Node(in) {
                @Override public String name() { return op; }

                @Override
                protected void backward(Tensor gradOut) {
                    Tensor db = Tensor.zeros(b.shape());
                    NormStats.gramPenaltyBackward(b, mask, g, (float) (scale * gradOut.get(0)), db);
                    // Scatter the stacked gradient back: basis i owns rows [first_i, first_i + r_i) of db.
                    float[] src = db.data();
                    int first = 0;
                    for (int i = 0; i < in.length; i++) {
                        int n = in[i].value().size();
                        if (needsGrad(i)) {
                            Tensor dst = gradOf(i);
                            float[] dd = dst.data();
                            int dOff = dst.offset(), sOff = first * filterSize;
                            for (int k = 0; k < n; k++) dd[dOff + k] += src[sOff + k];
                        }
                        first += in[i].value().dim(0);
                    }
                }
            });
        }
    }

    /** {r = Σ r_i, d} of bases that are each {@code [r_i, ...]} with {@code r_i ≥ 1} filters of one size {@code d ≥ 1}. */
    private static int[] rowsAndFilterSize(String op, Variable[] bases) {
        int r = 0, d = -1;
        for (int i = 0; i < bases.length; i++) {
            if (bases[i] == null) throw new IllegalArgumentException(op + ": basis " + i + " must not be null");
            Tensor t = bases[i].value();
            if (t.rank() < 2 || t.dim(0) < 1 || t.size() == 0) {
                throw new IllegalArgumentException(op + ": basis " + i + " must have rank >= 2 and at least one non-empty filter, got shape "
                        + t.shape());
            }
            int di = t.size() / t.dim(0);
            if (d >= 0 && di != d) {
                throw new IllegalArgumentException(op + ": basis " + i + " must have filters of " + d + " values like basis 0, got shape "
                        + t.shape() + " (" + di + " per filter)");
            }
            d = di;
            r += t.dim(0);
        }
        return new int[] {r, d};
    }

    private static void checkScale(String op, double scale) {
        if (!Double.isFinite(scale)) throw new IllegalArgumentException(op + ": scale must be finite, got " + scale);
    }
}
