package io.github.basis4j.nn.optim;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.simd.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Base of the optimisers: parameter groups and per-parameter state tensors.
 *
 * <p>State is keyed as PyTorch's {@code optimizer.state_dict()} keys it: parameters are numbered in group
 * order from 0, and {@link #stateTensors()} names each buffer {@code "state.<index>.<buffer>"}
 * ({@code state.3.exp_avg}), plus scalar state in {@link #stateScalars()}. Training checkpoints save
 * both and restore them with {@link #loadState}, so a resumed run continues bit-identically.
 */
public abstract class Optimizer {
    private final List<ParamGroup> groups;
    private final List<Parameter> flat = new ArrayList<>();
    private final List<Map<String, Tensor>> state = new ArrayList<>();

    protected Optimizer(List<ParamGroup> groups) {
        if (groups == null || groups.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + ": no parameter groups");
        this.groups = List.copyOf(groups);
        Set<Parameter> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (ParamGroup g : this.groups) {
            for (Parameter p : g.params()) {
                if (!seen.add(p)) {
                    throw new IllegalArgumentException(getClass().getSimpleName() + ": a parameter appears in more than one group (or twice)");
                }
                flat.add(p);
                state.add(new LinkedHashMap<>());
            }
        }
    }

    /** Applies one update from the parameters' current gradients (parameters without a gradient are skipped). */
    public abstract void step();

    /** The parameter groups, in order. */
    public List<ParamGroup> groups() {
        return groups;
    }

    /** Drops every parameter's gradient. */
    public void zeroGrad() {
        for (Parameter p : flat) p.zeroGrad();
    }

    /** Sets every group's learning rate. */
    public void setLr(double lr) {
        for (ParamGroup g : groups) g.setLr(lr);
    }

    /** The state buffer {@code name} of parameter {@code index}, created zero-filled on first use. */
    protected final Tensor buffer(int index, String name) {
        return state.get(index).computeIfAbsent(name, k -> Tensor.zeros(flat.get(index).shape()));
    }

    /** Whether parameter {@code index} has a buffer {@code name} yet. */
    protected final boolean hasBuffer(int index, String name) {
        return state.get(index).containsKey(name);
    }

    /** Runs {@code body} for every parameter that has a gradient: its flat index, group and parameter. */
    protected final void forEachWithGrad(ParamVisitor body) {
        int index = 0;
        for (ParamGroup g : groups) {
            for (Parameter p : g.params()) {
                if (p.grad() != null) body.visit(index, g, p);
                index++;
            }
        }
    }

    /** Receives one parameter in {@link #forEachWithGrad}. */
    @FunctionalInterface
    protected interface ParamVisitor {
        void visit(int index, ParamGroup group, Parameter p);
    }

    /** Every state tensor as {@code "state.<index>.<buffer>"} (live tensors, not copies). */
    public Map<String, Tensor> stateTensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < state.size(); i++) {
            for (Map.Entry<String, Tensor> e : state.get(i).entrySet()) out.put("state." + i + "." + e.getKey(), e.getValue());
        }
        return out;
    }

    /** Scalar state (step counts, group learning rates) as strings, for checkpoint metadata. */
    public Map<String, String> stateScalars() {
        Map<String, String> out = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) out.put("group." + g + ".lr", Double.toString(groups.get(g).lr()));
        return out;
    }

    /**
     * Restores state written by {@link #stateTensors()} and {@link #stateScalars()} for the same
     * parameters; any key that does not fit names itself in the exception.
     */
    public void loadState(Map<String, Tensor> tensors, Map<String, String> scalars) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String[] parts = e.getKey().split("\\.", 3);
            int index;
            try {
                if (parts.length != 3 || !parts[0].equals("state")) throw new NumberFormatException();
                index = Integer.parseInt(parts[1]);
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: bad state key '" + e.getKey() + "'");
            }
            if (index < 0 || index >= flat.size()) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: key '" + e.getKey() + "' names parameter "
                        + index + " but there are " + flat.size());
            }
            if (!e.getValue().shape().equals(flat.get(index).shape())) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ".loadState: '" + e.getKey() + "' has shape "
                        + e.getValue().shape() + ", parameter " + index + " is " + flat.get(index).shape());
            }
            state.get(index).put(parts[2], e.getValue().copy());
        }
        for (int g = 0; g < groups.size(); g++) {
            String lr = scalars.get("group." + g + ".lr");
            if (lr != null) groups.get(g).setLr(Double.parseDouble(lr));
        }
    }
}
