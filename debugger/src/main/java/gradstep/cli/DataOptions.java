package gradstep.cli;

import gradstep.datasets.Datasets;
import gradstep.datasets.ImageSet;
import gradstep.engine.train.ImageData;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that choose the data set, shared by every command that reads one. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "NAME", defaultValue = "mnist",
            description = "Data set: mnist (bundled) or fashion-mnist (Debian's dataset-fashion-mnist). Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "A folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and"
                    + " t10k-labels-idx1-ubyte (each plain or .gz); overrides --data's location.")
    Path dataDir;

    /** Train and test sets, loaded and validated. */
    record Loaded(ImageData train, ImageData test) {
    }

    Loaded load() {
        Datasets.TrainTest tt = Datasets.load(data, dataDir);
        return new Loaded(adapt(tt.train()), adapt(tt.test()));
    }

    /** The test set, checked to fit a model loaded from {@code weights}. */
    ImageData testFor(gradstep.engine.model.Model model, Path weights) {
        ImageData test = load().test();
        if (test.pixelsPerImage() != model.inputShape().size()) {
            throw new gradstep.engine.GradstepException(weights + ": the model takes " + model.inputShape() + " inputs, "
                    + test.name() + " images are " + test.rows() + "x" + test.cols());
        }
        return test;
    }

    static ImageData adapt(ImageSet s) {
        return new ImageData(s.name(), s.pixels(), s.labels(), s.count(), s.rows(), s.cols(), 1, s.classes());
    }
}
