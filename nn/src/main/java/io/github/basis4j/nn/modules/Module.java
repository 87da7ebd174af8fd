package io.github.basis4j.nn.modules;

import io.github.basis4j.nn.autograd.Parameter;
import io.github.basis4j.nn.autograd.Variable;
import io.github.basis4j.simd.Shape;
import io.github.basis4j.simd.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node of a model tree, with PyTorch's naming rules so checkpoints move between the two unchanged.
 *
 * <p>Children, parameters and buffers are kept in registration order. Keys are attribute paths joined
 * by "." ({@code layer1.0.conv1.weight}). {@link #stateDict()} lists, per module, its parameters, then
 * its persistent buffers, then each child's entries — every alias of a shared parameter or module
 * included, as {@code torch.nn.Module.state_dict()} does. {@link #namedParameters()} walks the same tree
 * but lists each parameter object once, at its first path, as {@code named_parameters()} does; a module
 * registered under several parents (a DSFB shared basis) therefore appears once there and under every
 * path in the state dict.
 *
 * <p>Subclasses register in the order of the reference {@code __init__} and override
 * {@link #forward(Variable)}.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> nonPersistent = new LinkedHashSet<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /**
     * The module's computation. Modules with a single tensor input override this; containers without
     * one (like {@code ModuleList}) keep this default, which fails naming the class.
     */
    public Variable forward(Variable x) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no single-input forward; call its children");
    }

    /** Registers a child module under {@code name} and returns it. */
    protected <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        if (module == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": module '" + name + "' must not be null");
        children.put(name, module);
        return module;
    }

    /** Registers a parameter under {@code name} and returns it. */
    protected Parameter registerParameter(String name, Parameter p) {
        checkName(name);
        if (p == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter '" + name + "' must not be null");
        parameters.put(name, p);
        return p;
    }

    /** Registers a new zero-filled parameter of {@code shape} (an initialiser fills it). */
    protected Parameter registerParameter(String name, Shape shape) {
        return registerParameter(name, Parameter.zeros(shape));
    }

    /** Registers a persistent buffer (saved in the state dict, not trained), e.g. {@code running_mean}. */
    protected Tensor registerBuffer(String name, Tensor buffer) {
        return registerBuffer(name, buffer, true);
    }

    /** Registers a buffer; a non-persistent one is not part of the state dict. */
    protected Tensor registerBuffer(String name, Tensor buffer, boolean persistent) {
        checkName(name);
        if (buffer == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": buffer '" + name + "' must not be null");
        buffers.put(name, buffer);
        if (!persistent) nonPersistent.add(name);
        return buffer;
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": a name must be non-empty and contain no '.', got '" + name + "'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": '" + name + "' is already registered");
        }
    }

    /** Direct children in registration order. */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** This module's own parameters (not its children's), in registration order. */
    public Map<String, Parameter> ownParameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /** This module's own buffers, in registration order. */
    public Map<String, Tensor> ownBuffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** Every module in the tree, pre-order, each object once at its first path ("" is this module). */
    public Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        Set<Module> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        // Explicit stack: a deep network must not overflow the Java stack.
        ArrayList<Object[]> stack = new ArrayList<>();
        stack.add(new Object[] {"", this});
        while (!stack.isEmpty()) {
            Object[] top = stack.remove(stack.size() - 1);
            String prefix = (String) top[0];
            Module m = (Module) top[1];
            if (!seen.add(m)) continue;
            out.put(prefix, m);
            List<Map.Entry<String, Module>> kids = new ArrayList<>(m.children.entrySet());
            for (int i = kids.size() - 1; i >= 0; i--) {
                stack.add(new Object[] {join(prefix, kids.get(i).getKey()), kids.get(i).getValue()});
            }
        }
        return out;
    }

    /** Every distinct parameter with its first path, in PyTorch's {@code named_parameters()} order. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Map.Entry<String, Module> m : namedModules().entrySet()) {
            for (Map.Entry<String, Parameter> p : m.getValue().parameters.entrySet()) {
                if (seen.add(p.getValue())) out.put(join(m.getKey(), p.getKey()), p.getValue());
            }
        }
        return out;
    }

    /** The distinct parameters, in {@link #namedParameters()} order. */
    public List<Parameter> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /** Number of distinct trainable scalars. */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : namedParameters().values()) n += p.value().size();
        return n;
    }

    /**
     * Every parameter and persistent buffer under every path, in {@code state_dict()} order. The tensors
     * are the live ones (not copies).
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        ArrayList<Object[]> stack = new ArrayList<>();
        stack.add(new Object[] {"", this});
        while (!stack.isEmpty()) {
            Object[] top = stack.remove(stack.size() - 1);
            String prefix = (String) top[0];
            Module m = (Module) top[1];
            for (Map.Entry<String, Parameter> p : m.parameters.entrySet()) out.put(join(prefix, p.getKey()), p.getValue().value());
            for (Map.Entry<String, Tensor> b : m.buffers.entrySet()) {
                if (!m.nonPersistent.contains(b.getKey())) out.put(join(prefix, b.getKey()), b.getValue());
            }
            List<Map.Entry<String, Module>> kids = new ArrayList<>(m.children.entrySet());
            for (int i = kids.size() - 1; i >= 0; i--) {
                stack.add(new Object[] {join(prefix, kids.get(i).getKey()), kids.get(i).getValue()});
            }
        }
        return out;
    }

    /**
     * Copies {@code state} into this module's parameters and buffers. With {@code strict}, every key of
     * {@link #stateDict()} must be present and no other key may be; in any mode shapes must match.
     * All problems are reported at once in one {@link IllegalArgumentException}.
     */
    public void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                missing.add(e.getKey());
            } else if (!sameShape(src.shape(), e.getValue().shape())) {
                mismatched.add(e.getKey() + ": expected " + e.getValue().shape() + ", got " + src.shape());
            }
        }
        for (String k : state.keySet()) {
            if (!own.containsKey(k)) unexpected.add(k);
        }
        if (!mismatched.isEmpty() || (strict && (!missing.isEmpty() || !unexpected.isEmpty()))) {
            StringBuilder sb = new StringBuilder("loadStateDict: error(s) loading state into " + getClass().getSimpleName() + ":");
            if (strict && !missing.isEmpty()) sb.append("\n  missing keys: ").append(missing);
            if (strict && !unexpected.isEmpty()) sb.append("\n  unexpected keys: ").append(unexpected);
            if (!mismatched.isEmpty()) sb.append("\n  shape mismatches: ").append(mismatched);
            throw new IllegalArgumentException(sb.toString());
        }
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) continue;
            Tensor dst = e.getValue();
            System.arraycopy(src.data(), src.offset(), dst.data(), dst.offset(), dst.size());
        }
    }

    // PyTorch stores scalars such as num_batches_tracked with shape []; a file may say [1] or [] for them.
    private static boolean sameShape(Shape a, Shape b) {
        if (a.equals(b)) return true;
        return a.size() == 1 && b.size() == 1 && a.rank() <= 1 && b.rank() <= 1;
    }

    /** Sets training mode on this module and every descendant; returns this. */
    public Module train(boolean mode) {
        for (Module m : namedModules().values()) m.training = mode;
        return this;
    }

    /** {@code train(true)}. */
    public Module train() {
        return train(true);
    }

    /** {@code train(false)}: batch-norm uses running statistics, dropout and drop-path are off. */
    public Module eval() {
        return train(false);
    }

    /** Whether this module is in training mode. */
    public boolean isTraining() {
        return training;
    }

    /** Drops every parameter's gradient. */
    public void zeroGrad() {
        for (Parameter p : namedParameters().values()) p.zeroGrad();
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}
