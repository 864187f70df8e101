package gradstep.cli;

import gradstep.datasets.DatasetException;
import gradstep.engine.GradstepException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gradstep} command line. */
@Command(name = "gradstep", mixinStandardHelpOptions = true, version = "gradstep 0.1.0",
        description = "A deep-learning engine for teaching: train the lab's MLP and CNN on MNIST and watch how.",
        subcommands = {DebugCommand.class, TrainCommand.class, EvalCommand.class, PlotCommand.class, ReportCommand.class,
                BenchCommand.class, DevicesCommand.class,
                SelfTestCommand.class, KernelsCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit status for a user's mistake: a bad option, file or model spec. */
    public static final int USER_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line and returns its exit status; used by {@link #main} and the tests. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof GradstepException || ex instanceof DatasetException) {
                commandLine.getErr().println("gradstep: error: " + ex.getMessage());
                commandLine.getErr().flush();
                return USER_ERROR;
            }
            if (ex instanceof gradstep.kernels.KernelFailure) {
                commandLine.getErr().println("gradstep: error: " + ex.getMessage());
                commandLine.getErr().flush();
                return 1;
            }
            throw ex;
        });
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }
}
