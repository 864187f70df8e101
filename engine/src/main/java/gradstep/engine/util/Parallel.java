package gradstep.engine.util;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * Splits a loop over {@code [0, n)} into contiguous chunks run on a pool of {@link #threads()} threads.
 * Ops give each output element to exactly one chunk and never sum across chunks, so results are
 * bit-identical whatever the number of threads.
 */
public final class Parallel {
    /** Body of a chunked loop: handles indices {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    private static volatile ForkJoinPool pool = newPool(Runtime.getRuntime().availableProcessors());

    private Parallel() {
    }

    private static ForkJoinPool newPool(int threads) {
        return new ForkJoinPool(threads, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName("gradstep-worker-" + t.getPoolIndex());
            t.setDaemon(true);
            return t;
        }, null, false);
    }

    public static int threads() {
        return pool.getParallelism();
    }

    /** Sets the number of worker threads (1 runs every loop on the caller's thread). */
    public static synchronized void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        if (threads != threads()) {
            ForkJoinPool old = pool;
            pool = newPool(threads);
            old.shutdown();
        }
    }

    /**
     * Runs {@code body} over {@code [0, n)}. {@code work} is the rough cost of the whole loop in
     * multiply-adds; below about 50k it is not worth waking another thread.
     */
    public static void forRange(int n, long work, Range body) {
        int t = threads();
        if (t == 1 || n < 2 || work < 50_000) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(n, t);
        ForkJoinPool p = pool;
        List<Future<?>> futures = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            futures.add(p.submit(() -> body.run(from, to)));
        }
        body.run(0, (int) ((long) n / chunks));
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a worker", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException re) {
                    throw re;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(cause);
            }
        }
    }
}
