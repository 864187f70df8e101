package gradstep.cli;

import gradstep.engine.GradstepException;
import gradstep.engine.io.WeightsFile;
import gradstep.engine.train.Evaluation;
import gradstep.engine.train.ImageData;
import gradstep.engine.train.StepResult;
import gradstep.engine.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a model with categorical cross-entropy, then evaluate it on the test set.",
                "The last line printed is the test result: test: loss=L accuracy=A"},
        footer = {"",
                "Model specs: comma-separated layers, the last one dense10 (the softmax layer):",
                "  denseN        Dense, N units, ReLU                 e.g. dense512",
                "  convFxK       Conv2D, F filters KxK, ReLU, valid   e.g. conv32x3",
                "  poolP         MaxPooling2D PxP, stride P           e.g. pool2",
                "  flatten       Flatten (row, column, channel)",
                "  options after ':'  same | valid (conv padding), relu | linear (activation)",
                "  mlp = dense512,dense10",
                "  cnn = conv32x3,pool2,conv64x3,pool2,conv64x3,flatten,dense64,dense10",
                "",
                "Examples:",
                "  gradstep train --model mlp --epochs 5",
                "  gradstep train --model cnn --epochs 1 --save cnn.npz",
                "  gradstep train --model conv16x5:same,pool2,flatten,dense10 --optimizer sgd --lr 0.05"})
final class TrainCommand implements Callable<Integer> {
    @Mixin
    TrainingOptions options;

    @Option(names = "--save", paramLabel = "FILE", description = "Write the trained weights here (.npz, numpy.load opens it).")
    Path save;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        checkWritable(save);
        TrainingOptions.Setup s = options.open(out, err, null);
        Trainer trainer = s.trainer();
        trainer.onNote(note -> {
            out.println();
            err.println(note);
            err.flush();
        });
        try {
            return train(out, s);
        } finally {
            // the backend that is training now: after a fallback, the one it fell back to
            trainer.backend().close();
        }
    }

    private int train(PrintWriter out, TrainingOptions.Setup s) {
        Trainer trainer = s.trainer();
        int epochs = options.epochs;
        out.printf(Locale.ROOT, "optimizer: %s, batch %d, %d epochs, seed %d%n", s.optimizer().describe(), trainer.batchSize(),
                epochs, options.seed);
        out.print(s.model().summary());
        out.flush();

        Progress progress = new Progress(out, System.console() != null, trainer.stepsPerEpoch());
        double totalSeconds = 0;
        for (int e = 1; e <= epochs; e++) {
            progress.startEpoch(e, epochs);
            StepResult r;
            do {
                r = trainer.step();
                progress.step(r, epochs);
            } while (!r.epochEnd());
            totalSeconds += progress.elapsed();
        }
        out.printf(Locale.ROOT, "trained %d epochs in %.1fs (%.1fs per epoch)%n", epochs, totalSeconds, totalSeconds / epochs);
        Evaluation test = Evaluation.of(trainer.backend(), s.data().test());
        if (save != null) {
            trainer.backend().syncToHost();
            ImageData train = s.train();
            WeightsFile.save(s.model(), train.rows(), train.cols(), train.channels(), save);
            out.println("saved weights to " + save);
        }
        out.println(test.line("test"));
        return 0;
    }

    /** Refuses, before any training, an output path that could not be written at the end. */
    static void checkWritable(Path file) {
        if (file == null) {
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new GradstepException("cannot write " + file + ": folder " + dir + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new GradstepException("cannot write " + file + ": it is a folder");
        }
        if (!Files.isWritable(dir)) {
            throw new GradstepException("cannot write " + file + ": folder " + dir + " is not writable");
        }
    }
}
