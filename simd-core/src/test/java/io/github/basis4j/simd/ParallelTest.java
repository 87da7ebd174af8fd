package io.github.basis4j.simd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
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
    void nestedLoopsRunOnTheThreadOfTheirChunkWhetherCallerOrWorker() {
        Parallel.setThreads(2);
        for (int round = 0; round < 50; round++) {
            AtomicReference<String> wrong = new AtomicReference<>();
            Parallel.forRange(16, 1, (from, to) -> {
                Thread outer = Thread.currentThread();
                Parallel.forRange(16, 1, (f2, t2) -> {
                    if (Thread.currentThread() != outer) wrong.set("inner chunk " + f2 + " of outer " + from + " moved threads");
                });
            });
            assertThat(wrong.get()).isNull();
        }
    }

    @Test
    void theCallerAndAWorkerShareTheChunks() {
        Parallel.setThreads(2);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch bothStarted = new CountDownLatch(2);
        // Each chunk waits for the other to start: whoever runs the first cannot run the second, so
        // the loop finishes in time only if the caller and a worker run one each.
        Parallel.forRange(2, 1, (from, to) -> {
            threads.add(Thread.currentThread().getName());
            bothStarted.countDown();
            try {
                bothStarted.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(threads).hasSize(2).contains(Thread.currentThread().getName());
        assertThat(threads).anyMatch(name -> name.startsWith("basis4j-worker-"));
    }

    @Test
    void loopsStartedBySeveralThreadsAtOnceEachRunEveryChunkOnce() throws InterruptedException {
        Parallel.setThreads(2);
        int callers = 3, loops = 200, n = 64;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] started = new Thread[callers];
        for (int t = 0; t < callers; t++) {
            started[t] = new Thread(() -> {
                try {
                    for (int l = 0; l < loops; l++) {
                        AtomicIntegerArray hits = new AtomicIntegerArray(n);
                        Parallel.forChunks(n, 3, (chunk, from, to) -> {
                            for (int i = from; i < to; i++) hits.incrementAndGet(i);
                        });
                        for (int i = 0; i < n; i++) assertThat(hits.get(i)).as("loop %d iteration %d", l, i).isEqualTo(1);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            started[t].start();
        }
        for (Thread t : started) t.join();
        assertThat(failure.get()).isNull();
    }

    @Test
    void aFailedLoopLeavesTheNextOnesWorking() {
        Parallel.setThreads(2);
        for (int failAt : new int[] {0, 99}) {
            assertThatThrownBy(() -> Parallel.forRange(100, 1, (from, to) -> {
                if (from == failAt) throw new IllegalStateException("boom at " + failAt);
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("boom at " + failAt);
            AtomicIntegerArray hits = new AtomicIntegerArray(100);
            Parallel.forRange(100, 1, (from, to) -> hits.incrementAndGet(from));
            for (int i = 0; i < 100; i++) assertThat(hits.get(i)).isEqualTo(1);
        }
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
