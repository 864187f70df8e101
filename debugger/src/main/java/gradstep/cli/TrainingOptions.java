package gradstep.cli;

import gradstep.engine.GradstepException;
import gradstep.engine.backend.Backend;
import gradstep.engine.io.WeightsFile;
import gradstep.engine.model.MemoryEstimate;
import gradstep.engine.model.Model;
import gradstep.engine.model.ModelSpec;
import gradstep.engine.optim.Optimizer;
import gradstep.engine.optim.RmsProp;
import gradstep.engine.optim.Sgd;
import gradstep.engine.train.ImageData;
import gradstep.engine.train.Trainer;
import gradstep.engine.util.Parallel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options that set up a training run, shared by {@code train} and {@code debug}. */
final class TrainingOptions {
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

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads of the java backend (default: one per core).")
    Integer threads;

    @Mixin
    BackendOption backend;

    /** A run ready to train: its data, model, optimizer and trainer (on the opened backend). */
    record Setup(DataOptions.Loaded data, ImageData train, Model model, Optimizer optimizer, Trainer trainer) {
    }

    static void applyThreads(Integer threads) {
        if (threads != null) {
            if (threads < 1) {
                throw new GradstepException("--threads must be at least 1, got " + threads);
            }
            Parallel.setThreads(threads);
        }
    }

    /**
     * Checks every option, loads the data, builds the model (with the weights of {@code load} if not
     * null), opens the backend and prints what was set up. Notes about backend failures go to {@code err}.
     */
    Setup open(PrintWriter out, PrintWriter err, Path load) {
        applyThreads(threads);
        if (epochs < 1) {
            throw new GradstepException("--epochs must be at least 1, got " + epochs);
        }
        if (limit != null && limit < 1) {
            throw new GradstepException("--limit must be at least 1, got " + limit);
        }
        ModelSpec modelSpec = ModelSpec.parse(model);
        Optimizer opt = optimizer();
        int batch = batchSize != null ? batchSize : modelSpec.defaultBatchSize();
        if (batch < 1) {
            throw new GradstepException("--batch-size must be at least 1, got " + batch);
        }
        DataOptions.Loaded d = data.load();
        ImageData train = limit != null ? d.train().head(limit) : d.train();
        checkMemory(modelSpec, train, Math.min(batch, train.count()), opt);
        Model net = Model.build(modelSpec, train.rows(), train.cols(), train.channels(), train.classes(), seed);
        if (load != null) {
            WeightsFile.loadInto(net, load);
        }
        out.printf(Locale.ROOT, "model: %s on %s (%d training, %d test images)%s%n", modelSpec.text(), data.data,
                train.count(), d.test().count(), load == null ? "" : ", weights from " + load);
        Backend opened = backend.open(net, opt, Trainer.checkBatch(batch, train), out, err).backend();
        Trainer trainer;
        try {
            trainer = new Trainer(opened, train, batch, seed);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        return new Setup(d, train, net, opt, trainer);
    }

    /** Refuses, before allocating, a model and batch that the JVM's heap cannot hold. */
    static void checkMemory(ModelSpec spec, ImageData train, int batch, Optimizer opt) {
        MemoryEstimate e = MemoryEstimate.of(spec, train.rows(), train.cols(), train.channels(), batch, opt.stateNames().size());
        if (e == null) {
            return; // the shapes do not work out: Model.build reports which token
        }
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        e.require(free, "the JVM heap (-Xmx " + MemoryEstimate.human(rt.maxMemory()) + ", free now)",
                "model '" + spec.text() + "' at batch " + batch);
    }

    Optimizer optimizer() {
        return switch (optimizer.toLowerCase(Locale.ROOT)) {
            case "rmsprop" -> new RmsProp(lr != null ? lr : RmsProp.DEFAULT_LR, rho, momentum, epsilon);
            case "sgd" -> new Sgd(lr != null ? lr : 0.01, momentum);
            default -> throw new GradstepException("unknown --optimizer '" + optimizer + "' (use rmsprop or sgd)");
        };
    }
}
