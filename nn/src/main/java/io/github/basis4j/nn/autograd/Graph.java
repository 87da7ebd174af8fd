package io.github.basis4j.nn.autograd;

import io.github.basis4j.nn.profile.OpProfiler;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.Elementwise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recording and reverse-mode traversal of the define-by-run graph.
 *
 * <p>{@link #record} attaches a node to an op's output when gradients are enabled and some input needs
 * them. {@link #backward} sorts the graph reachable from the output topologically with an explicit stack
 * (no recursion: a 1202-layer ResNet is thousands of nodes deep), then runs each node's backward in
 * reverse order. Once a node has run, its saved tensors are released, the gradient of its (non-leaf)
 * output is dropped and the output forgets the node, so the graph is freed as backward proceeds.
 */
public final class Graph {
    private Graph() {
    }

    /**
     * Makes {@code output} the result of {@code node} if gradients are enabled and any of the node's
     * inputs requires them; otherwise returns a constant. Ops call this last.
     */
    public static Variable record(Tensor output, Node node) {
        if (!NoGrad.isGradEnabled()) return Variable.constant(output);
        boolean any = false;
        for (Variable v : node.inputs()) {
            if (v != null && v.requiresGrad()) {
                any = true;
                break;
            }
        }
        Variable out = new Variable(output, false);
        if (any) {
            if (node.output != null) throw new IllegalStateException(node.name() + ": a node can record only one output");
            out.setGradFn(node);
            node.output = out;
            node.profileCategory = OpProfiler.currentCategory();
        }
        return out;
    }

    static void backward(Variable root, Tensor gradOutput) {
        if (!gradOutput.shape().equals(root.shape())) {
            throw new IllegalArgumentException("backward: gradOutput must have the output's shape " + root.shape() + ", got "
                    + gradOutput.shape());
        }
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: the output does not require gradients (nothing was recorded: "
                    + "no input requires grad, or it was computed under NoGrad)");
        }
        List<Node> order = topologicalOrder(root);
        Tensor g = root.gradBuffer();
        Elementwise.axpy(1f, gradOutput, g);
        for (int i = order.size() - 1; i >= 0; i--) {
            Node node = order.get(i);
            Variable out = node.output;
            node.output = null;
            Tensor go = out == null ? null : out.grad();
            if (go != null) {
                try (var _ = OpProfiler.timeBackward(node.profileCategory)) {
                    node.backward(go);
                }
            }
            node.release();
            if (out != null) {
                out.setGradFn(null);
                out.releaseGrad();
            }
        }
    }

    /** Nodes reachable from {@code root}, each after all nodes that consume its output. */
    private static List<Node> topologicalOrder(Variable root) {
        List<Node> postOrder = new ArrayList<>();
        Map<Node, Boolean> visited = new IdentityHashMap<>();
        // Stack of (node, next input index) frames: an iterative post-order DFS.
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        Node start = root.gradFn();
        if (start == null) return postOrder;
        visited.put(start, Boolean.TRUE);
        stack.push(new Object[] {start, 0});
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Node n = (Node) frame[0];
            int next = (Integer) frame[1];
            Variable[] in = n.inputs();
            if (next < in.length) {
                frame[1] = next + 1;
                Variable v = in[next];
                Node child = v == null ? null : v.gradFn();
                if (child != null && visited.put(child, Boolean.TRUE) == null) {
                    stack.push(new Object[] {child, 0});
                }
            } else {
                stack.pop();
                postOrder.add(n);
            }
        }
        // Post-order lists producers before consumers; backward walks it from the end.
        return postOrder;
    }
}
