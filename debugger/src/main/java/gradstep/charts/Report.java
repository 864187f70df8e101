package gradstep.charts;

import gradstep.engine.backend.Backend;
import gradstep.engine.train.ImageData;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The pictures of {@code gradstep report}: the confusion matrix on the test set, and a grid of the test
 * digits the model got wrong with the most confidence, each with its label, the prediction and its
 * probability.
 */
public final class Report {
    public static final int CELL = 56;
    public static final int DIGIT_SCALE = 4;
    public static final int GRID = 6;

    private Report() {
    }

    /** One test image's outcome. */
    record Outcome(int index, int label, int predicted, float probability) {
    }

    /** Runs the model over {@code test} and returns, per image, the label, the prediction and its probability. */
    static List<Outcome> outcomes(Backend b, ImageData test) {
        List<Outcome> out = new ArrayList<>(test.count());
        int k = b.model().classes();
        gradstep.engine.train.Evaluation.forEachBatch(b, test, (from, n, result) -> {
            float[] p = b.probabilities();
            for (int i = 0; i < n; i++) {
                int best = 0;
                for (int j = 1; j < k; j++) {
                    if (p[i * k + j] > p[i * k + best]) {
                        best = j;
                    }
                }
                out.add(new Outcome(from + i, test.labels()[from + i], best, p[i * k + best]));
            }
        });
        return out;
    }

    /** Writes confusion_matrix.png and misclassified.png; returns them and the accuracy. */
    public static List<Path> write(Backend b, ImageData test, Path out) throws IOException {
        List<Outcome> all = outcomes(b, test);
        int k = b.model().classes();
        int[][] m = new int[k][k];
        for (Outcome o : all) {
            m[o.label()][o.predicted()]++;
        }
        Path cm = out.resolve("confusion_matrix.png");
        ImageIO.write(confusion(m, all.size()), "png", cm.toFile());
        List<Outcome> wrong = all.stream().filter(o -> o.label() != o.predicted())
                .sorted(Comparator.comparingDouble((Outcome o) -> -o.probability())).limit(GRID * GRID).toList();
        Path mis = out.resolve("misclassified.png");
        ImageIO.write(misclassified(wrong, test), "png", mis.toFile());
        return List.of(cm, mis);
    }

    static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    /** Rows: the true digit; columns: the prediction; each cell its count, shaded by its share of the row. */
    static BufferedImage confusion(int[][] m, int total) {
        int k = m.length, margin = 90;
        BufferedImage img = new BufferedImage(margin + k * CELL + 20, margin + k * CELL + 50, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(img);
        int correct = 0;
        for (int i = 0; i < k; i++) {
            correct += m[i][i];
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(String.format(Locale.ROOT, "Confusion matrix on the test set (accuracy %.4f)", (double) correct / total), 10, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("predicted digit →", margin, 50);
        g.drawString("true", 10, margin + 10);
        g.drawString("digit ↓", 10, margin + 26);
        for (int i = 0; i < k; i++) {
            int rowSum = 0;
            for (int j = 0; j < k; j++) {
                rowSum += m[i][j];
            }
            g.setColor(Color.BLACK);
            g.drawString(Integer.toString(i), margin + i * CELL + CELL / 2 - 4, margin - 8);
            g.drawString(Integer.toString(i), margin - 18, margin + i * CELL + CELL / 2 + 5);
            for (int j = 0; j < k; j++) {
                double share = rowSum == 0 ? 0 : (double) m[i][j] / rowSum;
                // diagonal in blue, mistakes in red, darker with more of the row
                float t = (float) Math.pow(share, i == j ? 1 : 0.35);
                Color c = i == j ? blend(Color.WHITE, new Color(30, 90, 200), t) : blend(Color.WHITE, new Color(210, 40, 40), t);
                g.setColor(c);
                g.fillRect(margin + j * CELL, margin + i * CELL, CELL - 1, CELL - 1);
                g.setColor(t > 0.55 ? Color.WHITE : Color.BLACK);
                String s = Integer.toString(m[i][j]);
                g.drawString(s, margin + j * CELL + CELL / 2 - g.getFontMetrics().stringWidth(s) / 2, margin + i * CELL + CELL / 2 + 5);
            }
        }
        g.dispose();
        return img;
    }

    static Color blend(Color a, Color b, float t) {
        return new Color(Math.round(a.getRed() + (b.getRed() - a.getRed()) * t), Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
                Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
    }

    /** The most confidently wrong digits, largest probability first, with "label → prediction (probability)". */
    static BufferedImage misclassified(List<Outcome> wrong, ImageData test) {
        int size = test.rows() * DIGIT_SCALE, pad = 28, title = 40;
        int cols = GRID, rows = Math.max(1, (wrong.size() + cols - 1) / cols);
        BufferedImage img = new BufferedImage(cols * (size + 12) + 12, title + rows * (size + pad + 8) + 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(img);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("The " + wrong.size() + " most confidently misclassified test digits", 12, 26);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        int ppi = test.pixelsPerImage();
        for (int n = 0; n < wrong.size(); n++) {
            Outcome o = wrong.get(n);
            int x0 = 12 + (n % cols) * (size + 12), y0 = title + (n / cols) * (size + pad + 8);
            for (int r = 0; r < test.rows(); r++) {
                for (int c = 0; c < test.cols(); c++) {
                    int v = 255 - (test.pixels()[o.index() * ppi + r * test.cols() + c] & 0xff); // ink dark on white
                    g.setColor(new Color(v, v, v));
                    g.fillRect(x0 + c * DIGIT_SCALE, y0 + r * DIGIT_SCALE, DIGIT_SCALE, DIGIT_SCALE);
                }
            }
            g.setColor(new Color(190, 30, 30));
            g.drawString(String.format(Locale.ROOT, "%d → %d (%.2f)", o.label(), o.predicted(), o.probability()), x0, y0 + size + 18);
        }
        g.dispose();
        return img;
    }
}
