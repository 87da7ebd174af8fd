package io.github.basis4j.nn.data;

import io.github.basis4j.nn.init.Rng;

/**
 * A per-sample image transform (augmentation or preprocessing). Random transforms draw only from the
 * {@link Rng} passed in, which the {@link DataLoader} derives from (seed, epoch, position in the epoch), so
 * results never depend on thread timing and a resumed run reproduces them. Implementations must not write
 * into their input image.
 */
@FunctionalInterface
public interface Transform {
    /** The transformed image; {@code image} is {@code [H, W, C]}. */
    Image apply(Image image, Rng rng);

    /** This transform, then {@code next}, with the same generator. */
    default Transform andThen(Transform next) {
        return (image, rng) -> next.apply(apply(image, rng), rng);
    }

    /** The transform that returns its input. */
    static Transform identity() {
        return (image, rng) -> image;
    }
}
