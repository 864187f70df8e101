package gradstep.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import gradstep.datasets.Datasets;
import gradstep.engine.model.Model;
import gradstep.engine.model.ModelSpec;
import gradstep.engine.optim.RmsProp;
import gradstep.engine.train.ImageData;
import gradstep.engine.train.Trainer;
import org.junit.jupiter.api.Test;

/** A short real run on MNIST: the lab's MLP must clearly learn within 200 steps. */
class MnistTrainingTest {
    @Test
    void mlpLossFallsByMoreThanHalfWithin200Steps() {
        ImageData train = DataOptions.adapt(Datasets.loadBundledMnist().train());
        Model mlp = Model.build(ModelSpec.parse("mlp"), 28, 28, 1, 10, 1);
        Trainer t = new Trainer(mlp, new RmsProp(), train, 128, 1);
        double first = 0, last = 0;
        for (int step = 1; step <= 200; step++) {
            double loss = t.step().loss();
            if (step <= 10) {
                first += loss / 10;
            } else if (step > 190) {
                last += loss / 10;
            }
        }
        // Measured: about 1.0 for the first ten steps' mean, about 0.2 for the last ten.
        assertTrue(last < first / 2, "mean loss of steps 1-10 " + first + ", of steps 191-200 " + last);
    }
}
