package gradstep.debugger;

import gradstep.engine.GradstepException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The scripted debugger: the same actions as the keys, written as commands, with every view printed as
 * plain text. Commands are separated by newlines or ';'; '#' starts a comment.
 *
 * <pre>
 *   step [N]            N whole training steps (1)
 *   micro [N]           N micro-steps (1)
 *   epoch               to the end of the epoch
 *   run                 until a breakpoint or the end of training
 *   back [N]            N steps back (1)
 *   show VIEW [TENSOR]  status, layers, layer, rmsprop, batch, history, help or all;
 *                       'show layer weights' (gradient, weights, updates, activations)
 *   select LAYER [I]    a layer by name or index (dense_1, dense_1/bias, 0) and element I
 *   break SPEC          a breakpoint (see Breakpoint); 'break list', 'break clear'
 *   dump FILE           the batch, parameters, gradients and optimizer state as .npz
 * </pre>
 * The whole script is parsed before anything runs: a mistake is reported with its line and nothing runs.
 */
public final class Script {
    /** One parsed command and where it was written. */
    record Command(int line, String verb, List<String> args, String text) {
    }

    private final List<Command> commands;

    private Script(List<Command> commands) {
        this.commands = commands;
    }

    static final List<String> VERBS = List.of("step", "micro", "epoch", "run", "back", "show", "select", "break", "dump");

    public static Script parse(String text, String source) {
        List<Command> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            for (String part : line.split(";")) {
                String t = part.trim();
                if (t.isEmpty()) {
                    continue;
                }
                String[] w = t.split("\\s+");
                String verb = w[0].toLowerCase(Locale.ROOT);
                List<String> args = List.of(w).subList(1, w.length);
                Command c = new Command(i + 1, verb, args, t);
                check(c, source);
                out.add(c);
            }
        }
        return new Script(out);
    }

    private static GradstepException bad(Command c, String source, String why) {
        return new GradstepException(source + " line " + c.line() + ": '" + c.text() + "': " + why);
    }

    private static void check(Command c, String source) {
        switch (c.verb()) {
            case "step", "micro", "back" -> {
                if (c.args().size() > 1) {
                    throw bad(c, source, "takes at most one count");
                }
                if (c.args().size() == 1) {
                    count(c, source);
                }
            }
            case "epoch", "run" -> {
                if (!c.args().isEmpty()) {
                    throw bad(c, source, "takes no argument");
                }
            }
            case "show" -> {
                if (c.args().isEmpty() || (Views.View.of(c.args().get(0)) == null && !c.args().get(0).equals("all"))) {
                    throw bad(c, source, "show what? status, layers, layer, rmsprop, batch, history, help or all");
                }
                if (c.args().size() == 2 && tensor(c.args().get(1)) == null) {
                    throw bad(c, source, "the layer view shows gradient, weights, updates or activations");
                }
                if (c.args().size() > 2) {
                    throw bad(c, source, "too many arguments");
                }
            }
            case "select" -> {
                if (c.args().isEmpty() || c.args().size() > 2) {
                    throw bad(c, source, "select LAYER [ELEMENT]");
                }
                if (c.args().size() == 2) {
                    try {
                        Integer.parseInt(c.args().get(1));
                    } catch (NumberFormatException e) {
                        throw bad(c, source, "the element is an index, e.g. select dense_1 1234");
                    }
                }
            }
            case "break" -> {
                if (c.args().isEmpty()) {
                    throw bad(c, source, "break SPEC | break list | break clear; SPEC: " + Breakpoint.SYNTAX);
                }
                String a = String.join(" ", c.args());
                if (!a.equals("list") && !a.equals("clear")) {
                    try {
                        Breakpoint.parse(a);
                    } catch (GradstepException e) {
                        throw bad(c, source, e.getMessage());
                    }
                }
            }
            case "dump" -> {
                if (c.args().size() != 1) {
                    throw bad(c, source, "dump FILE");
                }
            }
            default -> throw bad(c, source, "unknown command; commands: " + String.join(", ", VERBS));
        }
    }

    private static int count(Command c, String source) {
        try {
            int n = Integer.parseInt(c.args().get(0));
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw bad(c, source, "the count must be a positive whole number");
        }
    }

    static Views.Tensor tensor(String word) {
        for (Views.Tensor t : Views.Tensor.values()) {
            if (t.word.equals(word)) {
                return t;
            }
        }
        return null;
    }

    /** Runs every command, echoing it and printing what it shows; {@code width} is the text width of views. */
    public void run(Session s, PrintWriter out, int width) {
        for (Command c : commands) {
            out.println("> " + c.text());
            int n = c.args().isEmpty() ? 1 : c.verb().matches("step|micro|back") ? Integer.parseInt(c.args().get(0)) : 1;
            Session.Stop stop = null;
            switch (c.verb()) {
                case "step" -> stop = s.steps(n);
                case "micro" -> stop = s.micro(n);
                case "epoch" -> stop = s.toEpochEnd();
                case "run" -> stop = s.run();
                case "back" -> {
                    int went = s.back(n);
                    out.println(went == 0 ? "nothing to step back to" : s.lastStop());
                }
                case "show" -> show(s, out, width, c.args());
                case "select" -> {
                    Integer element = c.args().size() == 2 ? Integer.parseInt(c.args().get(1)) : null;
                    if (!s.select(c.args().get(0), element)) {
                        throw new GradstepException("line " + c.line() + ": no layer '" + c.args().get(0) + "'");
                    }
                    var p = s.selectedParam();
                    out.println("selected " + s.model().layers().get(s.selectedLayer()).name()
                            + (p == null ? "" : ", " + p.name() + "[" + s.selectedElement() + "]"));
                }
                case "break" -> {
                    String a = String.join(" ", c.args());
                    if (a.equals("clear")) {
                        s.clearBreakpoints();
                        out.println("breakpoints cleared");
                    } else if (a.equals("list")) {
                        List<Breakpoint> bs = s.breakpoints();
                        out.println(bs.isEmpty() ? "no breakpoints" : String.join("\n", bs.stream().map(Breakpoint::describe).toList()));
                    } else {
                        Breakpoint b = Breakpoint.parse(a);
                        s.addBreakpoint(b);
                        out.println("breakpoint: " + b.describe());
                    }
                }
                case "dump" -> {
                    Path f = Path.of(c.args().get(0));
                    s.dump(f);
                    out.println("wrote " + f);
                }
                default -> throw new IllegalStateException(c.verb());
            }
            if (stop != null) {
                out.println(stop.breakpoint() ? "stopped: " + stop.reason() : stop.reason());
            }
            if (c.verb().matches("step|micro|epoch|run|back")) {
                out.println(render(s, width, 1, (cv, w, h) -> Views.status(cv, 0, 0, w, s)));
            }
            out.flush();
        }
    }

    interface Drawer {
        void draw(Canvas c, int w, int h);
    }

    static String render(Session s, int width, int height, Drawer d) {
        Canvas c = new Canvas(width, height);
        synchronized (s) {
            d.draw(c, width, height);
        }
        return c.plain();
    }

    static void show(Session s, PrintWriter out, int width, List<String> args) {
        String what = args.get(0);
        Views.Tensor t = args.size() == 2 ? tensor(args.get(1)) : Views.Tensor.GRADIENT;
        List<String> views = what.equals("all") ? List.of("status", "layers", "layer", "rmsprop", "batch", "history") : List.of(what);
        for (String v : views) {
            out.println(switch (Views.View.of(v)) {
                case STATUS -> render(s, width, 2, (c, w, h) -> {
                    Views.status(c, 0, 0, w, s);
                    c.text(0, 1, "plan: " + Views.plan(s), w);
                });
                case LAYERS -> render(s, width, 1 + s.model().layers().size(), (c, w, h) -> Views.layers(c, 0, 0, w, h, s));
                case LAYER -> render(s, width, 40, (c, w, h) -> Views.layer(c, 0, 0, w, h, s, t));
                case RMSPROP -> render(s, width, 16, (c, w, h) -> Views.rmsprop(c, 0, 0, w, h, s));
                case BATCH -> render(s, width, 25, (c, w, h) -> Views.batch(c, 0, 0, w, h, s));
                case HISTORY -> render(s, width, 5, (c, w, h) -> Views.history(c, 0, 0, w, h, s));
                case HELP -> render(s, width, Views.KEYS.size() + 1, (c, w, h) -> Views.help(c, 0, 0, w, h));
            });
        }
    }
}
