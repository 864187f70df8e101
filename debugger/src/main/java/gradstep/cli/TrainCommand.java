package gradstep.cli;

import gradstep.engine.GradstepException;
import gradstep.engine.backend.Backend;
import gradstep.engine.io.WeightsFile;
import gradstep.engine.model.Model;
import gradstep.engine.model.ModelSpec;
import gradstep.engine.optim.Optimizer;
import gradstep.engine.optim.RmsProp;
import gradstep.engine.optim.Sgd;
import gradstep.engine.train.Evaluation;
import gradstep.engine.train.ImageData;
import gradstep.engine.train.StepResult;
import gradstep.engine.train.Trainer;
import gradstep.engine.util.Parallel;
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
    @Option(names = "--model", defaultValue = "mlp", paramLabel = "mlp|cnn|SPEC",
            description = "Preset or layer spec (see below). Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--epochs", defaultValue = "5", paramLabel = "N", description = "Passes over the training set. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--batch-size", paramLabel = "B", description = "Images per step. Default: 128 for models that start with a dense layer (mlp), 64 otherwise (cnn).")
    Integer batchSize;

    @Option(names = "--optimizer", defaultValue = "rmsprop", paramLabel = "rmsprop|sgd",
            description = "rmsprop (the lab's) or sgd (plain gradient descent, with optional momentum). Default: ${DEFAULT-VALUE}.")
    String optimizer;

    @Option(names = "--lr", paramLabel = "ALPHA", description = "Learning rate α. Default: 0.001 for rmsprop, 0.01 for sgd (Keras's).")
    Double lr;

    @Option(names = "--rho", defaultValue = "0.9", paramLabel = "GAMMA", description = "RMSprop decay γ of the mean square. Default: ${DEFAULT-VALUE}.")
    double rho;

    @Option(names = "--momentum", defaultValue = "0", paramLabel = "BETA", description = "Momentum β (rmsprop and sgd). Default: ${DEFAULT-VALUE}.")
    double momentum;

    @Option(names = "--epsilon", defaultValue = "1e-7", paramLabel = "EPS", description = "RMSprop ε in sqrt(m + ε). Default: ${DEFAULT-VALUE}.")
    double epsilon;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed for initial weights and batch order. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    DataOptions data;

    @Option(names = "--limit", paramLabel = "N", description = "Train on the first N training images only (quick runs).")
    Integer limit;

    @Option(names = "--save", paramLabel = "FILE", description = "Write the trained weights here (.npz, numpy.load opens it).")
    Path save;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads of the java backend (default: one per core).")
    Integer threads;

    @Mixin
    BackendOption backend;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    static void applyThreads(Integer threads) {
        if (threads != null) {
            if (threads < 1) {
                throw new GradstepException("--threads must be at least 1, got " + threads);
            }
            Parallel.setThreads(threads);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        applyThreads(threads);
        if (epochs < 1) {
            throw new GradstepException("--epochs must be at least 1, got " + epochs);
        }
        if (limit != null && limit < 1) {
            throw new GradstepException("--limit must be at least 1, got " + limit);
        }
        checkWritable(save);
        ModelSpec modelSpec = ModelSpec.parse(model);
        Optimizer opt = optimizer();
        int batch = batchSize != null ? batchSize
                : modelSpec.layers().get(0) instanceof ModelSpec.DenseSpec ? 128 : 64;
        if (batch < 1) {
            throw new GradstepException("--batch-size must be at least 1, got " + batch);
        }
        DataOptions.Loaded d = data.load();
        ImageData train = limit != null ? d.train().head(limit) : d.train();
        Model net = Model.build(modelSpec, train.rows(), train.cols(), train.channels(), train.classes(), seed);
        out.printf(Locale.ROOT, "model: %s on %s (%d training, %d test images)%n", modelSpec.text(), data.data,
                train.count(), d.test().count());
        Backend opened = backend.open(net, opt, Trainer.checkBatch(batch, train), out, spec.commandLine().getErr()).backend();
        Trainer trainer;
        try {
            trainer = new Trainer(opened, train, batch, seed);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        PrintWriter err = spec.commandLine().getErr();
        trainer.onNote(note -> {
            out.println();
            err.println(note);
            err.flush();
        });
        try {
            return train(out, net, opt, trainer, d);
        } finally {
            // the backend that is training now: after a fallback, the one it fell back to
            trainer.backend().close();
        }
    }

    private int train(PrintWriter out, Model net, Optimizer opt, Trainer trainer, DataOptions.Loaded d) {
        out.printf(Locale.ROOT, "optimizer: %s, batch %d, %d epochs, seed %d%n", opt.describe(), trainer.batchSize(),
                epochs, seed);
        out.print(net.summary());
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
        Evaluation test = Evaluation.of(trainer.backend(), d.test());
        if (save != null) {
            trainer.backend().syncToHost();
            ImageData train = d.train();
            WeightsFile.save(net, train.rows(), train.cols(), train.channels(), save);
            out.println("saved weights to " + save);
        }
        out.println(test.line("test"));
        return 0;
    }

    private Optimizer optimizer() {
        return switch (optimizer.toLowerCase(Locale.ROOT)) {
            case "rmsprop" -> new RmsProp(lr != null ? lr : RmsProp.DEFAULT_LR, rho, momentum, epsilon);
            case "sgd" -> new Sgd(lr != null ? lr : 0.01, momentum);
            default -> throw new GradstepException("unknown --optimizer '" + optimizer + "' (use rmsprop or sgd)");
        };
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
