package io.github.basis4j.cli;

import java.util.List;

/** The models the {@code basis4j} command knows by name. */
final class StandardModels {
    private StandardModels() {
    }

    /** The catalog {@link Main#main} uses: this build holds no model family, so every name is unknown. */
    static ModelCatalog catalog() {
        return new ModelCatalog() {
            @Override
            public CliModel create(ModelRequest request) {
                throw new CliException("unknown model '" + request.name() + "': this build has no model families (the models module is not part of it)");
            }

            @Override
            public List<String> names() {
                return List.of();
            }
        };
    }
}
