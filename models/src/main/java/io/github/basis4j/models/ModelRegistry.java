package io.github.basis4j.models;

import io.github.basis4j.models.dsfb.Cifar100Models;
import io.github.basis4j.models.dsfb.Cifar10ResNets;
import io.github.basis4j.models.dsfb.IlsvrcModels;
import io.github.basis4j.models.metaformer.MetaFormers;
import io.github.basis4j.models.metaformer.SmallMetaFormers;
import io.github.basis4j.nn.modules.Module;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Models by name. Each entry has the reference implementation's own name ({@code ResNet56_DoubleShared})
 * within a family ({@code cifar10}); lookups ignore case, and take either the plain name or the qualified
 * {@code family/name} ({@code cifar10/resnet56_doubleshared}), which stays unambiguous when several
 * families define a model of the same name. An unknown or ambiguous name fails with the known names listed.
 *
 * <p>{@link #standard()} holds every family basis4j ships; {@link Models} is the static front door to it.
 */
public final class ModelRegistry {
    /** Builds a fresh model from options; the factory applies the family's defaults to unset options. */
    @FunctionalInterface
    public interface Factory {
        Module create(ModelOptions options);
    }

    /** A registered model: its family, its reference name, a one-line description and its factory. */
    public record Entry(String family, String name, String description, Factory factory) {
        /** {@code family/name}. */
        public String qualifiedName() {
            return family + "/" + name;
        }
    }

    private final Map<String, Entry> byQualified = new LinkedHashMap<>();
    private final Map<String, List<Entry>> byName = new LinkedHashMap<>();

    /** An empty registry. */
    public ModelRegistry() {
    }

    /**
     * A registry of every model family basis4j ships: the DSFB reference's CIFAR-10 ResNets, CIFAR-100 ResNets
     * and MobileNetV2s, ILSVRC ResNets and MobileNetV2s, and the DFFormer reference's MetaFormers with their small
     * 28×28 members ({@link SmallMetaFormers}).
     */
    public static ModelRegistry standard() {
        ModelRegistry r = new ModelRegistry();
        Cifar10ResNets.registerAll(r);
        Cifar100Models.registerAll(r);
        IlsvrcModels.registerAll(r);
        MetaFormers.registerAll(r);
        SmallMetaFormers.registerAll(r);
        return r;
    }

    /**
     * Adds a model. Names must be non-blank and free of '/'; {@code family/name} must be new, ignoring case.
     *
     * @return this registry
     */
    public ModelRegistry register(String family, String name, String description, Factory factory) {
        String op = "ModelRegistry.register";
        checkPart(op, "family", family);
        checkPart(op, "name", name);
        if (factory == null) throw new IllegalArgumentException(op + ": factory of " + family + "/" + name + " must not be null");
        Entry e = new Entry(family, name, description == null ? "" : description, factory);
        String key = key(e.qualifiedName());
        if (byQualified.containsKey(key)) {
            throw new IllegalArgumentException(op + ": " + e.qualifiedName() + " is already registered as " + byQualified.get(key).qualifiedName());
        }
        byQualified.put(key, e);
        byName.computeIfAbsent(key(name), k -> new ArrayList<>()).add(e);
        return this;
    }

    /**
     * The entry called {@code name}: a reference name or {@code family/name}, any case.
     *
     * @throws IllegalArgumentException if no entry or several entries (in different families) match,
     *     listing the known names
     */
    public Entry get(String name) {
        String op = "ModelRegistry";
        if (name == null || name.isBlank()) throw new IllegalArgumentException(op + ": a model name is required; known models: " + knownNames());
        String k = key(name.strip());
        Entry e = byQualified.get(k);
        if (e != null) return e;
        List<Entry> matches = byName.getOrDefault(k, List.of());
        if (matches.size() == 1) return matches.get(0);
        if (matches.isEmpty()) throw new IllegalArgumentException(op + ": unknown model '" + name + "'; known models: " + knownNames());
        List<String> q = new ArrayList<>();
        for (Entry m : matches) q.add(m.qualifiedName());
        throw new IllegalArgumentException(op + ": model name '" + name + "' is ambiguous; qualify it as one of " + q);
    }

    /** Whether {@link #get(String)} would find exactly one entry. */
    public boolean contains(String name) {
        if (name == null) return false;
        String k = key(name.strip());
        return byQualified.containsKey(k) || byName.getOrDefault(k, List.of()).size() == 1;
    }

    /** Builds the model called {@code name} with {@code options} (null means {@link ModelOptions#defaults()}). */
    public Module create(String name, ModelOptions options) {
        return get(name).factory().create(options == null ? ModelOptions.defaults() : options);
    }

    /** Every entry in registration order. */
    public List<Entry> entries() {
        return List.copyOf(byQualified.values());
    }

    /** The qualified names ({@code family/name}) in registration order. */
    public List<String> names() {
        List<String> out = new ArrayList<>(byQualified.size());
        for (Entry e : byQualified.values()) out.add(e.qualifiedName());
        return out;
    }

    private String knownNames() {
        return String.join(", ", names());
    }

    private static String key(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static void checkPart(String op, String what, String s) {
        if (s == null || s.isBlank() || s.contains("/") || !s.equals(s.strip())) {
            throw new IllegalArgumentException(op + ": " + what + " must be non-blank, without '/' or surrounding spaces, got '" + s + "'");
        }
    }
}
