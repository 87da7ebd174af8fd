package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.init.FanMode;
import io.github.basis4j.nn.init.Init;
import io.github.basis4j.nn.init.Nonlinearity;
import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.nn.modules.BatchNorm2d;
import io.github.basis4j.nn.modules.Conv2d;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Tensor;
import java.util.List;

/** The constructor-time initialisation every DSFB reference ResNet shares, in one place. */
final class ReferenceInit {
    private ReferenceInit() {
    }

    /**
     * The reference's {@code for m in self.modules()} loop: every convolution Kaiming-normal with fan-out and
     * the ReLU gain, every batch norm weight 1 and bias 0. A module reachable by several paths is visited once.
     */
    static void kaimingConvsUnitNorms(Module model, Rng rng) {
        for (Module m : model.namedModules().values()) {
            if (m instanceof Conv2d c) {
                Init.kaimingNormal(c.weight().value(), 0.0, FanMode.FAN_OUT, Nonlinearity.RELU, rng);
            } else if (m instanceof BatchNorm2d n) {
                Init.ones(n.weight().value());
                Init.zeros(n.bias().value());
            }
        }
    }

    /**
     * Orthogonal initialisation of {@code bases}, all of one weight shape {@code [rank, c, kh, kw]}: one basis
     * on its own, several jointly as consecutive row blocks of one {@code [k·rank, c·kh·kw]} orthogonal matrix
     * (the reference's {@code X = empty(2·rank, …); orthogonal_(X); split}), so every filter is orthogonal to
     * the others' as well as to its own basis's.
     */
    static void orthogonal(List<Conv2d> bases, Rng rng) {
        if (bases.isEmpty()) return;
        if (bases.size() == 1) {
            Init.orthogonal(bases.get(0).weight().value(), 1.0, rng);
            return;
        }
        int[] dims = bases.get(0).weight().value().shape().dims();
        int rows = dims[0];
        dims[0] *= bases.size();
        Tensor joint = Tensor.zeros(dims);
        Init.orthogonal(joint, 1.0, rng);
        for (int i = 0; i < bases.size(); i++) bases.get(i).weight().value().copyFrom(joint.slice(i * rows, (i + 1) * rows));
    }
}
