package gradstep.engine.train;

import gradstep.engine.util.Rng;

/** Small made-up image sets for tests: each class a bright bar at its own place, plus noise. */
public final class Synthetic {
    private Synthetic() {
    }

    public static ImageData bars(int count, int size, long seed) {
        Rng rng = new Rng(seed);
        byte[] pixels = new byte[count * size * size];
        byte[] labels = new byte[count];
        for (int n = 0; n < count; n++) {
            int label = rng.nextInt(10);
            labels[n] = (byte) label;
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    boolean bar = label < 5 ? i == label * size / 5 : j == (label - 5) * size / 5;
                    int v = (bar ? 200 : 0) + rng.nextInt(56);
                    pixels[n * size * size + i * size + j] = (byte) v;
                }
            }
        }
        return new ImageData("bars", pixels, labels, count, size, size, 1, 10);
    }
}
