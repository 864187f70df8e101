package gradstep.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradstep.engine.layers.Param;
import gradstep.engine.model.Model;
import gradstep.engine.model.ModelSpec;
import gradstep.engine.optim.RmsProp;
import gradstep.engine.optim.Sgd;
import gradstep.engine.util.Parallel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TrainerTest {
    static final String SMALL_CNN = "conv4x3,pool2,conv4x3:same,flatten,dense16,dense10";

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    static Trainer trainer(String spec, ImageData data, int batch, long seed) {
        Model m = Model.build(ModelSpec.parse(spec), data.rows(), data.cols(), 1, 10, seed);
        return new Trainer(m, new RmsProp(), data, batch, seed);
    }

    static List<float[]> weights(Trainer t) {
        return t.model().params().stream().map(Param::value).toList();
    }

    @Test
    void microStepsComeInTheDocumentedOrder() {
        Trainer t = trainer("cnn", Synthetic.bars(10, 28, 1), 4, 1);
        StringBuilder seen = new StringBuilder();
        StepResult r;
        do {
            seen.append(t.next().describe(t.model())).append("; ");
            r = t.advance();
        } while (r == null);
        assertEquals("forward conv2d_1; forward max_pooling2d_1; forward conv2d_2; forward max_pooling2d_2; "
                + "forward conv2d_3; forward flatten_1; forward dense_1; forward dense_2; loss; "
                + "backward dense_2; backward dense_1; backward flatten_1; backward conv2d_3; backward max_pooling2d_2; "
                + "backward conv2d_2; backward max_pooling2d_1; backward conv2d_1; "
                + "update conv2d_1; update conv2d_2; update conv2d_3; update dense_1; update dense_2; ", seen.toString());
        assertEquals(1, r.globalStep());
        assertTrue(!t.midStep());
    }

    @Test
    void epochsCoverEveryImageOnceWithASmallerLastBatch() {
        Trainer t = trainer("dense8,dense10", Synthetic.bars(10, 6, 2), 4, 1);
        assertEquals(3, t.stepsPerEpoch());
        StepResult a = t.step(), b = t.step(), c = t.step();
        assertEquals(List.of(4, 4, 2), List.of(a.batchSize(), b.batchSize(), c.batchSize()));
        assertTrue(c.epochEnd());
        assertEquals(2, t.epoch());
        assertEquals(1, t.step().step());
    }

    @Test
    void sameSeedGivesBitIdenticalWeightsWhateverTheThreadCount() {
        ImageData data = Synthetic.bars(200, 12, 3);
        Parallel.setThreads(2);
        Trainer a = trainer(SMALL_CNN, data, 16, 42);
        for (int i = 0; i < 30; i++) {
            a.step();
        }
        Parallel.setThreads(1);
        Trainer b = trainer(SMALL_CNN, data, 16, 42);
        for (int i = 0; i < 30; i++) {
            b.step();
        }
        List<float[]> wa = weights(a), wb = weights(b);
        for (int i = 0; i < wa.size(); i++) {
            assertArrayEquals(wa.get(i), wb.get(i), "parameter " + i);
        }
        Trainer c = trainer(SMALL_CNN, data, 16, 43);
        for (int i = 0; i < 30; i++) {
            c.step();
        }
        assertTrue(!java.util.Arrays.equals(wa.get(0), weights(c).get(0)), "another seed should train differently");
    }

    @Test
    void rmspropAndSgdBothLearnTheBars() {
        ImageData data = Synthetic.bars(300, 10, 4);
        for (boolean sgd : new boolean[]{false, true}) {
            Model m = Model.build(ModelSpec.parse("dense32,dense10"), 10, 10, 1, 10, 5);
            Trainer t = new Trainer(m, sgd ? new Sgd(0.1, 0.9) : new RmsProp(0.01, 0.9, 0, 1e-7), data, 20, 5);
            double first = t.step().loss();
            for (int i = 0; i < 60; i++) {
                t.step();
            }
            Evaluation e = Evaluation.of(m, data, 64);
            assertTrue(e.loss() < first / 4, (sgd ? "sgd" : "rmsprop") + ": loss " + first + " -> " + e.loss());
            assertTrue(e.accuracy() > 0.9, "accuracy " + e.accuracy());
        }
    }

    @Test
    void firstLayerComputesNoInputGradient() {
        Trainer t = trainer(SMALL_CNN, Synthetic.bars(8, 12, 6), 4, 1);
        t.step();
        assertNull(t.model().layers().get(0).inputGradient());
        assertTrue(t.model().layers().get(2).inputGradient() != null);
    }
}
