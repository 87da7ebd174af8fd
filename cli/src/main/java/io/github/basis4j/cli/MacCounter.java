package io.github.basis4j.cli;

import io.github.basis4j.inference.InputSize;
import io.github.basis4j.nn.autograd.Node;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.nn.modules.Module;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Counts a model's multiply-adds per image by running one forward pass on a single image, in eval mode
 * with the tape on, and walking the recorded graph: each {@code conv2d}, {@code linear} and {@code matmul}
 * node contributes from its input and output shapes. As in the ResNet and DSFB papers' counts, only
 * convolutions and fully connected layers count; element-wise ops, normalisation, pooling and FFTs do not.
 *
 * <ul>
 * <li>conv2d, x {@code [n, h, w, c]}, weight {@code [oc, c/groups, kh, kw]}, y {@code [n, oh, ow, oc]}:
 *     {@code |y| · (c/groups) · kh · kw} (this covers depthwise and grouped convolutions);</li>
 * <li>linear, x {@code [..., in]}, weight {@code [out, in]}: {@code |x| · out};</li>
 * <li>matmul {@code [m, k]·[k, n]}: {@code m · k · n}.</li>
 * </ul>
 * Every op is counted once per execution, so a shared basis applied by several blocks counts each time.
 */
final class MacCounter {
    private MacCounter() {
    }

    /**
     * Multiply-adds of {@code model} on one {@code size} image. The model is left in eval mode; its
     * gradients are not touched (the graph is dropped without a backward pass).
     */
    static long count(Module model, InputSize size) {
        model.eval();
        Tensor x = Tensor.zeros(1, size.height(), size.width(), size.channels());
        Variable y = model.forward(Variable.constant(x));
        if (y.gradFn() == null) {
            throw new IllegalStateException("MacCounter: the forward pass recorded no graph (no parameter requires a gradient)");
        }
        // Each node's output variable: the root, or found as an input of a later node.
        Map<Node, Variable> outputs = new IdentityHashMap<>();
        ArrayDeque<Variable> pending = new ArrayDeque<>();
        pending.push(y);
        long total = 0;
        while (!pending.isEmpty()) {
            Variable v = pending.pop();
            Node node = v.gradFn();
            if (node == null || outputs.containsKey(node)) continue;
            outputs.put(node, v);
            total += macs(node, v.shape());
            for (Variable in : node.inputList()) if (in != null && in.gradFn() != null) pending.push(in);
        }
        return total;
    }

    private static long macs(Node node, Shape out) {
        var in = node.inputList();
        return switch (node.name()) {
            case "conv2d" -> {
                Shape w = in.get(1).shape();
                yield out.size() * w.dim(1) * w.dim(2) * w.dim(3);
            }
            case "linear" -> in.get(0).shape().size() * in.get(1).shape().dim(0);
            case "matmul" -> {
                Shape a = in.get(0).shape();
                yield a.size() * in.get(1).shape().dim(1);
            }
            default -> 0;
        };
    }
}
