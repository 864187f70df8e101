package gradstep.debugger;

import gradstep.engine.layers.Conv2D;
import gradstep.engine.layers.Layer;
import gradstep.engine.layers.Param;
import gradstep.engine.ops.Stats;
import gradstep.engine.optim.Optimizer;
import gradstep.engine.optim.RmsProp;
import gradstep.engine.optim.Sgd;
import gradstep.engine.train.MicroStep;
import gradstep.engine.train.StepResult;
import gradstep.engine.train.Trainer;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every view of the debugger, each drawn from a {@link Session} into a rectangle of a {@link Canvas}.
 * The terminal UI and the scripted mode ({@code show VIEW}) draw the same views.
 */
public final class Views {
    /** The views that {@code show} and the number keys select. */
    public enum View {
        LAYERS("layers"), LAYER("layer"), RMSPROP("rmsprop"), BATCH("batch"), HISTORY("history"), STATUS("status"), HELP("help");

        public final String word;

        View(String word) {
            this.word = word;
        }

        static View of(String word) {
            for (View v : values()) {
                if (v.word.equals(word)) {
                    return v;
                }
            }
            return null;
        }
    }

    /** What the selected-layer view shows a histogram of. */
    public enum Tensor {
        GRADIENT("gradient"), WEIGHTS("weights"), UPDATES("updates"), ACTIVATIONS("activations");

        public final String word;

        Tensor(String word) {
            this.word = word;
        }

        Tensor next() {
            return values()[(ordinal() + 1) % values().length];
        }
    }

    private static final char[] BARS = {' ', '\u2581', '\u2582', '\u2583', '\u2584', '\u2585', '\u2586', '\u2587', '\u2588'};

    private Views() {
    }

    static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }

    /** A number in at most 8 characters: 3 significant digits, scientific when small or large. */
    static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e-2 && a < 1e3) {
            return f("%.3f", v);
        }
        if (a >= 1e3 && a < 1e5) {
            return f("%.0f", v);
        }
        return v < 0 ? f("%.1e", v) : f("%.2e", v);
    }

    // ---- status line ----

    public static void status(Canvas c, int x, int y, int w, Session s) {
        Trainer t = s.trainer();
        List<StepResult> rs = s.results();
        StepResult last = rs.isEmpty() ? null : rs.get(rs.size() - 1);
        String next = t.epoch() > s.epochs() ? "done" : t.next().describe(s.model());
        String left = f("epoch %d/%d  step %d/%d (%d done)  next: %s", Math.min(t.epoch(), s.epochs()), s.epochs(),
                Math.min(t.stepInEpoch() + 1, t.stepsPerEpoch()), t.stepsPerEpoch(), t.globalStep(), next);
        String right = last == null ? "" : f("loss %.4f  acc %.3f", last.loss(), last.accuracy());
        c.text(x, y, left, w, Canvas.ACCENT, true);
        if (left.length() + right.length() + 2 <= w) {
            c.text(x + w - right.length(), y, right, right.length());
        }
    }

    // ---- layers table ----

    public static int layers(Canvas c, int x, int y, int w, int h, Session s) {
        List<Session.LayerStats> stats = s.layerStats();
        String header = f("  %-15s %-9s %7s %6s %5s %4s %8s %8s %5s", "layer", "output", "params", "mean", "std", "dead",
                "|grad|", "|update|", "u/θ");
        c.text(x, y, header, w, Canvas.DIM, true);
        int outlier = -1;
        double worst = 1; // more than a decade away from 1e-3 stands out
        for (Session.LayerStats l : stats) {
            double r = l.ratioLog10();
            if (!Double.isNaN(r) && Math.abs(r + 3) > worst) {
                worst = Math.abs(r + 3);
                outlier = l.index();
            }
        }
        int row = y + 1;
        for (Session.LayerStats l : stats) {
            if (row >= y + h) {
                break;
            }
            boolean selected = l.index() == s.selectedLayer();
            String dead = Double.isNaN(l.dead()) ? "-" : f("%.0f%%", 100 * l.dead());
            String line = f("%s %-15s %-9s %7d %6s %5s %4s %8s %8s %5s", selected ? ">" : " ", l.name(), compact(l.shape()),
                    l.params(), num(l.actMean()), num(l.actStd()), dead, l.params() == 0 ? "-" : num(l.gradNorm()),
                    l.params() == 0 ? "-" : num(l.updateNorm()), Double.isNaN(l.ratioLog10()) ? "-" : f("%.1f", l.ratioLog10()));
            int colour = l.index() == outlier ? Canvas.HIGHLIGHT : !Double.isNaN(l.dead()) && l.dead() > 0.9 ? Canvas.BAD : Canvas.DEFAULT;
            c.text(x, row, line, w, colour, selected);
            row++;
        }
        return row - y;
    }

    /** (26, 26, 32) as 26x26x32. */
    static String compact(String shape) {
        return shape.replaceAll("[(),]", " ").trim().replaceAll("\\s+", "x");
    }

    // ---- selected layer ----

    public static void layer(Canvas c, int x, int y, int w, int h, Session s, Tensor what) {
        Layer l = s.model().layers().get(s.selectedLayer());
        Param p = s.selectedParam();
        float[] v;
        String title;
        if (what == Tensor.ACTIVATIONS || p == null) {
            v = s.backend().activation(s.selectedLayer());
            title = f("%s (%s) · activations of the batch %s", l.name(), l.kind(), "(" + s.backend().batchSize() + ", "
                    + l.outputShape().toString().substring(1));
        } else {
            s.backend().syncToHost();
            v = switch (what) {
                case WEIGHTS -> p.value();
                case UPDATES -> s.optimizer().state(p, "b");
                default -> p.grad();
            };
            title = f("%s (%s) · %s of %s %s", l.name(), l.kind(), what.word, p.name(), p.shape());
        }
        c.text(x, y, title, w, Canvas.ACCENT, true);
        int used = 1;
        // room first for what only this layer kind shows: its filters (and, on tall screens, feature maps)
        int reserve = 3 + (l instanceof Conv2D ? 3 : 0);
        int rows = Math.max(3, Math.min(6, h - reserve));
        Stats.Summary sum = Stats.summary(v, 0, v.length);
        if (v.length == 0) {
            c.text(x, y + used, "no batch has gone through yet", w, Canvas.DIM, false);
            return;
        }
        if (sum.min() == 0 && sum.max() == 0) {
            c.text(x, y + used, "all " + v.length + " values are 0" + (what == Tensor.GRADIENT ? ": no backward of this layer yet" : ""),
                    w, Canvas.DIM, false);
            used++;
        } else {
            used += histogram(c, x, y + used, w, rows, v);
        }
        double std = Math.sqrt(Math.max(0, sum.sumOfSquares() / Math.max(1, sum.count()) - sum.mean() * sum.mean()));
        c.text(x, y + used, f("n %d  mean %s  std %s  L2 %s  min %s  max %s", v.length, num(sum.mean()), num(std), num(sum.l2()),
                num(sum.min()), num(sum.max())), w, Canvas.DIM, false);
        used++;
        if (l instanceof Conv2D conv && h - used >= 3) {
            used += filters(c, x, y + used, w, h - used, conv, s);
        }
        if (l.outputShape().rank() == 3 && h - used >= 5) {
            used += featureMaps(c, x, y + used, w, h - used, l, s);
        }
        if (h - used >= 1) {
            c.text(x, y + h - 1, "w: histogram of gradient/weights/updates/activations   p: kernel/bias", w, Canvas.DIM, false);
        }
    }

    /** A bar histogram of v in {@code rows} rows, with the range below; returns the rows used. */
    static int histogram(Canvas c, int x, int y, int w, int rows, float[] v) {
        if (rows < 2 || v.length == 0) {
            return 0;
        }
        Stats.Summary sum = Stats.summary(v, 0, v.length);
        int bins = Math.max(8, Math.min(w - 2, 64));
        int[] hist = Stats.histogram(v, 0, v.length, sum.min(), sum.max(), bins);
        int max = 1;
        for (int b : hist) {
            max = Math.max(max, b);
        }
        int barRows = rows - 1;
        for (int b = 0; b < bins; b++) {
            // square-root scale: a spike at zero (ReLU, dead units) would flatten everything else
            double height = Math.sqrt((double) hist[b] / max) * barRows * 8;
            for (int r = 0; r < barRows; r++) {
                double cell = height - (barRows - 1 - r) * 8;
                int idx = (int) Math.max(0, Math.min(8, Math.round(cell)));
                if (hist[b] > 0 && r == barRows - 1 && idx == 0) {
                    idx = 1;
                }
                c.set(x + b, y + r, BARS[idx], Canvas.GOOD, Canvas.DEFAULT, false);
            }
        }
        String lo = num(sum.min()), hi = num(sum.max());
        c.text(x, y + barRows, lo, w);
        c.text(x + Math.max(lo.length() + 1, bins - hi.length()), y + barRows, hi, w);
        return rows;
    }

    /** The kernels of the first input channel, one small grey image per filter. */
    static int filters(Canvas c, int x, int y, int w, int h, Conv2D conv, Session s) {
        Param kernel = conv.params().get(0);
        s.backend().syncToHost();
        float[] k = kernel.value();
        int kh = conv.geometry().k(), in = conv.geometry().in(), out = conv.geometry().out();
        int cellRows = (kh + 1) / 2;
        c.text(x, y, f("filters (input channel 0 of %d, %dx%d, white = largest):", in, kh, kh), w, Canvas.DIM, false);
        float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
        for (float v : k) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        int perRow = Math.max(1, w / (kh + 1));
        int shown = Math.min(out, perRow * Math.max(1, (h - 1) / (cellRows + 1)));
        shown = Math.min(shown, perRow * ((h - 1) / Math.max(1, cellRows)));
        int rowsUsed = 1;
        for (int f = 0; f < shown; f++) {
            int cx = x + (f % perRow) * (kh + 1), cy = y + 1 + (f / perRow) * cellRows;
            if (cy + cellRows > y + h) {
                break;
            }
            for (int i = 0; i < kh; i += 2) {
                for (int j = 0; j < kh; j++) {
                    double up = norm(k[((i * kh + j) * in) * out + f], lo, hi);
                    double down = i + 1 < kh ? norm(k[(((i + 1) * kh + j) * in) * out + f], lo, hi) : 0;
                    c.pixels(cx + j, cy + i / 2, up, down);
                }
            }
            rowsUsed = Math.max(rowsUsed, cy + cellRows - y);
        }
        return rowsUsed;
    }

    /** The first image's feature maps of a layer with image output, each channel a small grey image. */
    static int featureMaps(Canvas c, int x, int y, int w, int h, Layer l, Session s) {
        float[] a = s.backend().activation(s.model().layers().indexOf(l));
        if (a.length == 0) {
            return 0; // no batch has gone through yet
        }
        int oh = l.outputShape().dim(0), ow = l.outputShape().dim(1), ch = l.outputShape().dim(2);
        int step = oh > 14 ? 2 : 1; // halve big maps so several fit
        int cw = (ow + step - 1) / step, crows = ((oh + step - 1) / step + 1) / 2;
        c.text(x, y, f("feature maps of image 0 (%dx%d, %d channels):", oh, ow, ch), w, Canvas.DIM, false);
        int perRow = Math.max(1, w / (cw + 1));
        int maxRows = Math.max(0, (h - 1) / crows);
        int shown = Math.min(ch, perRow * maxRows);
        for (int k = 0; k < shown; k++) {
            float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
            for (int i = 0; i < oh * ow; i++) {
                lo = Math.min(lo, a[i * ch + k]);
                hi = Math.max(hi, a[i * ch + k]);
            }
            int cx = x + (k % perRow) * (cw + 1), cy = y + 1 + (k / perRow) * crows;
            for (int i = 0; i < oh; i += 2 * step) {
                for (int j = 0; j < ow; j += step) {
                    double up = norm(a[(i * ow + j) * ch + k], lo, hi);
                    int i2 = i + step;
                    double down = i2 < oh ? norm(a[(i2 * ow + j) * ch + k], lo, hi) : 0;
                    c.pixels(cx + j / step, cy + i / (2 * step), up, down);
                }
            }
        }
        return 1 + ((shown + perRow - 1) / perRow) * crows;
    }

    static double norm(float v, float lo, float hi) {
        return hi > lo ? (v - lo) / (hi - lo) : 0;
    }

    // ---- RMSprop inspector ----

    public static void rmsprop(Canvas c, int x, int y, int w, int h, Session s) {
        Optimizer opt = s.optimizer();
        Param p = s.selectedParam();
        Layer l = s.model().layers().get(s.selectedLayer());
        boolean rms = opt instanceof RmsProp;
        c.text(x, y, (rms ? "RMSprop" : "SGD") + " inspector · " + opt.describe(), w, Canvas.ACCENT, true);
        if (p == null) {
            c.text(x, y + 2, l.name() + " has no parameters: select a Dense or Conv2D layer (up/down)", w);
            return;
        }
        int e = s.selectedElement();
        Session.UpdateCapture u = s.lastUpdate(s.selectedLayer());
        s.backend().syncToHost();
        int row = y + 1;
        c.text(x, row++, f("element %s[%d] %s of %s", p.name(), e, index(p, e), p.shape()), w);
        if (u == null) {
            c.text(x, row++, "no update of " + l.name() + " yet: run to 'update " + l.name() + "' (n, or s)", w, Canvas.DIM, false);
            c.text(x, row++, f("θ = %.7e   g = %.7e", p.value()[e], p.grad()[e]), w);
            return;
        }
        int pi = s.selectedParamIndex();
        double g = u.grad()[pi][e];
        double theta0 = u.theta()[pi][e], theta1 = p.value()[e];
        c.text(x, row++, f("update of step %d (the latest of %s):", u.step(), l.name()), w, Canvas.DIM, false);
        if (rms) {
            RmsProp r = (RmsProp) opt;
            double m0 = u.state()[pi][0][e], b0 = u.state()[pi][1][e];
            double m1 = opt.state(p, "m")[e], b1 = opt.state(p, "b")[e];
            c.text(x, row++, f("  g       = %.7e", g), w);
            c.text(x, row++, f("  m_{t-1} = %.7e    b_{t-1} = %.7e    θ_{t-1} = %.7e", m0, b0, theta0), w);
            c.text(x, row++, f("  m_t = γ·m_{t-1} + (1−γ)·g²        = %.7e", m1), w, Canvas.GOOD, false);
            c.text(x, row++, f("  b_t = β·b_{t-1} + α·g/sqrt(m_t+ε) = %.7e", b1), w, Canvas.GOOD, false);
            c.text(x, row++, f("  θ_t = θ_{t-1} − b_t                = %.7e", theta1), w, Canvas.GOOD, false);
            c.text(x, row++, f("  α/sqrt(m_t+ε) = %.3e: the step per unit of gradient, for this element",
                    r.learningRate() / Math.sqrt(m1 + r.epsilon())), w, Canvas.DIM, false);
            if (h - (row - y) >= 4) {
                float[] m = opt.state(p, "m");
                // a redraw must stay fast: for a big tensor, a strided sample of 50,000 elements is plenty
                // for a distribution (and says so)
                int stride = Math.max(1, m.length / 50_000);
                float[] step = new float[(m.length + stride - 1) / stride];
                double sumRoot = 0;
                for (int i = 0, s2 = 0; i < m.length; i += stride, s2++) {
                    double root = Math.sqrt(m[i] + r.epsilon());
                    sumRoot += root;
                    step[s2] = (float) Math.log10(r.learningRate() / root);
                }
                Stats.Summary st = Stats.summary(step, 0, step.length);
                c.text(x, row++, f("whole tensor%s: mean sqrt(m+ε) = %.3e; log10 of the effective step α/sqrt(m+ε), %s .. %s:",
                        stride > 1 ? " (every " + stride + "th element)" : "", sumRoot / step.length, f("%.2f", st.min()),
                        f("%.2f", st.max())), w, Canvas.DIM, false);
                row += histogram(c, x, row, w, Math.min(4, h - (row - y) - 1), step);
            }
        } else {
            Sgd sgd = (Sgd) opt;
            double b0 = u.state()[pi][0][e], b1 = opt.state(p, "b")[e];
            c.text(x, row++, f("  g       = %.7e", g), w);
            c.text(x, row++, f("  b_{t-1} = %.7e    θ_{t-1} = %.7e", b0, theta0), w);
            c.text(x, row++, f("  b_t = β·b_{t-1} + α·g = %.7e", b1), w, Canvas.GOOD, false);
            c.text(x, row++, f("  θ_t = θ_{t-1} − b_t    = %.7e", theta1), w, Canvas.GOOD, false);
            c.text(x, row++, f("  α·g = %.3e: without momentum, the whole step", sgd.learningRate() * g), w, Canvas.DIM, false);
        }
        if (row < y + h) {
            c.text(x, y + h - 1, "[ ] element -/+1   { } -/+ one row   p kernel/bias   up/down layer", w, Canvas.DIM, false);
        }
    }

    /** The multi-index of flat element e, e.g. (row 2, col 17) for a (784, 512) kernel. */
    static String index(Param p, int e) {
        int[] d = p.shape().dims();
        int[] idx = new int[d.length];
        int r = e;
        for (int i = d.length - 1; i >= 0; i--) {
            idx[i] = r % d[i];
            r /= d[i];
        }
        StringBuilder sb = new StringBuilder("at (");
        for (int i = 0; i < idx.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(idx[i]);
        }
        return sb.append(')').toString();
    }

    // ---- batch ----

    public static void batch(Canvas c, int x, int y, int w, int h, Session s) {
        int n = s.backend().batchSize();
        if (n == 0 || s.trainer().globalStep() == 0 && !s.trainer().midStep()) {
            c.text(x, y, "batch: no batch loaded yet (the first forward loads one)", w, Canvas.DIM, false);
            return;
        }
        float[] px = s.backend().input();
        int[] labels = s.backend().labels();
        boolean haveProbs = s.trainer().cursor() == 0 || s.trainer().cursor() > s.model().layers().size();
        float[] probs = haveProbs ? s.backend().probabilities() : null;
        int rows = s.trainData().rows(), cols = s.trainData().cols();
        int k = s.model().classes();
        int cw = cols / 2, ch = (rows / 2 + 1) / 2; // 2x2 pixels averaged, two rows a cell
        int perRow = Math.max(1, (w + 1) / (cw + 2));
        int lines = Math.max(1, (h - 1) / (ch + 1));
        int shown = Math.min(n, perRow * lines);
        int wrong = 0;
        String title = f("batch: %d images, %d shown, label>prediction probability%s", n, shown,
                probs == null ? "; predictions come with the loss" : "");
        c.text(x, y, title, w, Canvas.ACCENT, true);
        for (int i = 0; i < shown; i++) {
            int cx = x + (i % perRow) * (cw + 2), cy = y + 1 + (i / perRow) * (ch + 1);
            int base = i * rows * cols;
            for (int r = 0; r < rows; r += 4) {
                for (int col = 0; col < cols; col += 2) {
                    c.pixels(cx + col / 2, cy + r / 4, avg(px, base, cols, r, col), r + 2 < rows ? avg(px, base, cols, r + 2, col) : 0);
                }
            }
            String label;
            int colour = Canvas.DEFAULT;
            if (probs != null) {
                int pred = 0;
                for (int j = 1; j < k; j++) {
                    if (probs[i * k + j] > probs[i * k + pred]) {
                        pred = j;
                    }
                }
                boolean ok = pred == labels[i];
                wrong += ok ? 0 : 1;
                label = f("%d>%d %.2f%s", labels[i], pred, probs[i * k + pred], ok ? "" : " x");
                colour = ok ? Canvas.GOOD : Canvas.BAD;
            } else {
                label = "label " + labels[i];
            }
            c.text(cx, cy + ch, label, cw + 1, colour, !label.endsWith("x") ? false : true);
        }
        if (probs != null) {
            String count = f("  %d of %d wrong (x)", wrong, shown);
            c.text(x + title.length(), y, count, w - title.length(), wrong > 0 ? Canvas.BAD : Canvas.GOOD, false);
        }
    }

    static double avg(float[] px, int base, int cols, int r, int c) {
        double s = px[base + r * cols + c] + px[base + r * cols + c + 1] + px[base + (r + 1) * cols + c] + px[base + (r + 1) * cols + c + 1];
        return s / 4;
    }

    // ---- history ----

    public static void history(Canvas c, int x, int y, int w, int h, Session s) {
        List<StepResult> rs = s.results();
        c.text(x, y, f("history: %d steps", rs.size()), w, Canvas.ACCENT, true);
        if (rs.isEmpty()) {
            c.text(x, y + 1, "no step completed yet", w, Canvas.DIM, false);
            return;
        }
        int width = Math.max(10, w - 24);
        double[] loss = new double[rs.size()], acc = new double[rs.size()];
        for (int i = 0; i < rs.size(); i++) {
            loss[i] = rs.get(i).loss();
            acc[i] = rs.get(i).accuracy();
        }
        StepResult last = rs.get(rs.size() - 1);
        c.text(x, y + 1, f("loss %8.4f ", last.loss()), 14);
        sparkline(c, x + 14, y + 1, width, loss, Canvas.HIGHLIGHT);
        c.text(x, y + 2, f("acc  %8.4f ", last.accuracy()), 14);
        sparkline(c, x + 14, y + 2, width, acc, Canvas.GOOD);
        c.text(x + 14, y + 3, f("step 1 .. %d, each cell the mean of %d steps", rs.size(),
                (rs.size() + width - 1) / width), w, Canvas.DIM, false);
        Map<Integer, Double> tests = s.testAccuracy();
        StringBuilder sb = new StringBuilder("test accuracy after each epoch: ");
        if (tests.isEmpty()) {
            sb.append("(after the first epoch)");
        }
        tests.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(en -> sb.append(f("epoch %d %.4f  ", en.getKey(), en.getValue())));
        if (h > 4) {
            c.text(x, y + 4, sb.toString(), w);
        }
    }

    /** A one-line sparkline of v, resampled to width cells by averaging. */
    static void sparkline(Canvas c, int x, int y, int width, double[] v, int colour) {
        int cells = Math.min(width, v.length);
        double[] m = new double[cells];
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (int i = 0; i < cells; i++) {
            int from = (int) ((long) i * v.length / cells), to = (int) ((long) (i + 1) * v.length / cells);
            double s = 0;
            for (int j = from; j < to; j++) {
                s += v[j];
            }
            m[i] = s / Math.max(1, to - from);
            lo = Math.min(lo, m[i]);
            hi = Math.max(hi, m[i]);
        }
        for (int i = 0; i < cells; i++) {
            int idx = hi > lo ? 1 + (int) Math.round((m[i] - lo) / (hi - lo) * 7) : 4;
            c.set(x + i, y, BARS[idx], colour, Canvas.DEFAULT, false);
        }
    }

    // ---- help ----

    public static final List<String[]> KEYS = List.of(
            new String[]{"n, space", "one micro-step (forward of a layer, the loss, backward of a layer, an update)"},
            new String[]{"s, enter", "one training step (the rest of the step under way)"},
            new String[]{"S", "N training steps (asks for N; enter alone: 10)"},
            new String[]{"e", "to the end of the epoch"},
            new String[]{"r", "run until a breakpoint or the end of training; any key pauses"},
            new String[]{"left, u", "step back one step (up to " + Session.HISTORY + ")"},
            new String[]{"up, down", "select the layer"},
            new String[]{"1 2 3 4", "view: layer, rmsprop, batch, history (tab cycles)"},
            new String[]{"w", "layer view: histogram of gradient / weights / updates / activations"},
            new String[]{"p", "kernel or bias of the selected layer"},
            new String[]{"[ ] { }", "select the element: -/+1, -/+ one row"},
            new String[]{"b", "add a breakpoint: " + Breakpoint.SYNTAX},
            new String[]{"B", "clear all breakpoints"},
            new String[]{"?", "this help (any key closes it)"},
            new String[]{"q", "quit"});

    public static void help(Canvas c, int x, int y, int w, int h) {
        c.text(x, y, "gradstep debug · keys", w, Canvas.ACCENT, true);
        int row = y + 1;
        for (String[] k : KEYS) {
            if (row >= y + h) {
                break;
            }
            c.text(x, row, f("  %-10s %s", k[0], k[1]), w);
            row++;
        }
    }

    /** The next micro-steps of the step under way, for the scripted 'show status'. */
    static String plan(Session s) {
        StringBuilder sb = new StringBuilder();
        List<MicroStep> plan = s.trainer().plan();
        for (int i = 0; i < plan.size(); i++) {
            sb.append(i == s.trainer().cursor() ? "[" : "").append(plan.get(i).describe(s.model()))
                    .append(i == s.trainer().cursor() ? "]" : "").append(i + 1 < plan.size() ? ", " : "");
        }
        return sb.toString();
    }
}
