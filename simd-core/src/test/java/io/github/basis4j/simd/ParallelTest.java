package io.github.basis4j.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(saved);
    }

    @Test
    void everyIterationRunsExactlyOnceInFixedChunks() {
        Parallel.setThreads(2);
        int n = 1003, grain = 10;
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        int[] chunkOf = new int[n];
        Parallel.forChunks(n, grain, (chunk, from, to) -> {
            assertThat(from).isEqualTo(chunk * grain);
            for (int i = from; i < to; i++) {
                hits.incrementAndGet(i);
                chunkOf[i] = chunk;
            }
        });
        for (int i = 0; i < n; i++) {
            assertThat(hits.get(i)).as("iteration %d", i).isEqualTo(1);
            assertThat(chunkOf[i]).isEqualTo(i / grain);
        }
        assertThat(Parallel.chunkCount(n, grain)).isEqualTo(101);
    }

    @Test
    void nestedLoopsRunInlineOnTheWorker() {
        Parallel.setThreads(2);
        AtomicIntegerArray hits = new AtomicIntegerArray(64);
        Parallel.forRange(8, 1, (from, to) -> Parallel.forRange(8, 1, (f2, t2) -> hits.incrementAndGet(from * 8 + f2)));
        for (int i = 0; i < 64; i++) assertThat(hits.get(i)).isEqualTo(1);
    }

    @Test
    void exceptionsInChunksPropagate() {
        Parallel.setThreads(2);
        assertThatThrownBy(() -> Parallel.forRange(100, 1, (from, to) -> {
            if (from == 57) throw new IllegalStateException("boom at 57");
        })).hasMessageContaining("boom at 57");
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> Parallel.setThreads(0)).hasMessageContaining("n must be >= 1, got 0");
        assertThatThrownBy(() -> Parallel.chunkCount(10, 0)).hasMessageContaining("grain must be >= 1, got 0");
    }
}
