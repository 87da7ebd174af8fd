package io.github.basis4j.models.metaformer;

import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.Dropout;
import io.github.basis4j.nn.modules.LayerNormChannels;
import io.github.basis4j.nn.modules.Linear;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.nn.modules.SquaredReLU;

/**
 * MetaFormer's classifier head, the reference's {@code MlpHead(dim, num_classes, mlp_ratio=4,
 * act_layer=SquaredReLU, norm_layer=nn.LayerNorm, head_dropout, bias=True)}: {@code fc1} (dim → 4·dim),
 * SquaredReLU, {@code norm} (a full {@code nn.LayerNorm}, eps 1e-5), dropout, {@code fc2} (→ classes).
 *
 * <p>Shapes: {@code [n, dim]} → logits {@code [n, classes]}.
 *
 * <p>State: {@code fc1.weight [4·dim, dim]}, {@code fc1.bias}, {@code norm.weight}, {@code norm.bias},
 * {@code fc2.weight [classes, 4·dim]}, {@code fc2.bias}.
 */
public final class MlpHead extends Module {
    /** The reference's {@code mlp_ratio}. */
    public static final int MLP_RATIO = 4;

    private final Linear fc1;
    private final SquaredReLU act;
    private final LayerNormChannels norm;
    private final Linear fc2;
    private final Dropout headDropout;

    /**
     * @param dim         features of the pooled input
     * @param numClasses  output logits
     * @param headDropout dropout probability before fc2
     * @param rng         the source of initial weights and dropout masks
     */
    public MlpHead(int dim, int numClasses, double headDropout, Rng rng) {
        int hidden = MLP_RATIO * dim;
        this.fc1 = registerModule("fc1", new Linear(dim, hidden, true, rng));
        this.act = registerModule("act", new SquaredReLU());
        this.norm = registerModule("norm", new LayerNormChannels(hidden));
        this.fc2 = registerModule("fc2", new Linear(hidden, numClasses, true, rng));
        this.headDropout = registerModule("head_dropout", new Dropout(headDropout, rng));
    }

    /** x {@code [n, dim]} → {@code [n, classes]}. */
    @Override
    public Variable forward(Variable x) {
        return fc2.forward(headDropout.forward(norm.forward(act.forward(fc1.forward(x)))));
    }
}
