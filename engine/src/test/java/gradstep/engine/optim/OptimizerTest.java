package gradstep.engine.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gradstep.engine.GradstepException;
import gradstep.engine.layers.Param;
import gradstep.engine.tensor.Shape;
import org.junit.jupiter.api.Test;

/** The update rules, checked against the lab's equations evaluated by hand in double. */
class OptimizerTest {
    @Test
    void rmspropFollowsTheLabsThreeEquationsWithMomentum() {
        double lr = 0.01, rho = 0.8, beta = 0.5, eps = 1e-7;
        RmsProp opt = new RmsProp(lr, rho, beta, eps);
        Param p = new Param("dense_1/kernel", Shape.of(2));
        p.value()[0] = 1.0f;
        p.value()[1] = -2.0f;
        double[] theta = {1.0, -2.0}, m = {0, 0}, b = {0, 0};
        double[][] grads = {{0.5, -0.1}, {0.25, 0.3}, {-1.0, 0.0}};
        for (double[] g : grads) {
            p.grad()[0] = (float) g[0];
            p.grad()[1] = (float) g[1];
            opt.update(p);
            for (int i = 0; i < 2; i++) {
                m[i] = rho * m[i] + (1 - rho) * g[i] * g[i];
                b[i] = beta * b[i] + lr * g[i] / Math.sqrt(m[i] + eps);
                theta[i] -= b[i];
                assertEquals(m[i], opt.state(p, "m")[i], 1e-6, "m");
                assertEquals(b[i], opt.state(p, "b")[i], 1e-6, "b");
                assertEquals(theta[i], p.value()[i], 1e-6, "theta");
            }
        }
    }

    @Test
    void rmspropFirstStepIsAboutLrOverSqrtOneMinusRho() {
        // m_1 = (1−γ)g², so b_1 = α·g/sqrt((1−γ)g²) = α/sqrt(1−γ)·sign(g): the first step ignores |g|.
        RmsProp opt = new RmsProp();
        Param p = new Param("w", Shape.of(1));
        p.grad()[0] = 123f;
        opt.update(p);
        assertEquals(-0.001 / Math.sqrt(0.1), p.value()[0], 1e-7);
    }

    @Test
    void sgdIsThetaMinusLrTimesGradAndMomentumAccumulates() {
        Sgd plain = new Sgd(0.1, 0);
        Param p = new Param("w", Shape.of(1));
        p.value()[0] = 1f;
        p.grad()[0] = 2f;
        plain.update(p);
        assertEquals(0.8f, p.value()[0], 1e-7);

        Sgd mom = new Sgd(0.1, 0.9);
        Param q = new Param("w", Shape.of(1));
        q.grad()[0] = 1f;
        mom.update(q); // b = 0.1
        mom.update(q); // b = 0.09 + 0.1 = 0.19
        assertEquals(-0.29f, q.value()[0], 1e-6);
        assertEquals(0.19f, mom.state(q, "b")[0], 1e-6);
    }

    @Test
    void badHyperParametersAreRefusedByName() {
        assertEquals("--lr must be positive, got -0.1",
                assertThrows(GradstepException.class, () -> new RmsProp(-0.1, 0.9, 0, 1e-7)).getMessage());
        assertEquals("--rho must be in [0, 1), got 1.5",
                assertThrows(GradstepException.class, () -> new RmsProp(0.1, 1.5, 0, 1e-7)).getMessage());
        assertEquals("--momentum must be in [0, 1), got -1.0",
                assertThrows(GradstepException.class, () -> new Sgd(0.1, -1)).getMessage());
    }

    @Test
    void describeShowsEveryHyperParameter() {
        assertEquals("RMSprop(lr=0.001, rho=0.9, momentum=0, epsilon=1e-7)", new RmsProp().describe());
        assertEquals("SGD(lr=0.01, momentum=0.9)", new Sgd(0.01, 0.9).describe());
    }
}
