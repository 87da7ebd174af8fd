package io.github.basis4j.cli;

import io.github.basis4j.nn.data.Dataset;

/** The {@code --train-limit} / {@code --limit} rule: no limit, or one not below the size, keeps the whole dataset. */
final class Subset {
    private Subset() {
    }

    /** {@code base} itself if {@code limit} is null or not below its size, else its first {@code limit} samples. */
    static Dataset first(Dataset base, Integer limit) {
        return limit == null || limit >= base.size() ? base : base.first(limit);
    }
}
