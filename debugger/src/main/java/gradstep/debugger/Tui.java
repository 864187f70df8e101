package gradstep.debugger;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The full-screen terminal UI (Lanterna). Keys become {@link Session} calls; long runs go to a worker
 * thread so the screen keeps updating and any key pauses them. Drawing is {@link Layout}'s.
 */
public final class Tui {
    private final Session session;
    private final Screen screen;
    private final Layout.UiState ui = new Layout.UiState();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "gradstep-debug-run");
        t.setDaemon(true);
        return t;
    });
    private Future<?> run;

    public Tui(Session session, Screen screen) {
        this.session = session;
        this.screen = screen;
        ui.message = "ready: n runs one micro-step, s one training step, ? shows every key";
    }

    public Layout.UiState state() {
        return ui;
    }

    /** Finishes a background run that has ended (the loop does this between keys). */
    void pollRun() {
        if (ui.running && run.isDone()) {
            finishRun();
        }
    }

    /** Runs until q (or the terminal closes); the caller starts and stops the screen. */
    public void loop() throws IOException {
        redraw();
        while (true) {
            KeyStroke k = screen.pollInput();
            boolean resized = screen.doResizeIfNecessary() != null;
            if (k == null) {
                if (ui.running && run.isDone()) {
                    finishRun();
                    redraw();
                } else if (resized || ui.running) {
                    redraw();
                }
                sleep(ui.running ? 100 : 20);
                continue;
            }
            if (!handle(k)) {
                if (ui.running) {
                    session.requestPause();
                    finishRun();
                }
                worker.shutdownNow();
                return;
            }
            redraw();
        }
    }

    /** Handles one key; false means quit. */
    boolean handle(KeyStroke k) {
        if (k.getKeyType() == KeyType.EOF) {
            return false;
        }
        if (ui.running) {
            // any key pauses a run (q also quits)
            session.requestPause();
            finishRun();
            return !(k.getKeyType() == KeyType.Character && k.getCharacter() == 'q');
        }
        if (ui.prompt != null) {
            return prompt(k);
        }
        if (ui.help) {
            ui.help = false;
            return true;
        }
        switch (k.getKeyType()) {
            case ArrowUp -> session.selectLayer(session.selectedLayer() - 1);
            case ArrowDown -> session.selectLayer(session.selectedLayer() + 1);
            case ArrowLeft, Backspace -> back(1);
            case Enter -> steps(1);
            case Tab -> ui.view = next(ui.view);
            case Character -> {
                return character(k.getCharacter());
            }
            default -> {
            }
        }
        return true;
    }

    private boolean character(char ch) {
        switch (ch) {
            case 'q' -> {
                return false;
            }
            case 'n', ' ' -> sync(session::micro, "1 micro-step");
            case 's' -> steps(1);
            case 'S' -> {
                ui.prompt = "";
                ui.promptKind = "steps";
            }
            case 'e' -> background(session::toEpochEnd, "to the end of the epoch");
            case 'r' -> background(session::run, "run");
            case 'u' -> back(1);
            case '1' -> ui.view = Views.View.LAYER;
            case '2' -> ui.view = Views.View.RMSPROP;
            case '3' -> ui.view = Views.View.BATCH;
            case '4' -> ui.view = Views.View.HISTORY;
            case 'w' -> ui.tensor = ui.tensor.next();
            case 'p' -> session.nextParam();
            case '[' -> session.moveElement(-1);
            case ']' -> session.moveElement(1);
            case '{', '}' -> {
                var p = session.selectedParam();
                int row = p == null ? 1 : p.shape().dim(p.shape().rank() - 1);
                session.moveElement((ch == '{' ? -1 : 1) * row);
            }
            case 'b' -> {
                ui.prompt = "";
                ui.promptKind = "break";
            }
            case 'B' -> {
                session.clearBreakpoints();
                ui.message = "breakpoints cleared";
            }
            case '?' -> ui.help = true;
            default -> ui.message = "key '" + ch + "' does nothing; ? shows every key";
        }
        return true;
    }

    private boolean prompt(KeyStroke k) {
        switch (k.getKeyType()) {
            case Escape -> ui.prompt = null;
            case Backspace -> ui.prompt = ui.prompt.isEmpty() ? "" : ui.prompt.substring(0, ui.prompt.length() - 1);
            case Enter -> {
                String text = ui.prompt;
                ui.prompt = null;
                if (ui.promptKind.equals("steps")) {
                    try {
                        int n = text.isBlank() ? 10 : Integer.parseInt(text.trim());
                        if (n < 1) {
                            throw new NumberFormatException();
                        }
                        steps(n);
                    } catch (NumberFormatException e) {
                        ui.message = "error: '" + text + "' is not a number of steps";
                    }
                    return true;
                }
                try {
                    Breakpoint b = Breakpoint.parse(text);
                    session.addBreakpoint(b);
                    ui.message = "breakpoint added: " + b.describe() + " (" + session.breakpoints().size() + " set; B clears)";
                } catch (RuntimeException e) {
                    ui.message = "error: " + e.getMessage();
                }
            }
            case Character -> ui.prompt += k.getCharacter();
            default -> {
            }
        }
        return true;
    }

    private void steps(int n) {
        if (n <= 1) {
            sync(() -> session.steps(1), "1 step");
        } else {
            background(() -> session.steps(n), n + " steps");
        }
    }

    private void back(int n) {
        int went = session.back(n);
        ui.message = went == 0 ? "nothing to step back to" : session.lastStop();
    }

    private void sync(Supplier<Session.Stop> action, String what) {
        try {
            Session.Stop stop = action.get();
            ui.message = describe(stop, what);
        } catch (RuntimeException e) {
            ui.message = "error: " + e.getMessage();
        }
    }

    private Session.Stop[] result = new Session.Stop[1];
    private String runWhat;

    private void background(Supplier<Session.Stop> action, String what) {
        ui.running = true;
        runWhat = what;
        run = worker.submit(() -> {
            result[0] = action.get();
            return null;
        });
    }

    private void finishRun() {
        try {
            run.get();
            ui.message = describe(result[0], runWhat);
        } catch (java.util.concurrent.ExecutionException e) {
            ui.message = "error: " + e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ui.running = false;
    }

    static String describe(Session.Stop stop, String what) {
        if (stop == null) {
            return "done: " + what;
        }
        return stop.breakpoint() ? "stopped: " + stop.reason() : stop.reason();
    }

    private static Views.View next(Views.View v) {
        return switch (v) {
            case LAYER -> Views.View.RMSPROP;
            case RMSPROP -> Views.View.BATCH;
            case BATCH -> Views.View.HISTORY;
            default -> Views.View.LAYER;
        };
    }

    /** Draws the layout into the screen's back buffer and shows it. */
    public void redraw() throws IOException {
        TerminalSize size = screen.getTerminalSize();
        Canvas c = new Canvas(size.getColumns(), size.getRows());
        Layout.draw(c, session, ui);
        for (int y = 0; y < c.height(); y++) {
            for (int x = 0; x < c.width(); x++) {
                TextColor fg = colour(c.fgAt(x, y), TextColor.ANSI.DEFAULT);
                TextColor bg = colour(c.bgAt(x, y), TextColor.ANSI.DEFAULT);
                TextCharacter tc = c.boldAt(x, y) ? TextCharacter.fromCharacter(c.charAt(x, y), fg, bg, SGR.BOLD)[0]
                        : TextCharacter.fromCharacter(c.charAt(x, y), fg, bg)[0];
                screen.setCharacter(x, y, tc);
            }
        }
        screen.setCursorPosition(null);
        screen.refresh();
    }

    private static TextColor colour(int index, TextColor fallback) {
        return index < 0 ? fallback : new TextColor.Indexed(index);
    }

    private static void sleep(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
