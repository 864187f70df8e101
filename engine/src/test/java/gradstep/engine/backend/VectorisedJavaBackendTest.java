package gradstep.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradstep.engine.model.Model;
import gradstep.engine.model.ModelSpec;
import gradstep.engine.ops.Gemm;
import gradstep.engine.optim.RmsProp;
import gradstep.engine.train.ImageData;
import gradstep.engine.train.Synthetic;
import gradstep.engine.train.Trainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The fast CPU path (java backend, vectorised products) trains like the reference (plain loops). */
class VectorisedJavaBackendTest {
    @AfterEach
    void plain() {
        Gemm.setVectorized(false);
    }

    static double[] run(String spec, ImageData data, boolean vector) {
        Gemm.setVectorized(vector);
        Model m = Model.build(ModelSpec.parse(spec), data.rows(), data.cols(), 1, 10, 9);
        Trainer t = new Trainer(m, new RmsProp(), data, 16, 9);
        double[] losses = new double[30];
        for (int i = 0; i < losses.length; i++) {
            losses[i] = t.step().loss();
        }
        return losses;
    }

    @Test
    void mlpAndCnnLossesMatchThePlainLoops() {
        Assumptions.assumeTrue(Gemm.vectorApiAvailable(), "no Vector API in this JVM");
        for (String spec : new String[]{"mlp", "cnn"}) {
            ImageData data = Synthetic.bars(30 * 16, 28, 21);
            double[] ref = run(spec, data, false), fast = run(spec, data, true);
            for (int i = 0; i < ref.length; i++) {
                // FMA rounds once where the plain loop rounds twice: agreement to float rounding,
                // amplified by RMSprop as on the OpenCL backend (see OpenClBackendTest)
                assertEquals(ref[i], fast[i], 2e-2 * Math.max(1, ref[i]), spec + " step " + (i + 1));
            }
        }
        assertTrue(Gemm.setVectorized(true));
    }

    @Test
    void javaBackendSaysWhichLoopsItUses() {
        Model m = Model.build(ModelSpec.parse("mlp"), 28, 28, 1, 10, 1);
        Backends.Opened o = Backends.open("java", m, new RmsProp(), 8, n -> { });
        assertTrue(o.line().startsWith("device: java, "), o.line());
        assertTrue(o.line().contains(Gemm.vectorApiAvailable() ? "vectorised (" : "plain loops"), o.line());
        Backends.Opened r = Backends.open("reference", m, new RmsProp(), 8, n -> { });
        assertTrue(r.line().contains("plain loops (the reference)"), r.line());
        assertTrue(!Gemm.vectorized());
    }
}
