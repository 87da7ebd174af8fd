package io.github.basis4j.nn.data;

import io.github.basis4j.nn.init.Rng;
import io.github.basis4j.simd.Tensor;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Turns a {@link Dataset} into mini-batches {@code [B, H, W, C]} for one epoch at a time.
 *
 * <p>Determinism: everything random derives from the seed and the epoch number, never from what ran
 * before. The order of epoch {@code e} is a permutation drawn from {@code Rng.of(seed).derive(SHUFFLE)
 * .derive(e)}; the transform of the sample at position {@code p} of that epoch draws from
 * {@code Rng.of(seed).derive(AUGMENT).derive(e).derive(p)}. So the same seed gives the same batches with or
 * without prefetching, and a run resumed at (epoch, batch) via {@link #epoch(long, int)} continues exactly.
 *
 * <p>Prefetching: with {@code prefetch > 0} one daemon thread builds batches ahead into a queue of that
 * many batches (the training step and the decoding overlap); with 0 batches are built on the caller's
 * thread. A failure on the background thread reaches the caller as a {@link DataLoaderException} from
 * {@link Epoch#next()}, with the same message it would have had without prefetching. {@link Epoch#close()}
 * stops the thread; use try-with-resources.
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.builder(train).setBatchSize(128).optShuffle(true).optSeed(42)
 *         .optTransform(Transforms.compose(Transforms.randomCrop(32, 32, 4), Transforms.horizontalFlip(0.5)))
 *         .build();
 * for (long e = 0; e < epochs; e++) {
 *     try (DataLoader.Epoch batches = loader.epoch(e)) {
 *         for (Batch b : batches) step(b.images(), b.labels());
 *     }
 * }
 * }</pre>
 */
public final class DataLoader {
    /** Keys that separate the shuffle and augmentation streams of one seed. */
    private static final long SHUFFLE_STREAM = 1;
    private static final long AUGMENT_STREAM = 2;

    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final Transform transform;
    private final int prefetch;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.seed = b.seed;
        this.dropLast = b.dropLast;
        this.transform = b.transform;
        this.prefetch = b.prefetch;
    }

    /** A builder for a loader over {@code dataset}; {@link Builder#setBatchSize(int)} is required. */
    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    /** Builds a {@link DataLoader}: {@code set*} is required, {@code opt*} optional. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize;
        private boolean shuffle;
        private long seed;
        private boolean dropLast;
        private Transform transform = Transform.identity();
        private int prefetch = 2;

        private Builder(Dataset dataset) {
            if (dataset == null) throw new IllegalArgumentException("DataLoader: dataset must not be null");
            this.dataset = dataset;
        }

        /** Samples per batch (≥ 1). Required. */
        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Whether each epoch visits the samples in a fresh random order (default false: dataset order). */
        public Builder optShuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** The seed of the shuffle and of the transforms' generators (default 0). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Whether to leave out a final batch smaller than the batch size (default false). */
        public Builder optDropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** The per-sample transform (default identity). All transformed samples must share one shape. */
        public Builder optTransform(Transform transform) {
            if (transform == null) throw new IllegalArgumentException("DataLoader: transform must not be null");
            this.transform = transform;
            return this;
        }

        /** Batches built ahead on a background thread (≥ 0, default 2; 0 builds on the caller's thread). */
        public Builder optPrefetch(int prefetch) {
            this.prefetch = prefetch;
            return this;
        }

        /** Validates and builds. */
        public DataLoader build() {
            if (batchSize < 1) throw new IllegalArgumentException("DataLoader: batchSize must be set and >= 1, got " + batchSize);
            if (prefetch < 0) throw new IllegalArgumentException("DataLoader: prefetch must be >= 0, got " + prefetch);
            if (dataset.size() == 0) throw new IllegalArgumentException("DataLoader: the dataset is empty");
            if (dropLast && dataset.size() < batchSize) {
                throw new IllegalArgumentException("DataLoader: dropLast with batchSize " + batchSize + " leaves no batch of the "
                        + dataset.size() + " samples");
            }
            return new DataLoader(this);
        }
    }

    public Dataset dataset() {
        return dataset;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Batches in every epoch: {@code ⌊n / B⌋} with drop-last, else {@code ⌈n / B⌉}. */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The sample order of {@code epoch}: dataset indices by position (the identity without shuffling). */
    public int[] order(long epoch) {
        if (shuffle) return Rng.of(seed).derive(SHUFFLE_STREAM).derive(epoch).permutation(dataset.size());
        int[] p = new int[dataset.size()];
        for (int i = 0; i < p.length; i++) p[i] = i;
        return p;
    }

    /** The batches of {@code epoch} (≥ 0), from the first. */
    public Epoch epoch(long epoch) {
        return epoch(epoch, 0);
    }

    /** The batches of {@code epoch} from batch number {@code firstBatch} on, for resuming mid-epoch. */
    public Epoch epoch(long epoch, int firstBatch) {
        if (epoch < 0) throw new IllegalArgumentException("DataLoader.epoch: epoch must be >= 0, got " + epoch);
        if (firstBatch < 0 || firstBatch > batchesPerEpoch()) {
            throw new IllegalArgumentException("DataLoader.epoch: firstBatch must be in [0, " + batchesPerEpoch() + "], got "
                    + firstBatch);
        }
        return new Epoch(epoch, firstBatch);
    }

    /** Builds batch {@code number} of an epoch whose order is {@code order}. */
    private Batch makeBatch(long epoch, int[] order, int number) {
        int from = number * batchSize;
        int b = Math.min(batchSize, order.length - from);
        int[] labels = new int[b];
        int[] indices = Arrays.copyOfRange(order, from, from + b);
        Rng epochRng = Rng.of(seed).derive(AUGMENT_STREAM).derive(epoch);
        float[] data = null;
        int[] shape = null;
        int per = 0;
        for (int j = 0; j < b; j++) {
            int index = indices[j];
            Image img;
            try {
                img = transform.apply(dataset.image(index), epochRng.derive(from + j));
            } catch (RuntimeException e) {
                throw new DataLoaderException("DataLoader: epoch " + epoch + ", batch " + number + ": sample " + index + ": "
                        + e.getMessage(), e);
            }
            if (data == null) {
                shape = img.shape();
                per = img.data().length;
                data = new float[b * per];
            } else if (!Arrays.equals(shape, img.shape())) {
                throw new DataLoaderException("DataLoader: epoch " + epoch + ", batch " + number + ": sample " + index + " is "
                        + Arrays.toString(img.shape()) + " after the transform, but the batch is " + Arrays.toString(shape)
                        + "; add a resize or crop transform so all samples share one size", null);
            }
            System.arraycopy(img.data(), 0, data, j * per, per);
            labels[j] = dataset.label(index);
        }
        return new Batch(Tensor.of(data, b, shape[0], shape[1], shape[2]), labels, indices, epoch, number);
    }

    /**
     * The batches of one epoch, in order; iterable once. Closing it stops its background thread (if any)
     * and is idempotent.
     */
    public final class Epoch implements Iterator<Batch>, Iterable<Batch>, AutoCloseable {
        /** Queue element marking the end of the epoch. */
        private static final Object END = new Object();

        private final long epoch;
        private final int[] order;
        private final int end;
        private int next;
        private final BlockingQueue<Object> queue;
        private final Thread producer;
        private Object head;
        private boolean closed;

        private Epoch(long epoch, int firstBatch) {
            this.epoch = epoch;
            this.order = order(epoch);
            this.end = batchesPerEpoch();
            this.next = firstBatch;
            if (prefetch > 0 && firstBatch < end) {
                queue = new ArrayBlockingQueue<>(prefetch);
                producer = new Thread(this::produce, "basis4j-data-loader-epoch-" + epoch);
                producer.setDaemon(true);
                producer.start();
            } else {
                queue = null;
                producer = null;
            }
        }

        /** Background thread: build every remaining batch, then END; a failure is queued in its place. */
        private void produce() {
            try {
                for (int b = next; b < end; b++) {
                    Object item;
                    try {
                        item = makeBatch(epoch, order, b);
                    } catch (RuntimeException | Error e) {
                        queue.put(e);
                        return;
                    }
                    queue.put(item);
                }
                queue.put(END);
            } catch (InterruptedException e) {
                // close() interrupted us: the consumer has gone, stop quietly.
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public Iterator<Batch> iterator() {
            return this;
        }

        @Override
        public boolean hasNext() {
            if (closed) return false;
            if (queue == null) return next < end;
            if (head == null) {
                try {
                    head = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DataLoaderException("DataLoader: interrupted while waiting for batch " + next + " of epoch " + epoch, e);
                }
            }
            return head != END;
        }

        @Override
        public Batch next() {
            if (!hasNext()) throw new NoSuchElementException("DataLoader: epoch " + epoch + " has no more batches");
            if (queue == null) return makeBatch(epoch, order, next++);
            Object item = head;
            head = null;
            next++;
            if (item instanceof DataLoaderException e) {
                close();
                // Rethrown with the caller's stack, the producer's failure as the cause.
                throw new DataLoaderException(e.getMessage(), e);
            }
            if (item instanceof Throwable t) {
                close();
                throw new DataLoaderException("DataLoader: epoch " + epoch + ", batch " + (next - 1) + ": " + t, t);
            }
            return (Batch) item;
        }

        /** The epoch number. */
        public long epoch() {
            return epoch;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            if (producer != null) {
                producer.interrupt();
                try {
                    producer.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
