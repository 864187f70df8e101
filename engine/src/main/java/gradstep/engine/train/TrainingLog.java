package gradstep.engine.train;

import gradstep.engine.GradstepException;
import gradstep.engine.backend.Backend;
import gradstep.engine.layers.Layer;
import gradstep.engine.model.Model;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV log of a run, one row per training step and one per epoch:
 *
 * <pre>
 *   kind            step | epoch
 *   epoch           1-based epoch
 *   step            1-based step within the epoch (empty on epoch rows)
 *   global_step     steps since training began
 *   loss, accuracy  of the step's batch (before its update)
 *   learning_rate   α
 *   test_loss, test_accuracy     on epoch rows: the test set after that epoch
 *   LAYER:grad_norm     L2 norm of the layer's gradient on the batch (kernel and bias together)
 *   LAYER:update_norm   L2 norm of the update b the step applied (θ ← θ − b)
 *   LAYER:update_ratio  log10(update_norm / ‖θ‖ after the update)
 * </pre>
 * One group of three LAYER columns for each layer with parameters, in model order. Rows are flushed
 * every epoch and at the end.
 */
public final class TrainingLog implements AutoCloseable {
    private final BufferedWriter out;
    private final Path file;
    private final List<Integer> layers = new ArrayList<>();
    private final int columns;

    public TrainingLog(Path file, Model model) {
        this.file = file;
        List<String> header = header(model);
        for (int i = 0; i < model.layers().size(); i++) {
            if (!model.layers().get(i).params().isEmpty()) {
                layers.add(i);
            }
        }
        columns = header.size();
        try {
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            out.write(String.join(",", header));
            out.newLine();
        } catch (IOException e) {
            throw new GradstepException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** The column names, in order. */
    public static List<String> header(Model model) {
        List<String> h = new ArrayList<>(List.of("kind", "epoch", "step", "global_step", "loss", "accuracy", "learning_rate",
                "test_loss", "test_accuracy"));
        for (Layer l : model.layers()) {
            if (!l.params().isEmpty()) {
                h.add(l.name() + ":grad_norm");
                h.add(l.name() + ":update_norm");
                h.add(l.name() + ":update_ratio");
            }
        }
        return h;
    }

    /** Logs a completed step; the backend still holds that step's gradients and updates. */
    public void step(StepResult r, Backend backend, double learningRate) {
        StringBuilder sb = new StringBuilder();
        sb.append("step,").append(r.epoch()).append(',').append(r.step()).append(',').append(r.globalStep()).append(',')
                .append(num(r.loss())).append(',').append(num(r.accuracy())).append(',').append(num(learningRate)).append(",,");
        for (int layer : layers) {
            Backend.LayerNorms n = backend.layerNorms(layer);
            sb.append(',').append(num(n.gradient())).append(',').append(num(n.update())).append(',').append(num(n.ratioLog10()));
        }
        write(sb);
        if (r.epochEnd()) {
            flush();
        }
    }

    /** Logs the test result after an epoch. */
    public void epoch(int epoch, long globalStep, Evaluation test) {
        StringBuilder sb = new StringBuilder();
        sb.append("epoch,").append(epoch).append(",,").append(globalStep).append(",,,,").append(num(test.loss())).append(',')
                .append(num(test.accuracy()));
        for (int i = 0; i < layers.size() * 3; i++) {
            sb.append(',');
        }
        write(sb);
        flush();
    }

    private void write(CharSequence row) {
        try {
            out.append(row);
            out.newLine();
        } catch (IOException e) {
            throw new GradstepException("cannot write " + file + ": " + e.getMessage());
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new GradstepException("cannot write " + file + ": " + e.getMessage());
        }
    }

    /**
     * A value as float's shortest exact decimal (at most 9 significant digits): plenty for a log, and
     * far cheaper than a formatted %g, which would cost more than the rest of the log per step.
     */
    static String num(double v) {
        return Double.isNaN(v) ? "" : Float.toString((float) v);
    }

    public int columns() {
        return columns;
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new GradstepException("cannot write " + file + ": " + e.getMessage());
        }
    }
}
