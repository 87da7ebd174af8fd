package io.github.basis4j.models.dsfb;

import io.github.basis4j.nn.autograd.Variable;
import java.util.Arrays;

/**
 * The argument checks that the DSFB networks share, so that each says the same thing the same way: every
 * message names the network ({@code model}), the argument, what was expected and what came.
 */
final class NetworkChecks {
    private NetworkChecks() {
    }

    /** x must be a batch of channel-last images {@code [n, h, w, inChannels]}. */
    static void requireImages(String model, Variable x, int inChannels) {
        if (x == null || x.shape().rank() != 4 || x.shape().dim(3) != inChannels) {
            throw new IllegalArgumentException(model + ": x must be [n, h, w, " + inChannels + "] (NHWC), got " + (x == null ? "null" : x.shape()));
        }
    }

    /** {@code value >= 1} (class and channel counts). */
    static void requireAtLeastOne(String model, String name, int value) {
        if (value < 1) throw new IllegalArgumentException(model + ": " + name + " must be >= 1, got " + value);
    }

    /** {@code numBlocks} gives {@code stages} stages of at least {@code minBlocks} blocks each, as {@code variant} needs. */
    static void requireBlocks(String model, Object variant, int[] numBlocks, int stages, int minBlocks) {
        if (numBlocks == null || numBlocks.length != stages) {
            throw new IllegalArgumentException(model + ": numBlocks must give " + stages + " stages, got "
                    + (numBlocks == null ? "null" : Arrays.toString(numBlocks)));
        }
        for (int n : numBlocks) {
            if (n < minBlocks) {
                throw new IllegalArgumentException(model + ": " + variant + " needs at least " + minBlocks + " blocks per stage, got "
                        + Arrays.toString(numBlocks));
            }
        }
    }

    /** A rank is {@code >= 1} when {@code variant} uses it, and 0 (unset) when it does not. */
    static void requireRank(String model, Object variant, String name, int rank, boolean used) {
        if (used && rank < 1) throw new IllegalArgumentException(model + ": " + variant + " needs " + name + " >= 1, got " + rank);
        if (!used && rank != 0) throw new IllegalArgumentException(model + ": " + variant + " has no use for " + name + ", got " + rank);
    }

    /** Both ranks are {@code >= 1} when {@code variant} shares bases ({@code used}), both 0 when it does not. */
    static void requireRanks(String model, Object variant, boolean used, int sharedRank, int uniqueRank) {
        if (used ? sharedRank < 1 || uniqueRank < 1 : sharedRank != 0 || uniqueRank != 0) {
            throw new IllegalArgumentException(model + ": " + variant + " needs sharedRank and uniqueRank " + (used ? ">= 1" : "0") + ", got "
                    + sharedRank + " and " + uniqueRank);
        }
    }
}
