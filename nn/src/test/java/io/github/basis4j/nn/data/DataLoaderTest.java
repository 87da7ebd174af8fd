package io.github.basis4j.nn.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** n grey 6×6 images whose pixels encode the index, label = index mod 3. */
    private static ByteImageDataset dataset(int n) {
        byte[] px = new byte[n * 36];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int k = 0; k < 36; k++) px[i * 36 + k] = (byte) (i * 7 + k);
        }
        return new ByteImageDataset(6, 6, 1, px, labels, List.of("a", "b", "c"));
    }

    private static final Transform AUGMENT = Transforms.compose(Transforms.randomCrop(6, 6, 2), Transforms.horizontalFlip(0.5));

    private static List<Batch> collect(DataLoader loader, long epoch, int first) {
        List<Batch> out = new ArrayList<>();
        try (DataLoader.Epoch e = loader.epoch(epoch, first)) {
            for (Batch b : e) out.add(b);
        }
        return out;
    }

    private static DataLoader.Builder builder(int n) {
        return DataLoader.builder(dataset(n)).setBatchSize(8).optShuffle(true).optSeed(11).optTransform(AUGMENT);
    }

    private static void assertSameBatches(List<Batch> a, List<Batch> b) {
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).indices()).containsExactly(a.get(i).indices());
            assertThat(b.get(i).labels()).containsExactly(a.get(i).labels());
            assertThat(b.get(i).images().shape()).isEqualTo(a.get(i).images().shape());
            float[] x = a.get(i).images().toArray(), y = b.get(i).images().toArray();
            for (int k = 0; k < x.length; k++) {
                assertThat(Float.floatToRawIntBits(y[k])).as("batch %d element %d", i, k).isEqualTo(Float.floatToRawIntBits(x[k]));
            }
        }
    }

    @Test
    void sameSeedSameBatchesWithAndWithoutPrefetch() {
        List<Batch> sync = collect(builder(50).optPrefetch(0).build(), 3, 0);
        List<Batch> pre1 = collect(builder(50).optPrefetch(1).build(), 3, 0);
        List<Batch> pre4 = collect(builder(50).optPrefetch(4).build(), 3, 0);
        assertSameBatches(sync, pre1);
        assertSameBatches(sync, pre4);
        List<Batch> otherSeed = collect(builder(50).optSeed(12).optPrefetch(0).build(), 3, 0);
        assertThat(otherSeed.get(0).indices()).isNotEqualTo(sync.get(0).indices());
        List<Batch> otherEpoch = collect(builder(50).optPrefetch(0).build(), 4, 0);
        assertThat(otherEpoch.get(0).indices()).isNotEqualTo(sync.get(0).indices());
    }

    @Test
    void augmentationDrawsFreshlyEachEpochEvenWithoutShuffling() {
        DataLoader loader = builder(50).optShuffle(false).build();
        Batch e0 = collect(loader, 0, 0).get(0), e1 = collect(loader, 1, 0).get(0), again = collect(loader, 0, 0).get(0);
        assertThat(e1.indices()).containsExactly(e0.indices());
        assertThat(e1.images().toArray()).isNotEqualTo(e0.images().toArray());
        assertThat(again.images().toArray()).containsExactly(e0.images().toArray());
    }

    @Test
    void everySampleAppearsOncePerEpochAndBatchesAreNhwc() {
        DataLoader loader = builder(50).build();
        assertThat(loader.batchesPerEpoch()).isEqualTo(7);
        List<Batch> batches = collect(loader, 0, 0);
        assertThat(batches).hasSize(7);
        int[] count = new int[50];
        ByteImageDataset d = dataset(50);
        for (Batch b : batches) {
            assertThat(b.images().shape().dims()).containsExactly(b.size(), 6, 6, 1);
            for (int j = 0; j < b.size(); j++) {
                count[b.indices()[j]]++;
                assertThat(b.labels()[j]).isEqualTo(d.label(b.indices()[j]));
            }
        }
        assertThat(batches.get(6).size()).isEqualTo(2);
        for (int c : count) assertThat(c).isEqualTo(1);
    }

    @Test
    void withoutTransformOrShuffleTheBatchesAreTheDatasetInOrder() {
        ByteImageDataset d = dataset(10);
        DataLoader loader = DataLoader.builder(d).setBatchSize(4).optDropLast(true).build();
        assertThat(loader.batchesPerEpoch()).isEqualTo(2);
        List<Batch> batches = collect(loader, 0, 0);
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1).indices()).containsExactly(4, 5, 6, 7);
        float[] expected = new float[4 * 36];
        for (int j = 0; j < 4; j++) System.arraycopy(d.image(4 + j).data(), 0, expected, j * 36, 36);
        assertThat(batches.get(1).images().toArray()).containsExactly(expected);
    }

    @Test
    void resumingMidEpochGivesTheRemainingBatchesExactly() {
        List<Batch> all = collect(builder(50).build(), 2, 0);
        List<Batch> tail = collect(builder(50).build(), 2, 4);
        assertSameBatches(all.subList(4, all.size()), tail);
        assertThat(tail.get(0).number()).isEqualTo(4);
        assertThat(collect(builder(50).build(), 2, 7)).isEmpty();
    }

    @Test
    void failuresOnTheBackgroundThreadReachTheCallerWithTheSampleNamed() {
        ByteImageDataset d = dataset(20);
        // Sample 13 comes out a different size: the batch holding it cannot be stacked.
        Transform grow = (img, rng) -> (Math.round(img.data()[0] * 255) == 13 * 7) ? Transforms.centerCrop(5, 5).apply(img, rng) : img;
        for (int prefetch : new int[] {0, 2}) {
            DataLoader loader = DataLoader.builder(d).setBatchSize(4).optTransform(grow).optPrefetch(prefetch).build();
            try (DataLoader.Epoch e = loader.epoch(0)) {
                for (int b = 0; b < 3; b++) e.next();
                assertThatThrownBy(e::next).isInstanceOf(DataLoaderException.class)
                        .hasMessageContaining("epoch 0, batch 3: sample 13 is [5, 5, 1] after the transform, but the batch is [6, 6, 1]");
            }
            DataLoader failing = DataLoader.builder(d).setBatchSize(4).optPrefetch(prefetch)
                    .optTransform((img, rng) -> {
                        throw new IllegalStateException("boom");
                    }).build();
            try (DataLoader.Epoch e = failing.epoch(1)) {
                assertThatThrownBy(e::next).isInstanceOf(DataLoaderException.class)
                        .hasMessageContaining("epoch 1, batch 0: sample 0: boom").hasRootCauseMessage("boom");
            }
        }
    }

    @Test
    void closeStopsTheBackgroundThread() throws InterruptedException {
        DataLoader loader = builder(200).optPrefetch(1).build();
        DataLoader.Epoch e = loader.epoch(0);
        e.next();
        e.close();
        assertThat(e.hasNext()).isFalse();
        e.close();
        Thread.sleep(20);
        boolean alive = Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("basis4j-data-loader") && t.isAlive());
        assertThat(alive).isFalse();
    }

    @Test
    void builderValidates() {
        assertThatThrownBy(() -> DataLoader.builder(dataset(5)).build()).hasMessageContaining("batchSize must be set and >= 1");
        assertThatThrownBy(() -> DataLoader.builder(dataset(5)).setBatchSize(8).optDropLast(true).build())
                .hasMessageContaining("leaves no batch");
        assertThatThrownBy(() -> DataLoader.builder(dataset(5)).setBatchSize(2).optPrefetch(-1).build())
                .hasMessageContaining("prefetch must be >= 0");
        assertThatThrownBy(() -> builder(50).build().epoch(0, 8)).hasMessageContaining("firstBatch must be in [0, 7]");
        assertThat(Arrays.stream(builder(50).build().order(0)).sorted().toArray()).containsExactly(IntStream.range(0, 50).toArray());
    }
}
