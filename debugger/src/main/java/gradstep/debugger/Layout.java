package gradstep.debugger;

import java.util.Locale;

/**
 * The debugger's screen: the status line, the layers table, the chosen view (two side by side on wide
 * terminals) and the key line, laid out for the canvas size. Below 80×24 it asks for a bigger terminal.
 */
public final class Layout {
    public static final int MIN_WIDTH = 80;
    public static final int MIN_HEIGHT = 24;

    /** What the UI shows besides the session: its own state. */
    public static final class UiState {
        public Views.View view = Views.View.LAYER;
        public Views.Tensor tensor = Views.Tensor.GRADIENT;
        public boolean help;
        public String prompt;
        public String message = "";
        public boolean running;
        /** What the prompt asks for: "break" or "steps". */
        public String promptKind = "break";
    }

    private Layout() {
    }

    public static void draw(Canvas c, Session s, UiState ui) {
        int w = c.width(), h = c.height();
        if (w < MIN_WIDTH || h < MIN_HEIGHT) {
            String m = String.format(Locale.ROOT, "gradstep debug needs a terminal of at least %dx%d; this one is %dx%d.",
                    MIN_WIDTH, MIN_HEIGHT, w, h);
            c.text(0, 0, m, w, Canvas.BAD, true);
            c.text(0, 1, "Enlarge the window (q quits).", w);
            return;
        }
        synchronized (s) {
            Views.status(c, 0, 0, w, s);
            int tableRows = Views.layers(c, 0, 2, w, 1 + s.model().layers().size(), s);
            int top = 2 + tableRows + 1;
            int bottom = h - 2;
            int paneHeight = bottom - top;
            if (ui.help) {
                Views.help(c, 1, top, w - 2, paneHeight + 1);
            } else if (w >= 160) {
                int half = w / 2;
                view(c, 0, top, half - 1, paneHeight, s, ui, ui.view);
                Views.View other = ui.view == Views.View.HISTORY ? Views.View.RMSPROP : Views.View.HISTORY;
                view(c, half + 1, top, w - half - 1, paneHeight, s, ui, other);
            } else {
                view(c, 0, top, w, paneHeight, s, ui, ui.view);
            }
        }
        String tabs = tabs(ui.view);
        c.text(0, 1, tabs, w, Canvas.DIM, false);
        if (ui.prompt != null) {
            boolean steps = ui.promptKind.equals("steps");
            c.text(0, h - 2, (steps ? "steps> " : "break> ") + ui.prompt + "_", w, Canvas.HIGHLIGHT, true);
            c.text(0, h - 1, steps ? "how many training steps (enter: 10, esc cancels)"
                    : "a breakpoint: " + Breakpoint.SYNTAX + "   (enter adds, esc cancels)", w, Canvas.DIM, false);
            return;
        }
        String msg = ui.running ? "running... any key pauses" : ui.message;
        c.text(0, h - 2, msg, w,
                msg.startsWith("stopped") || msg.startsWith("error") ? Canvas.BAD : Canvas.HIGHLIGHT, true);
        c.text(0, h - 1, "n micro s step S steps e epoch r run u back \u2191\u2193 layer 1-4 view ? help q quit",
                w, Canvas.DIM, false);
    }

    private static String tabs(Views.View current) {
        StringBuilder sb = new StringBuilder();
        Views.View[] order = {Views.View.LAYER, Views.View.RMSPROP, Views.View.BATCH, Views.View.HISTORY};
        for (int i = 0; i < order.length; i++) {
            String name = (i + 1) + " " + order[i].word;
            sb.append(order[i] == current ? "[" + name + "]" : " " + name + " ").append(' ');
        }
        return sb.toString();
    }

    static void view(Canvas c, int x, int y, int w, int h, Session s, UiState ui, Views.View v) {
        switch (v) {
            case RMSPROP -> Views.rmsprop(c, x, y, w, h, s);
            case BATCH -> Views.batch(c, x, y, w, h, s);
            case HISTORY -> Views.history(c, x, y, w, h, s);
            case HELP -> Views.help(c, x, y, w, h);
            default -> Views.layer(c, x, y, w, h, s, ui.tensor);
        }
    }
}
