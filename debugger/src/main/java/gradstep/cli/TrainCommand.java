package gradstep.cli;

import gradstep.engine.GradstepException;
import gradstep.engine.io.AtomicFile;
import gradstep.engine.io.Checkpoint;
import gradstep.engine.io.WeightsFile;
import gradstep.engine.train.Evaluation;
import gradstep.engine.train.ImageData;
import gradstep.engine.train.StepResult;
import gradstep.engine.train.Trainer;
import gradstep.engine.train.TrainingLog;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @Option(names = "--log", paramLabel = "FILE.csv",
            description = "Log every step (loss, accuracy, per-layer gradient and update norms) and every epoch's test result as CSV.")
    Path log;

    @Option(names = "--checkpoint", paramLabel = "DIR", description = "Write checkpoints (ckpt-STEP.npz) into DIR, atomically.")
    Path checkpoint;

    @Option(names = "--every", defaultValue = "epoch", paramLabel = "N|epoch",
            description = "Checkpoint every N steps, or at the end of each epoch. Default: ${DEFAULT-VALUE}.")
    String every;

    @Option(names = "--keep", defaultValue = "3", paramLabel = "K", description = "Checkpoints kept (the newest). Default: ${DEFAULT-VALUE}.")
    int keep;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue from the newest usable checkpoint in DIR (and keep checkpointing there).")
    Path resume;

    @Option(names = "--on-nan", defaultValue = "stop", paramLabel = "stop|skip-batch",
            description = "A NaN or Inf in the loss or a gradient: stop (before the update; the last checkpoint stays)"
                    + " or skip the batch. Default: ${DEFAULT-VALUE}.")
    String onNan;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        checkWritable(save);
        checkWritable(log);
        Trainer.NonFinite guard = switch (onNan) {
            case "stop" -> Trainer.NonFinite.STOP;
            case "skip-batch" -> Trainer.NonFinite.SKIP_BATCH;
            default -> throw new GradstepException("--on-nan must be stop or skip-batch, got '" + onNan + "'");
        };
        int everySteps = parseEvery();
        if (keep < 1) {
            throw new GradstepException("--keep must be at least 1, got " + keep);
        }
        if (resume != null && checkpoint != null && !resume.equals(checkpoint)) {
            throw new GradstepException("--resume " + resume + " and --checkpoint " + checkpoint + ": give one folder (resuming keeps"
                    + " checkpointing into it)");
        }
        Path dir = resume != null ? resume : checkpoint;
        Checkpoint.Loaded from = null;
        if (resume != null) {
            from = Checkpoint.latest(resume, note -> {
                err.println(note);
                err.flush();
            });
        } else if (checkpoint != null) {
            prepareFolder(checkpoint);
        }
        TrainingOptions.Setup s = options.open(out, err, null);
        Trainer trainer = s.trainer();
        trainer.onNonFinite(guard);
        this.guard = guard;
        if (from != null) {
            try {
                Checkpoint.restore(from, s.model(), s.optimizer(), trainer);
            } catch (RuntimeException e) {
                trainer.backend().close();
                throw e;
            }
            out.printf(Locale.ROOT, "resumed from %s: epoch %d, %d steps done%n", from.file(), trainer.epoch(), trainer.globalStep());
        }
        trainer.onNote(note -> {
            out.println();
            err.println(note);
            err.flush();
        });
        try {
            return train(out, s, dir, everySteps);
        } catch (Trainer.NonFiniteException e) {
            List<Path> kept = dir == null ? List.of() : Checkpoint.list(dir);
            throw new GradstepException(e.getMessage() + "; stopped before the update" + (kept.isEmpty()
                    ? " (no checkpoint: --checkpoint DIR keeps one)" : "; the last good checkpoint is " + kept.get(0)));
        } finally {
            // the backend that is training now: after a fallback, the one it fell back to
            (current != null ? current : trainer).backend().close();
        }
    }

    private int parseEvery() {
        if (every.equals("epoch")) {
            return 0;
        }
        try {
            int n = Integer.parseInt(every);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new GradstepException("--every must be a number of steps or 'epoch', got '" + every + "'");
    }

    /** Creates the checkpoint folder, or checks that an existing one is writable, before training starts. */
    static void prepareFolder(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new GradstepException("--checkpoint " + dir + ": cannot create the folder (" + e.getMessage() + ")");
        }
        if (!Files.isWritable(dir)) {
            throw new GradstepException("--checkpoint " + dir + ": the folder is not writable");
        }
    }

    /** The trainer of the run: after a device was lost, the one that took over. */
    private Trainer current;
    private Trainer.NonFinite guard;

    /**
     * After a device failed and could not be read back: the run goes on, on the java backend, from the
     * newest usable checkpoint (the steps since it run again, on the same batches); without one it stops.
     */
    private Trainer fromCheckpoint(Trainer.DeviceLostException lost, TrainingOptions.Setup s, Path dir) {
        PrintWriter err = spec.commandLine().getErr();
        if (dir == null || Checkpoint.list(dir).isEmpty()) {
            throw new GradstepException(lost.getMessage() + "; no checkpoint to continue from (--checkpoint DIR keeps them)");
        }
        Checkpoint.Loaded c = Checkpoint.latest(dir, note -> err.println(note));
        current.backend().close();
        gradstep.engine.ops.Gemm.setVectorized(true);
        Trainer t = new Trainer(new gradstep.engine.backend.JavaBackend(s.model(), s.optimizer(), current.backend().maxBatch()),
                s.train(), current.batchSize(), options.seed);
        t.onNonFinite(guard);
        t.onNote(current::note);
        Checkpoint.restore(c, s.model(), s.optimizer(), t);
        err.println();
        err.println("gradstep: " + lost.getMessage() + "; continuing on the java backend from " + c.file().getFileName()
                + " (step " + c.globalStep() + ")");
        err.flush();
        current = t;
        return t;
    }

    private int train(PrintWriter out, TrainingOptions.Setup s, Path dir, int everySteps) {
        Trainer trainer = s.trainer();
        current = trainer;
        int epochs = options.epochs;
        ImageData data = s.train();
        out.printf(Locale.ROOT, "optimizer: %s, batch %d, %d epochs, seed %d%n", s.optimizer().describe(), trainer.batchSize(),
                epochs, options.seed);
        out.print(s.model().summary());
        out.flush();

        Progress progress = new Progress(out, System.console() != null, trainer.stepsPerEpoch());
        double totalSeconds = 0;
        int firstEpoch = trainer.epoch();
        Evaluation test = null;
        try (TrainingLog csv = log == null ? null : new TrainingLog(log, s.model())) {
            progress.startEpoch(trainer.epoch(), epochs, trainer.stepInEpoch());
            while (trainer.epoch() <= epochs) {
                StepResult r;
                try {
                    r = trainer.step();
                } catch (Trainer.DeviceLostException lost) {
                    trainer = fromCheckpoint(lost, s, dir);
                    progress.startEpoch(trainer.epoch(), epochs, trainer.stepInEpoch());
                    continue;
                }
                progress.step(r, epochs);
                if (csv != null) {
                    csv.step(r, trainer.backend(), trainer.optimizer().learningRate());
                }
                boolean due = everySteps > 0 ? r.globalStep() % everySteps == 0 : r.epochEnd();
                if (dir != null && due) {
                    Checkpoint.save(dir, trainer, data.rows(), data.cols(), data.channels(), keep);
                }
                if (r.epochEnd()) {
                    totalSeconds += progress.elapsed();
                    if (csv != null) {
                        // the log has the test result of every epoch; the last one is also the run's result
                        test = Evaluation.of(trainer.backend(), s.data().test());
                        csv.epoch(r.epoch(), trainer.globalStep(), test);
                    }
                    if (trainer.epoch() <= epochs) {
                        progress.startEpoch(trainer.epoch(), epochs, 0);
                    }
                }
            }
        }
        trainer = current;
        int ran = Math.max(0, epochs - firstEpoch + 1);
        out.printf(Locale.ROOT, "trained %d epochs in %.1fs (%.1fs per epoch)%s%n", ran, totalSeconds, totalSeconds / Math.max(1, ran),
                trainer.skippedSteps() == 0 ? "" : ", " + trainer.skippedSteps() + " batches skipped for NaN/Inf");
        if (test == null) {
            test = Evaluation.of(trainer.backend(), s.data().test());
        }
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
        if (file != null) {
            AtomicFile.requireWritable(file);
        }
    }
}
