package gradstep.cli;

import gradstep.charts.Plots;
import gradstep.charts.RunLog;
import gradstep.engine.GradstepException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "plot", mixinStandardHelpOptions = true,
        description = "Draw PNG charts from a training log (train --log): loss and accuracy, gradient norms, update ratios.",
        footer = {"", "Examples:", "  gradstep plot runs/mlp.csv --out charts/",
                "  gradstep plot runs/rmsprop.csv --compare runs/sgd.csv --out charts/"})
final class PlotCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.csv", description = "The log to draw.")
    Path log;

    @Option(names = "--compare", paramLabel = "OTHER.csv", description = "A second run on the same axes.")
    Path compare;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the PNG files (created if missing).")
    Path out;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<RunLog> runs = new ArrayList<>();
        runs.add(RunLog.read(log));
        if (compare != null) {
            runs.add(RunLog.read(compare));
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new GradstepException("--out " + out + ": cannot create the folder (" + e.getMessage() + ")");
        }
        PrintWriter o = spec.commandLine().getOut();
        for (Path f : Plots.write(runs, out)) {
            o.println("wrote " + f);
        }
        return 0;
    }
}
