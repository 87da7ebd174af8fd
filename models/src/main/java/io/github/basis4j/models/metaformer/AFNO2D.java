package io.github.basis4j.models.metaformer;

import io.github.basis4j.fft.Norm;
import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Activation;
import io.github.basis4j.nn.functional.Arith;
import io.github.basis4j.nn.functional.Spectral;
import io.github.basis4j.nn.init.Init;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.Identity;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import java.util.function.Supplier;

/**
 * The Adaptive Fourier Neural Operator token mixer (Guibas et al., arXiv 2111.13587) as the DFFormer reference's
 * {@code dfformer_s18_afno} ablation uses it: {@code AFNO2D(dim, expansion_ratio=2, act1_layer=StarReLU,
 * act2_layer=nn.Identity, bias=False, size, num_blocks=8, sparsity_threshold=0.01, hard_thresholding_fraction=1,
 * hidden_size_factor=1)}:
 * <pre>
 *   u = act1(pwconv1(x))                                       M = 2·dim channels, nb blocks of M/nb
 *   s = softshrink(B2(relu(B1(rfft2(u)))), 0.01)              Bk(z) = z·(wk[0] + j·wk[1]) + (bk[0] + j·bk[1]) per block
 *   y = pwconv2(act2(irfft2(s) + u))
 * </pre>
 * with the FFTs over H and W, norm {@code ortho}; relu and softshrink act on real and imaginary parts separately.
 * The reference's hard-thresholding fraction 1 keeps every mode, so no mode is zeroed.
 *
 * <p>Shapes: x {@code [n, size, W, dim]} → the same shape. Unlike the filter mixers, the weights do not depend on
 * the map size, but the reference reshapes the spectrum to its constructor's {@code size}, so a map of another size
 * is rejected here as there.
 *
 * <p>State, in the reference's order (own parameters before submodules): {@code w1 [2, nb, M/nb, M/nb]},
 * {@code b1 [2, nb, M/nb]}, {@code w2 [2, nb, M/nb, M/nb]}, {@code b2 [2, nb, M/nb]} (all N(0, 0.02²)),
 * {@code pwconv1.weight [M, dim]}, {@code act1.*}, {@code pwconv2.weight [dim, M]}.
 */
public final class AFNO2D extends Module {
    /** The reference's default {@code num_blocks}. */
    public static final int DEFAULT_NUM_BLOCKS = 8;
    /** The reference's default {@code sparsity_threshold}, the softshrink λ. */
    public static final float DEFAULT_SPARSITY_THRESHOLD = 0.01f;
    /** The reference's {@code self.scale}: the std of its {@code torch.randn} initialisation of w1, b1, w2, b2. */
    public static final double INIT_STD = 0.02;

    private final int height;
    private final int width;
    private final float sparsityThreshold;
    private final Parameter w1;
    private final Parameter b1;
    private final Parameter w2;
    private final Parameter b2;
    private final Linear pwconv1;
    private final Module act1;
    private final Module act2;
    private final Linear pwconv2;

    /**
     * @param dim               channels of the map
     * @param height            rows of the map (the reference's {@code size[0]})
     * @param width             columns of the map ({@code size[1]}; the spectrum has {@code width/2 + 1} columns)
     * @param numBlocks         nb, blocks of the block-diagonal complex weights; must divide {@code 2·dim}
     * @param sparsityThreshold softshrink λ, {@code >= 0}
     * @param act1              makes the activation after pwconv1 (StarReLU in the reference)
     * @param rng               the source of initial weights
     */
    public AFNO2D(int dim, int height, int width, int numBlocks, float sparsityThreshold, Supplier<Module> act1, Rng rng) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("AFNO2D: the map must be at least 1x1, got " + height + "x" + width);
        }
        int med = DynamicFilter.EXPANSION_RATIO * dim;
        if (numBlocks < 1 || med % numBlocks != 0) {
            throw new IllegalArgumentException("AFNO2D: numBlocks must divide the hidden width 2·dim = " + med + ", got " + numBlocks);
        }
        if (!(sparsityThreshold >= 0)) {
            throw new IllegalArgumentException("AFNO2D: sparsityThreshold must be >= 0, got " + sparsityThreshold);
        }
        this.height = height;
        this.width = width;
        this.sparsityThreshold = sparsityThreshold;
        int block = med / numBlocks;
        // hidden_size_factor 1: the hidden layer is as wide as the input, block by block.
        this.w1 = registerParameter("w1", Shape.of(2, numBlocks, block, block));
        this.b1 = registerParameter("b1", Shape.of(2, numBlocks, block));
        this.w2 = registerParameter("w2", Shape.of(2, numBlocks, block, block));
        this.b2 = registerParameter("b2", Shape.of(2, numBlocks, block));
        for (Parameter p : new Parameter[] {w1, b1, w2, b2}) Init.normal(p.value(), 0.0, INIT_STD, rng);
        this.pwconv1 = registerModule("pwconv1", new Linear(dim, med, false, rng));
        this.act1 = registerModule("act1", act1.get());
        this.act2 = registerModule("act2", new Identity());
        this.pwconv2 = registerModule("pwconv2", new Linear(med, dim, false, rng));
    }

    /** x {@code [n, size, W, dim]} → the same shape. */
    @Override
    public Variable forward(Variable x) {
        Shape s = x.shape();
        if (s.rank() != 4 || s.dim(1) != height || s.dim(2) != width) {
            throw new IllegalArgumentException("AFNO2D: x must be [n, " + height + ", " + width + ", dim] (the size the mixer was built for), got " + s);
        }
        // The pre-FFT activation is also the residual the reference adds back after the inverse transform.
        Variable u = act1.forward(pwconv1.forward(x));
        Variable spec = Spectral.rfft2(u, Norm.ORTHO);
        // Spectral MLP: complex block linear, ReLU on both parts, complex block linear, soft-shrink both parts.
        Variable hidden = Activation.relu(Spectral.blockComplexLinear(spec, w1, b1));
        Variable mixed = Activation.softshrink(Spectral.blockComplexLinear(hidden, w2, b2), sparsityThreshold);
        Variable y = Arith.add(Spectral.irfft2(mixed, height, width, Norm.ORTHO), u);
        return pwconv2.forward(act2.forward(y));
    }
}
