package gradstep.cli;

import gradstep.engine.train.StepResult;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Keras-style progress for one epoch. On a terminal the line is redrawn in place (at most ten times a
 * second) with the step, a bar, the elapsed time or ETA and the running loss and accuracy; otherwise
 * nothing is printed until the epoch ends, then one line.
 */
final class Progress {
    private final PrintWriter out;
    private final boolean terminal;
    private final int steps;
    private long start;
    private long lastDraw;
    private double lossSum;
    private long correct;
    private long seen;
    private int startStep;

    Progress(PrintWriter out, boolean terminal, int steps) {
        this.out = out;
        this.terminal = terminal;
        this.steps = steps;
    }

    /** {@code done}: steps of this epoch already done (a resumed run starts inside an epoch). */
    void startEpoch(int epoch, int epochs, int done) {
        start = System.nanoTime();
        startStep = done;
        lastDraw = 0;
        lossSum = 0;
        correct = 0;
        seen = 0;
        if (terminal) {
            out.println("Epoch " + epoch + "/" + epochs);
            out.flush();
        }
    }

    /** Seconds since the epoch began. */
    double elapsed() {
        return (System.nanoTime() - start) / 1e9;
    }

    void step(StepResult r, int epochs) {
        lossSum += r.loss() * r.batchSize();
        correct += r.correct();
        seen += r.batchSize();
        long now = System.nanoTime();
        if (r.epochEnd()) {
            String line = line(r.step(), true);
            if (terminal) {
                out.print("\r" + line + "\u001b[K\n");
            } else {
                out.println("Epoch " + r.epoch() + "/" + epochs + " - " + line);
            }
            out.flush();
        } else if (terminal && now - lastDraw > 100_000_000L) {
            lastDraw = now;
            out.print("\r" + line(r.step(), false) + "\u001b[K");
            out.flush();
        }
    }

    double meanLoss() {
        return lossSum / seen;
    }

    double accuracy() {
        return (double) correct / seen;
    }

    private String line(int step, boolean done) {
        double t = elapsed();
        int width = 30;
        int filled = (int) ((long) width * step / steps);
        String bar = "=".repeat(Math.max(0, done ? width : filled - 1)) + (done ? "" : ">") + ".".repeat(width - Math.max(filled, 1));
        int ran = Math.max(1, step - startStep);
        String time = done
                ? String.format(Locale.ROOT, "%s %.0fms/step", seconds(t), 1000 * t / ran)
                : "ETA: " + seconds(t / ran * (steps - step));
        int digits = String.valueOf(steps).length();
        return String.format(Locale.ROOT, "%" + digits + "d/%d [%s] - %s - loss: %.4f - accuracy: %.4f",
                step, steps, bar, time, meanLoss(), accuracy());
    }

    static String seconds(double s) {
        if (s < 60) {
            return String.format(Locale.ROOT, "%.0fs", Math.max(0, s));
        }
        return String.format(Locale.ROOT, "%dm%02ds", (long) s / 60, (long) s % 60);
    }
}
