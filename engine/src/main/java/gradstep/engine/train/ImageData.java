package gradstep.engine.train;

/**
 * Labelled images as the engine consumes them: unsigned-byte pixels, channels-last, image after image,
 * and one class index per image. The engine does not read files; whoever loads the data hands it over in
 * this form (the command line adapts {@code gradstep.datasets}).
 */
public record ImageData(String name, byte[] pixels, byte[] labels, int count, int rows, int cols, int channels,
                        int classes) {
    public ImageData {
        if ((long) count * rows * cols * channels != pixels.length || labels.length != count) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixels and " + labels.length
                    + " labels do not make " + count + " images of " + rows + "x" + cols + "x" + channels);
        }
    }

    public int pixelsPerImage() {
        return rows * cols * channels;
    }

    /**
     * Copies images {@code order[from..to)} into {@code x} as floats in [0, 1] (pixel / 255) and their
     * labels into {@code y}.
     */
    public void fill(int[] order, int from, int to, float[] x, int[] y) {
        int ppi = pixelsPerImage();
        for (int r = 0; r < to - from; r++) {
            int img = order[from + r];
            int src = img * ppi;
            int dst = r * ppi;
            for (int p = 0; p < ppi; p++) {
                x[dst + p] = (pixels[src + p] & 0xff) * (1f / 255f);
            }
            y[r] = labels[img];
        }
    }

    /** Copies images {@code order[from..to)} into {@code x} as they are stored (bytes) and their labels into {@code y}. */
    public void fillBytes(int[] order, int from, int to, byte[] x, int[] y) {
        int ppi = pixelsPerImage();
        for (int r = 0; r < to - from; r++) {
            int img = order[from + r];
            System.arraycopy(pixels, img * ppi, x, r * ppi, ppi);
            y[r] = labels[img];
        }
    }

    /** The first {@code n} images, in order; for quick runs and tests. */
    public ImageData head(int n) {
        int m = Math.min(n, count);
        return new ImageData(name, java.util.Arrays.copyOf(pixels, m * pixelsPerImage()),
                java.util.Arrays.copyOf(labels, m), m, rows, cols, channels, classes);
    }
}
