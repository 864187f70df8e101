package gradstep.engine.ops;

/**
 * The reductions the debugger shows for any tensor: sum, sum of squares, min and max in one pass (from
 * which the mean and the L2 norm ‖v‖ = sqrt(Σ v²)), and a histogram of equal-width bins.
 */
public final class Stats {
    private Stats() {
    }

    /** Summary of {@code count} values. */
    public record Summary(double sum, double sumOfSquares, float min, float max, int count) {
        public double mean() {
            return count == 0 ? 0 : sum / count;
        }

        public double l2() {
            return Math.sqrt(sumOfSquares);
        }
    }

    public static Summary summary(float[] v, int offset, int count) {
        double s = 0, sq = 0;
        float mn = Float.POSITIVE_INFINITY, mx = Float.NEGATIVE_INFINITY;
        for (int i = offset; i < offset + count; i++) {
            float x = v[i];
            s += x;
            sq += (double) x * x;
            mn = Math.min(mn, x);
            mx = Math.max(mx, x);
        }
        return new Summary(s, sq, mn, mx, count);
    }

    /**
     * Counts in {@code bins} equal bins over [lo, hi]: bin ⌊(v − lo)·bins/(hi − lo)⌋, values below lo in
     * the first bin and from hi up in the last (so the maximum lands in the last bin).
     */
    public static int[] histogram(float[] v, int offset, int count, float lo, float hi, int bins) {
        int[] h = new int[bins];
        float scale = hi > lo ? bins / (hi - lo) : 0f;
        for (int i = offset; i < offset + count; i++) {
            int b = (int) ((v[i] - lo) * scale);
            h[Math.max(0, Math.min(bins - 1, b))]++;
        }
        return h;
    }
}
