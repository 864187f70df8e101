package gradstep.cli;

import gradstep.engine.GradstepException;
import gradstep.engine.backend.Backend;
import gradstep.engine.io.WeightsFile;
import gradstep.engine.model.Model;
import gradstep.engine.train.Evaluation;
import gradstep.engine.train.ImageData;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate saved weights on the test set.",
        footer = {"", "Example:", "  gradstep eval --load mlp.npz"})
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--load", required = true, paramLabel = "FILE", description = "Weights file (.npz) written by train --save.")
    Path load;

    @Option(names = "--batch-size", defaultValue = "256", paramLabel = "B", description = "Images per forward pass. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core).")
    Integer threads;

    @Mixin
    DataOptions data;

    @Mixin
    BackendOption backend;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        TrainingOptions.applyThreads(threads);
        if (batchSize < 1) {
            throw new GradstepException("--batch-size must be at least 1, got " + batchSize);
        }
        PrintWriter out = spec.commandLine().getOut();
        Model model = WeightsFile.load(load);
        ImageData test = data.testFor(model, load);
        out.println("model: " + model.spec().text() + " (" + String.format("%,d", model.paramCount()) + " parameters)");
        try (Backend b = backend.open(model, null, Math.min(batchSize, test.count()), out, spec.commandLine().getErr()).backend()) {
            out.println(Evaluation.of(b, test).line("test"));
        }
        return 0;
    }
}
