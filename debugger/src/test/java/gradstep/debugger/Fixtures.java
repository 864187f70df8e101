package gradstep.debugger;

import gradstep.datasets.Datasets;
import gradstep.engine.backend.JavaBackend;
import gradstep.engine.model.Model;
import gradstep.engine.model.ModelSpec;
import gradstep.engine.optim.Optimizer;
import gradstep.engine.train.ImageData;
import gradstep.engine.train.Trainer;

/** Sessions on the first images of the real MNIST, small enough for unit tests. */
final class Fixtures {
    private static Datasets.TrainTest mnist;

    private Fixtures() {
    }

    static synchronized Datasets.TrainTest mnist() {
        if (mnist == null) {
            mnist = Datasets.loadBundledMnist();
        }
        return mnist;
    }

    static ImageData adapt(gradstep.datasets.ImageSet s, int n) {
        ImageData d = new ImageData(s.name(), s.pixels(), s.labels(), s.count(), s.rows(), s.cols(), 1, s.classes());
        return d.head(n);
    }

    static Session session(String spec, Optimizer opt, int batch, int trainImages) {
        ImageData train = adapt(mnist().train(), trainImages);
        ImageData test = adapt(mnist().test(), 500);
        Model m = Model.build(ModelSpec.parse(spec), 28, 28, 1, 10, 7);
        Trainer t = new Trainer(new JavaBackend(m, opt, batch), train, batch, 7);
        return new Session(t, train, test, 2);
    }
}
