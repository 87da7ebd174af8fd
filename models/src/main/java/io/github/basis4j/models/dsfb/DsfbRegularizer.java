package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Regularizers;
import io.github.basis4j.nn.functional.Arith;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.NormStats;
import java.util.ArrayList;
import java.util.List;

/**
 * The orthogonality regulariser of Deeply Shared Filter Bases as the reference's training script computes it
 * ({@code train_cifar10.py}: {@code train_basis_double}, {@code train_basis_single}, {@code train_basis_sharedonly}),
 * added to the cross-entropy so the shared bases stay near-orthonormal through their recursive reuse.
 *
 * <p>For each stage, B stacks the flattened basis filters (each {@code planes·3·3} values) as rows: the
 * shared bases ({@code shared_basis_<s>_1} then {@code _2}, or {@code shared_basis_<s>}), then, for
 * {@code layer<s>.1}, {@code .2}, … in order, the block's {@code basis_conv1} and {@code basis_conv2}.
 * With {@code S} shared rows, {@code U} filters per unique basis, {@code K = 2·(blocks − 1)} unique bases and
 * {@code A = S + K·U} rows, {@code D = (B·Bᵀ − I)²} elementwise, and
 * <pre>
 *   sim_s = Σ D[0:S, 0:A]  +  Σ_k Σ D[u_k:u_k+U, u_k:u_k+U]        u_k = S + k·U
 *   cnt_s = S·A + K·U²
 *   penalty = λ · (Σ_s sim_s) / (Σ_s cnt_s)
 * </pre>
 * that is: shared filters against every filter of the stage, and each unique basis's filters among
 * themselves — never one layer's unique filters against another's. The normalisation is one division of
 * the total over all stages by the total count, not a mean of per-stage means. SharedOnly models, and any
 * model with {@code includeUniqueBases = false}, stack only the shared rows and take all of D
 * ({@code cnt_s = S²}). The Gram matrices and their gradients are simd-core's
 * {@link NormStats#gramPenalty} kernels, reached through {@link Regularizers#orthogonalityPenalty}; the
 * selection is {@link NormStats#dsfbGramMask}.
 *
 * <p>The reference trains plain and NonShared models without this term; {@link #appliesTo} says whether a
 * model has shared bases. Build one regulariser per model and call {@link #penalty()} every step: it reads
 * the parameters' current values.
 */
public final class DsfbRegularizer {
    /** λ: {@code train_cifar10.py}'s {@code --lambdaR} default (the README uses 10 for every dataset too). */
    public static final double DEFAULT_LAMBDA = 10.0;

    private record StageTerm(List<Variable> bases, Tensor mask) {
    }

    private final List<StageTerm> terms = new ArrayList<>(3);
    private final double lambda;
    private final long count;

    private DsfbRegularizer(CifarResNet model, double lambda, boolean includeUniqueBases) {
        this.lambda = lambda;
        long cnt = 0;
        for (CifarResNet.Stage stage : model.stages()) {
            List<Variable> bases = new ArrayList<>();
            int shared = 0;
            for (Conv2d s : stage.sharedBases()) {
                bases.add(s.weight());
                shared += s.outChannels();
            }
            int perBasis = 0, uniqueBases = 0;
            if (includeUniqueBases && model.sharing().hasUniqueBases()) {
                for (BasisBlock block : stage.basisBlocks()) {
                    for (Conv2d u : block.uniqueBases()) {
                        bases.add(u.weight());
                        perBasis = u.outChannels();
                        uniqueBases++;
                    }
                }
            }
            int rows = shared + uniqueBases * perBasis;
            // Without unique rows the reference takes every entry, D[0:S, 0:S]: no mask.
            Tensor mask = uniqueBases == 0 ? null : NormStats.dsfbGramMask(shared, perBasis, uniqueBases);
            cnt += uniqueBases == 0 ? (long) shared * shared : (long) shared * rows + (long) uniqueBases * perBasis * perBasis;
            terms.add(new StageTerm(List.copyOf(bases), mask));
        }
        this.count = cnt;
    }

    /** Whether the reference regularises this model: it has shared bases (SharedOnly, SingleShared, DoubleShared). */
    public static boolean appliesTo(CifarResNet model) {
        return model != null && model.sharing().sharedBasesPerStage() > 0;
    }

    /** The reference's default: λ = {@value #DEFAULT_LAMBDA}, unique bases included. */
    public static DsfbRegularizer of(CifarResNet model) {
        return of(model, DEFAULT_LAMBDA, true);
    }

    /**
     * A regulariser of weight {@code lambda}; {@code includeUniqueBases} is the reference's
     * {@code include_unique_basis} (true in its training loop; SharedOnly models have none either way).
     *
     * @throws IllegalArgumentException if the model has no shared bases or lambda is not finite and ≥ 0
     */
    public static DsfbRegularizer of(CifarResNet model, double lambda, boolean includeUniqueBases) {
        String op = "DsfbRegularizer";
        if (model == null) throw new IllegalArgumentException(op + ": model must not be null");
        if (!appliesTo(model)) {
            throw new IllegalArgumentException(op + ": a " + model.sharing() + " model has no shared bases; the reference trains it without the penalty");
        }
        if (!(lambda >= 0 && Double.isFinite(lambda))) throw new IllegalArgumentException(op + ": lambda must be finite and >= 0, got " + lambda);
        return new DsfbRegularizer(model, lambda, includeUniqueBases);
    }

    /**
     * {@code λ · Σ_s sim_s / Σ_s cnt_s} as a scalar variable (shape {@code []}); back-propagating it adds
     * into the basis weights' gradients.
     */
    public Variable penalty() {
        double scale = lambda / count;
        Variable total = null;
        for (StageTerm t : terms) {
            Variable term = Regularizers.orthogonalityPenalty(t.bases(), t.mask(), scale);
            total = total == null ? term : Arith.add(total, term);
        }
        return total;
    }

    /** λ. */
    public double lambda() {
        return lambda;
    }

    /** The reference's {@code cnt_sim}: Gram entries selected, summed over the stages. */
    public long count() {
        return count;
    }
}
