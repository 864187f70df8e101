package gradstep.debugger;

import gradstep.engine.GradstepException;
import java.util.Locale;

/**
 * A condition that stops a run. Written as the {@code break} command and {@code --break} take it:
 *
 * <pre>
 *   nan                       a NaN or Inf in any activation, gradient or parameter
 *   loss-rise F               the step's loss above F times the previous step's
 *   grad-above [LAYER] T      a layer's gradient L2 norm above T (exploding); every layer without LAYER
 *   grad-below [LAYER] T      a layer's gradient L2 norm below T (vanishing)
 *   step N                    when step N (counted from the start of training) has completed
 * </pre>
 */
public sealed interface Breakpoint {
    String describe();

    record NonFinite() implements Breakpoint {
        public String describe() {
            return "nan";
        }
    }

    record LossRise(double factor) implements Breakpoint {
        public String describe() {
            return "loss-rise " + factor;
        }
    }

    /** {@code layer} null: every layer with parameters. */
    record GradNorm(String layer, double threshold, boolean above) implements Breakpoint {
        public String describe() {
            return (above ? "grad-above " : "grad-below ") + (layer == null ? "" : layer + " ") + threshold;
        }
    }

    record AtStep(long step) implements Breakpoint {
        public String describe() {
            return "step " + step;
        }
    }

    static final String SYNTAX = "nan | loss-rise F | grad-above [LAYER] T | grad-below [LAYER] T | step N";

    /** Parses one breakpoint, e.g. {@code grad-above dense_1 10}; a colon may stand for each space. */
    static Breakpoint parse(String text) {
        String[] w = text.trim().toLowerCase(Locale.ROOT).replace(':', ' ').split("\\s+");
        try {
            switch (w[0]) {
                case "nan", "inf", "nonfinite":
                    if (w.length == 1) {
                        return new NonFinite();
                    }
                    break;
                case "loss-rise":
                    if (w.length == 2) {
                        double f = Double.parseDouble(w[1]);
                        if (f > 1) {
                            return new LossRise(f);
                        }
                        throw new GradstepException("breakpoint '" + text.trim() + "': the factor must be above 1");
                    }
                    break;
                case "grad-above", "grad-below":
                    if (w.length == 2 || w.length == 3) {
                        double t = Double.parseDouble(w[w.length - 1]);
                        if (t < 0) {
                            throw new GradstepException("breakpoint '" + text.trim() + "': the threshold must not be negative");
                        }
                        return new GradNorm(w.length == 3 ? w[1] : null, t, w[0].equals("grad-above"));
                    }
                    break;
                case "step":
                    if (w.length == 2) {
                        long n = Long.parseLong(w[1]);
                        if (n >= 1) {
                            return new AtStep(n);
                        }
                    }
                    break;
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            throw new GradstepException("breakpoint '" + text.trim() + "': '" + e.getMessage().replaceAll(".*\"(.*)\".*", "$1")
                    + "' is not a number; use " + SYNTAX);
        }
        throw new GradstepException("bad breakpoint '" + text.trim() + "'; use " + SYNTAX);
    }
}
