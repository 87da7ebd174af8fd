package io.github.basis4j.nn.modules;

import io.github.basis4j.simd.Parallel;
import io.github.basis4j.simd.Tensor;
import io.github.basis4j.simd.ops.PackedConv2dWeight;

import java.util.Arrays;

/**
 * A convolution weight packed once for inference and reused while the weight is unchanged.
 *
 * <p>It keeps a snapshot of the {@code [oc, ic/groups, kh, kw]} values it packed and compares the live weight
 * with it on every use: a sequential, vectorised read of two arrays, several times cheaper than the strided
 * repacking it replaces, and it cannot serve stale weights whoever changed them (an optimiser step, a
 * {@code loadStateDict}, a write through {@code data()}). A counter bumped by writers would skip even the
 * compare, but tensors hand out their arrays, so a write it did not see would go unnoticed. The cost is a
 * second and third copy of the weight (snapshot and packed).
 *
 * <p>Thread-safe: an entry is immutable and published whole, and it is packed from its own snapshot, so a
 * weight written during the copy yields an entry that is consistent (and is replaced on the next use).
 */
final class PackedWeightCache {
    private record Entry(float[] snapshot, PackedConv2dWeight packed) {
    }

    /** Weights per parallel chunk of the compare: below about this a fork costs more than the read it splits. */
    private static final int COMPARE_CHUNK_FLOATS = 64 * 1024;

    private volatile Entry entry;

    /** The packed form of {@code weight [oc, ic/groups, kh, kw]} as it is now. */
    PackedConv2dWeight get(Tensor weight) {
        float[] data = weight.data();
        int from = weight.offset(), to = from + weight.size();
        Entry e = entry;
        if (e != null && e.packed.oc() == weight.dim(0) && e.snapshot.length == weight.size()
                && unchanged(e.snapshot, data, from)) {
            return e.packed;
        }
        float[] snapshot = Arrays.copyOfRange(data, from, to);
        PackedConv2dWeight packed = PackedConv2dWeight.pack(Tensor.wrap(snapshot, weight.shape()));
        entry = new Entry(snapshot, packed);
        return packed;
    }

    /**
     * Whether {@code data[from, from + snapshot.length)} holds the snapshot's bits (NaNs compare equal). Split
     * evenly over the threads: the read is memory-bound, and at batch 1 a layer's weights outweigh its input.
     */
    private static boolean unchanged(float[] snapshot, float[] data, int from) {
        int n = snapshot.length, threads = Parallel.threads();
        int grain = Math.max(COMPARE_CHUNK_FLOATS, (n + threads - 1) / threads);
        boolean[] differs = new boolean[Parallel.chunkCount(n, grain)];
        Parallel.forChunks(n, grain, (c, lo, hi) -> differs[c] = !Arrays.equals(snapshot, lo, hi, data, from + lo, from + hi));
        for (boolean d : differs) {
            if (d) return false;
        }
        return true;
    }
}
