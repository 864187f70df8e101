package gradstep.cli;

import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.DefaultTerminalFactory;
import com.googlecode.lanterna.terminal.Terminal;
import gradstep.debugger.Breakpoint;
import gradstep.debugger.Script;
import gradstep.debugger.Session;
import gradstep.debugger.Tui;
import gradstep.engine.GradstepException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "debug", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Step through training in the terminal, one micro-step at a time.",
                "Every forward, backward and optimizer update, layer by layer, with per-layer gradients, the RMSprop",
                "inspector, the batch and the history. With --script or --commands it runs the same commands and",
                "prints every view as text."},
        footer = {"", "Keys: n micro-step, s step, S N steps, e epoch, r run, u back, up/down layer, 1-4 view,",
                "      w histogram tensor, p kernel/bias, [ ] { } element, b breakpoint, ? help, q quit",
                "Breakpoints: " + "nan | loss-rise F | grad-above [LAYER] T | grad-below [LAYER] T | step N",
                "Script commands: step [N], micro [N], epoch, run, back [N], show VIEW, select LAYER [I],",
                "                 break SPEC|list|clear, dump FILE   (separated by ';' or newlines)",
                "", "Examples:", "  gradstep debug", "  gradstep debug --model cnn --break nan --break 'grad-above 10'",
                "  gradstep debug --commands 'step 3; micro 2; show rmsprop; show layers'"})
public final class DebugCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options;

    @Option(names = "--load", paramLabel = "FILE", description = "Start from these weights (.npz from train --save).")
    Path load;

    @Option(names = "--break", paramLabel = "SPEC", description = "A breakpoint (repeatable), e.g. nan, 'loss-rise 2', 'grad-above dense_1 10', 'step 100'.")
    List<String> breaks = List.of();

    @Option(names = "--script", paramLabel = "FILE", description = "Run the commands in FILE, printing the views as text, then exit.")
    Path script;

    @Option(names = "--commands", paramLabel = "CMDS", description = "Like --script, with the commands given here, ';'-separated.")
    String commands;

    @Option(names = "--log", paramLabel = "FILE.csv", description = "Log every step and epoch as train --log does.")
    Path log;

    @Option(names = "--width", defaultValue = "100", paramLabel = "COLS", description = "Text width of the scripted views. Default: ${DEFAULT-VALUE}.")
    int width;

    @Option(names = "--swing", description = "Open a Swing window instead of using the terminal.")
    boolean swing;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Script parsed = null;
        if (script != null && commands != null) {
            throw new GradstepException("give --script or --commands, not both");
        }
        if (script != null) {
            if (!Files.isRegularFile(script)) {
                throw new GradstepException("--script " + script + ": no such file");
            }
            parsed = Script.parse(Files.readString(script, StandardCharsets.UTF_8), script.toString());
        } else if (commands != null) {
            parsed = Script.parse(commands, "--commands");
        } else if (!swing && System.console() == null) {
            throw new GradstepException("debug needs a terminal (or --swing for a window); for plain text use --script FILE or"
                    + " --commands 'step 3; show layers'");
        }
        if (width < 60) {
            throw new GradstepException("--width must be at least 60, got " + width);
        }
        List<Breakpoint> parsedBreaks = breaks.stream().map(Breakpoint::parse).toList();
        TrainCommand.checkWritable(log);
        TrainingOptions.Setup s = options.open(out, err, load);
        Session session = new Session(s.trainer(), s.train(), s.data().test(), options.epochs);
        gradstep.engine.train.TrainingLog csv = log == null ? null : new gradstep.engine.train.TrainingLog(log, s.model());
        session.log(csv);
        try {
            for (Breakpoint b : parsedBreaks) {
                session.addBreakpoint(b);
            }
            if (parsed != null) {
                s.trainer().onNote(note -> {
                    out.println(note);
                    out.flush();
                });
                parsed.run(session, out, width);
                return 0;
            }
            return tui(session);
        } finally {
            s.trainer().backend().close();
            if (csv != null) {
                csv.close();
            }
        }
    }

    private int tui(Session session) throws IOException {
        DefaultTerminalFactory factory = new DefaultTerminalFactory(System.out, System.in, StandardCharsets.UTF_8);
        factory.setForceTextTerminal(!swing);
        factory.setPreferTerminalEmulator(swing);
        Terminal terminal = factory.createTerminal();
        Screen screen = new TerminalScreen(terminal);
        screen.startScreen();
        StringBuilder notes = new StringBuilder();
        session.trainer().onNote(note -> notes.append(note).append('\n'));
        try {
            new Tui(session, screen).loop();
        } finally {
            screen.stopScreen();
        }
        if (notes.length() > 0) {
            System.err.print(notes);
        }
        return 0;
    }
}
