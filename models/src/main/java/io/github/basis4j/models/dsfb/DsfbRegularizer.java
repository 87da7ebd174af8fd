package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Regularizers;
import io.github.basis4j.nn.functional.Arith;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.NormStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
 * <p>The other train scripts ({@code train_cifar100.py}, {@code train_ilsvrc.py}) leave unique bases out and take
 * all of D over the stacked shared rows: {@code penalty = λ · Σ_g Σ D_g / Σ_g S_g²} over the model's groups g —
 * a basic-block ResNet's stages (both bases of an ILSVRC DoubleShared stage stacked together), a MobileNetV2_Shared's,
 * DenseNet121_SingleShared's (its unused {@code shared_basis_4} included) or ResNext50_SingleShared's
 * {@code shared_basis_1..4}. {@code train_basis_double_separate} (ResNet50/101_Shared, MobileNetV2_SharedDouble) adds
 * two such averages, one over the {@code shared_basis_<g>_1} layers and one over the {@code _2} layers.
 *
 * <p>The reference trains plain and NonShared models without this term; {@link #appliesTo} says whether a
 * model has shared bases. Build one regulariser per model and call {@link #penalty()} every step: it reads
 * the parameters' current values.
 */
public final class DsfbRegularizer {
    /** λ: every train script's {@code --lambdaR} default (the README uses 10 for every dataset too). */
    public static final double DEFAULT_LAMBDA = 10.0;

    private record StageTerm(List<Variable> bases, Tensor mask) {
    }

    /** One averaged sum: {@code Σ_s sim_s / Σ_s cnt_s}. */
    private record Term(List<StageTerm> stages, long count) {
    }

    private final List<Term> terms;
    private final double lambda;

    private DsfbRegularizer(List<Term> terms, double lambda) {
        this.terms = List.copyOf(terms);
        this.lambda = lambda;
    }

    /** {@code train_cifar10.py}'s terms (one), see the class description. */
    private static List<Term> cifar10Terms(CifarResNet model, boolean includeUniqueBases) {
        List<StageTerm> stages = new ArrayList<>(3);
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
            stages.add(new StageTerm(List.copyOf(bases), mask));
        }
        return shared(stages) ? List.of(new Term(stages, cnt)) : List.of();
    }

    private static boolean shared(List<StageTerm> stages) {
        return stages.stream().anyMatch(s -> !s.bases().isEmpty());
    }

    /**
     * One term over groups of bases: per group its bases stacked, all of D taken ({@code train_cifar100.py}
     * {@code train_basis}, {@code train_ilsvrc.py} {@code train_basis_single} and {@code train_basis_double}).
     */
    private static Term stacked(List<List<Conv2d>> groups) {
        List<StageTerm> stages = new ArrayList<>(groups.size());
        long cnt = 0;
        for (List<Conv2d> g : groups) {
            long rows = 0;
            List<Variable> bases = new ArrayList<>(g.size());
            for (Conv2d c : g) {
                bases.add(c.weight());
                rows += c.outChannels();
            }
            cnt += rows * rows;
            stages.add(new StageTerm(List.copyOf(bases), null));
        }
        return new Term(stages, cnt);
    }

    /**
     * The model's shared layers {@code shared_basis_<g><suffix>} for g = 1, 2, … as long as they exist, each
     * group a singleton list.
     */
    private static List<List<Conv2d>> numbered(Module model, String suffix) {
        List<List<Conv2d>> out = new ArrayList<>(4);
        Map<String, Module> children = model.children();
        for (int g = 1; children.get("shared_basis_" + g + suffix) instanceof Conv2d c; g++) out.add(List.of(c));
        return out;
    }

    /**
     * {@code train_basis_double_separate}: the average over the {@code _1} layers plus the average over the
     * {@code _2} layers, two terms.
     */
    private static List<Term> separate(Module model) {
        return List.of(stacked(numbered(model, "_1")), stacked(numbered(model, "_2")));
    }

    /** The terms the reference's train script for this model adds, empty where it trains with plain {@code train()}. */
    private static List<Term> termsOf(Module model) {
        if (model instanceof CifarResNet c) return c.sharing().sharedBasesPerStage() > 0 ? cifar10Terms(c, true) : List.of();
        if (model instanceof FourStageResNet r) {
            if (r.bottleneckSharing() == BottleneckSharing.SHARED) return separate(r);
            List<List<Conv2d>> groups = new ArrayList<>(4);
            // Basic blocks: every script stacks a stage's shared bases (ILSVRC DoubleShared: _1 and _2 together).
            for (FourStageResNet.Stage st : r.stages()) if (!st.sharedLayers().isEmpty()) groups.add(st.sharedLayers());
            return groups.isEmpty() ? List.of() : List.of(stacked(groups));
        }
        if (model instanceof MobileNetV2 m) {
            return switch (m.variant()) {
                case NONE -> List.of();
                case SHARED -> List.of(stacked(numbered(m, "")));
                case SHARED_DOUBLE -> separate(m);
            };
        }
        // DenseNet121_SingleShared's unused shared_basis_4 is in the penalty too: the script loops over all four.
        if (model instanceof DenseNet d) return d.sharedBases().isEmpty() ? List.of() : List.of(stacked(numbered(d, "")));
        if (model instanceof ResNext x) return x.sharedBases().isEmpty() ? List.of() : List.of(stacked(numbered(x, "")));
        return List.of();
    }

    /** Whether the reference's train script regularises this model: a DSFB model with shared bases. */
    public static boolean appliesTo(Module model) {
        return model != null && !termsOf(model).isEmpty();
    }

    /** The reference's default: λ = {@value #DEFAULT_LAMBDA}, unique bases included where the script includes them. */
    public static DsfbRegularizer of(Module model) {
        return of(model, DEFAULT_LAMBDA);
    }

    /**
     * The penalty the reference's train script adds for {@code model}, of weight {@code lambda}.
     *
     * @throws IllegalArgumentException if the script trains the model without the penalty or lambda is not finite and ≥ 0
     */
    public static DsfbRegularizer of(Module model, double lambda) {
        if (model instanceof CifarResNet c) return of(c, lambda, true);
        check(model, lambda);
        return new DsfbRegularizer(termsOf(model), lambda);
    }

    /**
     * A CIFAR-10 regulariser of weight {@code lambda}; {@code includeUniqueBases} is the reference's
     * {@code include_unique_basis} (true in its training loop; SharedOnly models have none either way).
     *
     * @throws IllegalArgumentException if the model has no shared bases or lambda is not finite and ≥ 0
     */
    public static DsfbRegularizer of(CifarResNet model, double lambda, boolean includeUniqueBases) {
        check(model, lambda);
        return new DsfbRegularizer(cifar10Terms(model, includeUniqueBases), lambda);
    }

    private static void check(Module model, double lambda) {
        String op = "DsfbRegularizer";
        if (model == null) throw new IllegalArgumentException(op + ": model must not be null");
        if (!appliesTo(model)) {
            throw new IllegalArgumentException(op + ": " + model.getClass().getSimpleName() + " "
                    + (model instanceof CifarResNet c ? c.sharing() + " " : "") + "has no shared bases the reference regularises; its train script trains it without the penalty");
        }
        if (!(lambda >= 0 && Double.isFinite(lambda))) throw new IllegalArgumentException(op + ": lambda must be finite and >= 0, got " + lambda);
    }

    /**
     * {@code λ · Σ_s sim_s / Σ_s cnt_s} as a scalar variable (shape {@code []}); back-propagating it adds
     * into the basis weights' gradients.
     */
    public Variable penalty() {
        Variable total = null;
        for (Term term : terms) {
            double scale = lambda / term.count();
            for (StageTerm t : term.stages()) {
                Variable v = Regularizers.orthogonalityPenalty(t.bases(), t.mask(), scale);
                total = total == null ? v : Arith.add(total, v);
            }
        }
        return total;
    }

    /** λ. */
    public double lambda() {
        return lambda;
    }

    /** The reference's {@code cnt_sim}: Gram entries selected, summed over the stages (and the terms, for the separate ones). */
    public long count() {
        long c = 0;
        for (Term t : terms) c += t.count();
        return c;
    }
}
