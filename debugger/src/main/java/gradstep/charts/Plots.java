package gradstep.charts;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The charts of {@code gradstep plot}, drawn with XChart: loss and accuracy (train per step, test per
 * epoch), per-layer gradient norms on a log scale, and per-layer update:parameter ratios, for one run or
 * two on the same axes.
 */
public final class Plots {
    public static final int WIDTH = 900;
    public static final int HEIGHT = 560;

    private Plots() {
    }

    /** Writes loss.png, accuracy.png, gradient_norms.png and update_ratios.png into {@code out}; returns them. */
    public static List<Path> write(List<RunLog> runs, Path out) throws IOException {
        boolean compare = runs.size() > 1;
        List<Path> files = new ArrayList<>();
        files.add(curve(runs, out, "loss", "Loss (cross-entropy)", "loss", "test_loss"));
        files.add(curve(runs, out, "accuracy", "Accuracy", "accuracy", "test_accuracy"));
        XYChart grads = chart("Gradient L2 norm per layer", "step", "‖gradient‖ (log scale)");
        grads.getStyler().setYAxisLogarithmic(true);
        XYChart ratios = chart("Update : parameter ratio per layer", "step", "log10(‖update‖ / ‖θ‖)");
        // these curves fill the plot: the legend goes beside it, not over them
        grads.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        ratios.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        for (RunLog r : runs) {
            String prefix = compare ? r.name() + " " : "";
            double[] x = r.steps().get("global_step");
            for (String layer : r.layers()) {
                line(grads, prefix + layer, x, positive(r.steps().get(layer + ":grad_norm")));
                line(ratios, prefix + layer, x, r.steps().get(layer + ":update_ratio"));
            }
        }
        // Karpathy's rule of thumb, as Deeplearning4j's training UI shows it: about 1e-3 is healthy
        RunLog first = runs.get(0);
        double[] x = first.steps().get("global_step");
        if (x.length > 0) {
            XYSeries ref = ratios.addSeries("healthy ≈ −3", new double[]{x[0], x[x.length - 1]}, new double[]{-3, -3});
            ref.setMarker(SeriesMarkers.NONE);
            ref.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10,
                    new float[]{6, 4}, 0));
            ref.setLineColor(java.awt.Color.GRAY);
        }
        files.add(save(grads, out, "gradient_norms"));
        files.add(save(ratios, out, "update_ratios"));
        return files;
    }

    private static Path curve(List<RunLog> runs, Path out, String file, String title, String trainCol, String testCol)
            throws IOException {
        boolean loss = trainCol.equals("loss");
        XYChart c = chart(title, "step", title.toLowerCase(java.util.Locale.ROOT) + (loss ? " (log scale)" : ""));
        // the loss falls by orders of magnitude: a log axis shows the late steps as well as the first
        c.getStyler().setYAxisLogarithmic(loss);
        // a falling loss leaves the upper right empty, a rising accuracy the lower right
        c.getStyler().setLegendPosition(loss ? Styler.LegendPosition.InsideNE : Styler.LegendPosition.InsideSE);
        for (RunLog r : runs) {
            String prefix = runs.size() > 1 ? r.name() + " " : "";
            double[] x = r.steps().get("global_step"), y = r.steps().get(trainCol);
            int window = Math.max(5, x.length / 100);
            XYSeries raw = line(c, prefix + "train (per step)", x, loss ? positive(y) : y);
            if (raw != null) {
                raw.setLineWidth(0.6f);
            }
            XYSeries smooth = line(c, prefix + "train (mean of " + window + " steps)", x, movingMean(y, window));
            if (smooth != null) {
                smooth.setLineWidth(2.5f);
            }
            double[] ex = r.epochs().get("global_step"), ey = r.epochs().get(testCol);
            if (ex != null && ex.length > 0) {
                XYSeries s = c.addSeries(prefix + "test (per epoch)", ex, ey);
                s.setMarker(SeriesMarkers.DIAMOND);
                s.setLineWidth(2f);
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            }
        }
        return save(c, out, file);
    }

    static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        Styler s = c.getStyler();
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setMarkerSize(11);
        return c;
    }

    /** The mean of each value and the window − 1 before it (fewer at the start). */
    static double[] movingMean(double[] v, int window) {
        double[] m = new double[v.length];
        double sum = 0;
        int count = 0;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isNaN(v[i])) {
                sum += v[i];
                count++;
            }
            if (i >= window && !Double.isNaN(v[i - window])) {
                sum -= v[i - window];
                count--;
            }
            m[i] = count == 0 ? Double.NaN : sum / count;
        }
        return m;
    }

    static XYSeries line(XYChart c, String name, double[] x, double[] y) {
        if (x == null || y == null || x.length == 0) {
            return null;
        }
        // gaps (empty cells) are left out rather than drawn as zero
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (!Double.isNaN(y[i])) {
                xs.add(x[i]);
                ys.add(y[i]);
            }
        }
        if (xs.isEmpty()) {
            return null;
        }
        XYSeries s = c.addSeries(name, xs, ys);
        s.setMarker(SeriesMarkers.NONE);
        return s;
    }

    /** A log axis cannot show 0: a layer whose gradient is exactly 0 on a step shows a gap there. */
    static double[] positive(double[] v) {
        double[] p = v.clone();
        for (int i = 0; i < p.length; i++) {
            if (!(p[i] > 0)) {
                p[i] = Double.NaN;
            }
        }
        return p;
    }

    static Path save(XYChart c, Path out, String name) throws IOException {
        Path f = out.resolve(name + ".png");
        BitmapEncoder.saveBitmap(c, f.toString().replaceAll("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
        return f;
    }
}
