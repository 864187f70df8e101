package gradstep.engine.ops;

import gradstep.engine.util.Parallel;

/**
 * 2-D max pooling with a p×p window and stride p over channels-last images (Keras's MaxPooling2D with
 * {@code padding='valid'}): output {@code floor(h/p) × floor(w/p) × c}; rows and columns left over at the
 * bottom and right are dropped.
 *
 * <pre>
 *   forward:   y[n,i,j,ch] = max over the window of x;  argmax remembers where it was
 *   backward:  dx[argmax] += dy, zero elsewhere (the max is the only input that moved the output)
 * </pre>
 * Ties go to the first element of the window in row-major order.
 */
public final class MaxPool {
    private MaxPool() {
    }

    public static void maxpoolForward(float[] x, float[] y, int[] argmax, int batch, int h, int w, int c, int p) {
        int oh = h / p, ow = w / p;
        Parallel.forRange(batch, (long) batch * h * w * c, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                int xBase = n * h * w * c;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        // the window's first element starts the max; then each of the others, channels
                        // innermost, so every read runs along memory
                        int yo = ((n * oh + i) * ow + j) * c;
                        int first = xBase + ((i * p) * w + j * p) * c;
                        for (int ch = 0; ch < c; ch++) {
                            y[yo + ch] = x[first + ch];
                            argmax[yo + ch] = first + ch;
                        }
                        for (int di = 0; di < p; di++) {
                            for (int dj = 0; dj < p; dj++) {
                                int at = xBase + ((i * p + di) * w + (j * p + dj)) * c;
                                for (int ch = 0; ch < c; ch++) {
                                    if (x[at + ch] > y[yo + ch]) {
                                        y[yo + ch] = x[at + ch];
                                        argmax[yo + ch] = at + ch;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    public static void maxpoolBackward(float[] dy, int[] argmax, float[] dx, int batch, int h, int w, int c, int p) {
        int outPerImage = (h / p) * (w / p) * c;
        int inPerImage = h * w * c;
        Parallel.forRange(batch, (long) batch * inPerImage, (n0, n1) -> {
            java.util.Arrays.fill(dx, n0 * inPerImage, n1 * inPerImage, 0f);
            for (int o = n0 * outPerImage; o < n1 * outPerImage; o++) {
                dx[argmax[o]] += dy[o];
            }
        });
    }
}
