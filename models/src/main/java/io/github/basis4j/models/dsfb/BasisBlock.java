package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Arith;
import io.github.basis4j.nn.functional.Shapes;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.Sequential;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A residual block whose two 3×3 convolutions are each decomposed into filter bases and coefficients
 * (Kim &amp; Kang, "Deeply Shared Filter Bases", NeurIPS 2020; the reference's {@code BasicBlock_NonShared},
 * {@code _SharedOnly}, {@code _SingleShared} and {@code _DoubleShared}, one class here chosen by
 * {@link Sharing}).
 *
 * <p>Each convolution {@code j ∈ {1, 2}} computes
 * <pre>
 *   basis_j(x) = cat(basis_conv_j(x), shared_j(x))      3×3, planes → uniqueRank + sharedRank channels
 *   y_j        = bn_j(coeff_conv_j(basis_bn_j(basis_j(x))))   1×1, rank → planes
 * </pre>
 * with the unique channels first, as the reference's {@code torch.cat((basis_conv(x), shared_basis(x)), 1)}.
 * A variant without unique bases uses {@code shared_j(x)} alone, one without shared bases
 * {@code basis_conv_j(x)} alone. There is no activation between the basis and the coefficients. The block
 * is {@code relu(y_2(relu(y_1(x))) + x)}: basis blocks never change width or resolution (the stage's first
 * block, a {@link BasicBlock}, does), so every convolution has stride 1 and the shortcut is the identity.
 *
 * <p>The shared basis convolutions belong to the stage: the same {@link Conv2d} objects are registered here
 * and on the model, so {@code stateDict()} lists them under both paths (as PyTorch does) while
 * {@code namedParameters()} lists them once, and their gradient is the sum over every use.
 *
 * <p>Shapes: x {@code [n, h, w, planes]} → {@code [n, h, w, planes]}.
 *
 * <p>State, in the reference's order: the shared bases ({@code shared_basis} for the one-basis variants
 * {@link Sharing#SINGLE_SHARED} and {@link Sharing#SHARED_ONLY_SINGLE},
 * otherwise {@code shared_basis_1}, {@code shared_basis_2}, each {@code [sharedRank, planes, 3, 3]}); then,
 * for j = 1, 2: {@code basis_conv<j>.weight [uniqueRank, planes, 3, 3]} (if unique bases), {@code basis_bn<j>.*}
 * over the rank, {@code coeff_conv<j>.weight [planes, rank, 1, 1]}, {@code bn<j>.*}; the identity shortcut
 * has no state.
 */
public final class BasisBlock extends Module {
    private final Conv2d[] unique = new Conv2d[2];
    private final Conv2d[] shared = new Conv2d[2];
    private final BatchNorm2d[] basisBn = new BatchNorm2d[2];
    private final Conv2d[] coeff = new Conv2d[2];
    private final BatchNorm2d[] bn = new BatchNorm2d[2];
    private final Module shortcut;

    /**
     * A basis block of {@code planes} channels.
     *
     * @param sharing the variant; {@link Sharing#NONE} has no basis blocks and is rejected
     * @param sharedBases the stage's shared basis convolutions, {@code sharing.sharedBasesPerStage()} of them,
     *     each 3×3 from {@code planes} channels, stride 1, padding 1
     * @param uniqueRank the block's own basis filters per convolution: ≥ 1 with unique bases, 0 without
     * @param rng the source of the layers' default initial weights (the model re-initialises them)
     */
    public BasisBlock(Sharing sharing, int planes, List<Conv2d> sharedBases, int uniqueRank, Rng rng) {
        String op = "BasisBlock";
        if (sharing == null || !sharing.hasBasisBlocks()) throw new IllegalArgumentException(op + ": sharing must be a basis variant, got " + sharing);
        if (sharedBases == null || sharedBases.size() != sharing.sharedBasesPerStage()) {
            throw new IllegalArgumentException(op + ": " + sharing + " needs " + sharing.sharedBasesPerStage() + " shared bases, got "
                    + (sharedBases == null ? "null" : sharedBases.size()));
        }
        if (sharing.hasUniqueBases() ? uniqueRank < 1 : uniqueRank != 0) {
            throw new IllegalArgumentException(op + ": " + sharing + " needs uniqueRank " + (sharing.hasUniqueBases() ? ">= 1" : "0") + ", got " + uniqueRank);
        }
        for (Conv2d s : sharedBases) {
            if (s.inChannels() != planes || s.kernelH() != 3 || s.kernelW() != 3 || s.params().strideH() != 1 || s.params().strideW() != 1
                    || s.params().padH() != 1 || s.params().padW() != 1) {
                throw new IllegalArgumentException(op + ": a shared basis must be a 3×3 convolution from " + planes
                        + " channels with stride 1 and padding 1, got weight " + s.weight().shape() + " with " + s.params());
            }
        }
        // Registration follows the reference's __init__: shared bases first, then per convolution its unique
        // basis, basis norm, coefficients and output norm, then the (empty) shortcut.
        if (sharing.sharedBasesPerStage() == 1) {
            shared[0] = shared[1] = registerModule("shared_basis", sharedBases.get(0));
        } else if (sharing.sharedBasesPerStage() == 2) {
            shared[0] = registerModule("shared_basis_1", sharedBases.get(0));
            shared[1] = registerModule("shared_basis_2", sharedBases.get(1));
        }
        for (int j = 0; j < 2; j++) {
            int rank = uniqueRank + (shared[j] == null ? 0 : shared[j].outChannels());
            if (sharing.hasUniqueBases()) unique[j] = registerModule("basis_conv" + (j + 1), new Conv2d(planes, uniqueRank, 3, 1, 1, false, rng));
            basisBn[j] = registerModule("basis_bn" + (j + 1), new BatchNorm2d(rank));
            coeff[j] = registerModule("coeff_conv" + (j + 1), new Conv2d(rank, planes, 1, 1, 0, false, rng));
            bn[j] = registerModule("bn" + (j + 1), new BatchNorm2d(planes));
        }
        this.shortcut = registerModule("shortcut", new Sequential());
    }

    /** x {@code [n, h, w, planes]} → {@code relu(y_2(relu(y_1(x))) + x)}, see the class description. */
    @Override
    public Variable forward(Variable x) {
        Variable out = Activation.relu(decomposedConv(0, x));
        out = decomposedConv(1, out);
        return Activation.relu(Arith.add(out, shortcut.forward(x)));
    }

    /** {@code bn_j(coeff_conv_j(basis_bn_j(cat(unique_j(x), shared_j(x)))))} for j = {@code j + 1}. */
    private Variable decomposedConv(int j, Variable x) {
        Variable basis;
        if (unique[j] == null) basis = shared[j].forward(x);
        else if (shared[j] == null) basis = unique[j].forward(x);
        else basis = Shapes.concatChannels(unique[j].forward(x), shared[j].forward(x));
        return bn[j].forward(coeff[j].forward(basisBn[j].forward(basis)));
    }

    /** Convolution j's (0 or 1) unique basis, or null without unique bases; for inference fusion. */
    Conv2d uniqueBasis(int j) {
        return unique[j];
    }

    /** Convolution j's shared basis, or null without shared bases. */
    Conv2d sharedBasis(int j) {
        return shared[j];
    }

    /** Convolution j's norm over the concatenated basis responses. */
    BatchNorm2d basisBn(int j) {
        return basisBn[j];
    }

    /** Convolution j's 1×1 coefficients, rank → planes. */
    Conv2d coeff(int j) {
        return coeff[j];
    }

    /** Convolution j's output norm. */
    BatchNorm2d bn(int j) {
        return bn[j];
    }

    /**
     * The block's unique basis convolutions, {@code basis_conv1} then {@code basis_conv2} (empty without
     * unique bases): the rows the orthogonality penalty stacks after the shared ones.
     */
    public List<Conv2d> uniqueBases() {
        List<Conv2d> out = new ArrayList<>(2);
        for (Conv2d u : unique) if (u != null) out.add(u);
        return Collections.unmodifiableList(out);
    }
}
