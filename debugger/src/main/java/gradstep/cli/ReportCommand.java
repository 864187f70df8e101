package gradstep.cli;

import gradstep.charts.Report;
import gradstep.engine.GradstepException;
import gradstep.engine.backend.Backend;
import gradstep.engine.io.WeightsFile;
import gradstep.engine.model.Model;
import gradstep.engine.train.ImageData;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = "PNG pictures of saved weights on the test set: the confusion matrix and the most confidently misclassified digits.",
        footer = {"", "Example:", "  gradstep report --load cnn.npz --out report/"})
final class ReportCommand implements Callable<Integer> {
    @Option(names = "--load", required = true, paramLabel = "FILE", description = "Weights file (.npz) written by train --save.")
    Path load;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the PNG files (created if missing).")
    Path out;

    @Mixin
    DataOptions data;

    @Mixin
    BackendOption backend;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        System.setProperty("java.awt.headless", "true");
        PrintWriter o = spec.commandLine().getOut();
        Model model = WeightsFile.load(load);
        ImageData test = data.testFor(model, load);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new GradstepException("--out " + out + ": cannot create the folder (" + e.getMessage() + ")");
        }
        try (Backend b = backend.open(model, null, 500, o, spec.commandLine().getErr()).backend()) {
            for (Path f : Report.write(b, test, out)) {
                o.println("wrote " + f);
            }
        }
        return 0;
    }
}
