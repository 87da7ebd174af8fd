package io.github.basis4j.models.metaformer;

import io.github.basis4j.nn.autograd.NoGrad;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.functional.Arith;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.DropPath;
import io.github.basis4j.nn.modules.Identity;
import io.github.basis4j.nn.modules.LayerNormChannels;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.Scale;

/**
 * One MetaFormer block, the reference's {@code MetaFormerBlock}:
 * <pre>
 *   x = res_scale1(x) + layer_scale1(drop_path1(token_mixer(norm1(x))))
 *   x = res_scale2(x) + layer_scale2(drop_path2(mlp(norm2(x))))
 * </pre>
 * Norms are the bias-free channel LayerNorm (eps 1e-6); a scale given as null is the identity, as the
 * reference's {@code None}; drop path of rate 0 is the identity.
 *
 * <p>Shapes: x {@code [n, h, w, dim]} → the same shape.
 *
 * <p>Inside a {@code NoGrad} scope each residual sum is written over its branch's output instead of a new
 * tensor, so a token mixer or MLP given here must return a tensor it does not keep (every module of this
 * package does); x itself is never written.
 *
 * <p>State: {@code norm1.weight}, {@code token_mixer.*}, {@code layer_scale1.scale}, {@code res_scale1.scale}
 * (each if present), {@code norm2.weight}, {@code mlp.*}, {@code layer_scale2.scale}, {@code res_scale2.scale}.
 */
public final class MetaFormerBlock extends Module {
    private final Module norm1;
    private final Module tokenMixer;
    private final Module dropPath1;
    private final Module layerScale1;
    private final Module resScale1;
    private final Module norm2;
    private final Module mlp;
    private final Module dropPath2;
    private final Module layerScale2;
    private final Module resScale2;

    /**
     * @param dim                channels
     * @param tokenMixer         the token mixer, {@code [n, h, w, dim]} → the same shape
     * @param mlp                the channel MLP, likewise
     * @param dropPath           stochastic depth rate of both branches
     * @param layerScaleInit     initial layer scale, or null for none
     * @param resScaleInit       initial residual scale, or null for none
     * @param rng                the source of drop-path masks
     */
    public MetaFormerBlock(int dim, Module tokenMixer, Module mlp, double dropPath, Double layerScaleInit, Double resScaleInit, Rng rng) {
        this.norm1 = registerModule("norm1", new LayerNormChannels(dim, Downsampling.NORM_EPS, true, false));
        this.tokenMixer = registerModule("token_mixer", tokenMixer);
        this.dropPath1 = registerModule("drop_path1", dropPath > 0 ? new DropPath(dropPath, rng) : new Identity());
        this.layerScale1 = registerModule("layer_scale1", scale(dim, layerScaleInit));
        this.resScale1 = registerModule("res_scale1", scale(dim, resScaleInit));
        this.norm2 = registerModule("norm2", new LayerNormChannels(dim, Downsampling.NORM_EPS, true, false));
        this.mlp = registerModule("mlp", mlp);
        this.dropPath2 = registerModule("drop_path2", dropPath > 0 ? new DropPath(dropPath, rng) : new Identity());
        this.layerScale2 = registerModule("layer_scale2", scale(dim, layerScaleInit));
        this.resScale2 = registerModule("res_scale2", scale(dim, resScaleInit));
    }

    /**
     * Inference's {@code resScale(x) + branch}, summed over the branch output: it starts from a norm's new output,
     * so nothing else holds it, and the sum needs no tensor of its own. A branch that shares x's array (a module
     * handing back its input unchanged) gets a new tensor, as in training.
     */
    private static Variable residual(Module resScale, Variable x, Variable branch) {
        Variable r = resScale.forward(x);
        return r.value().data() == branch.value().data() ? Arith.add(r, branch) : Arith.addInto(r, branch);
    }

    // The reference tests the init value's truthiness: None and 0.0 both mean no scale.
    private static Module scale(int dim, Double init) {
        return init != null && init != 0.0 ? new Scale(dim, init, true) : new Identity();
    }

    /** x {@code [n, h, w, dim]} → the same shape. */
    @Override
    public Variable forward(Variable x) {
        if (!NoGrad.isGradEnabled()) {
            x = residual(resScale1, x, layerScale1.forward(dropPath1.forward(tokenMixer.forward(norm1.forward(x)))));
            return residual(resScale2, x, layerScale2.forward(dropPath2.forward(mlp.forward(norm2.forward(x)))));
        }
        x = Arith.add(resScale1.forward(x), layerScale1.forward(dropPath1.forward(tokenMixer.forward(norm1.forward(x)))));
        return Arith.add(resScale2.forward(x), layerScale2.forward(dropPath2.forward(mlp.forward(norm2.forward(x)))));
    }
}
