package gradstep.engine.optim;

import gradstep.engine.layers.Param;
import java.util.List;

/**
 * Updates parameters from their gradients. Both optimizers are written in the lab's form, a step
 * {@code b} followed by {@code θ ← θ − b}, so the inspector can show the same quantities for either.
 */
public sealed interface Optimizer permits RmsProp, Sgd {
    /** Applies one update to {@code p} from {@code p.grad()}, advancing its state. */
    void update(Param p);

    /** The names of the per-element state tensors, e.g. {@code m} and {@code b} for RMSprop. */
    List<String> stateNames();

    /** The state tensor {@code name} of {@code p} (created, zero, on first use). */
    float[] state(Param p, String name);

    /**
     * {Σg², Σb², Σθ²} of {@code p} as its last update left them, when the update measured them on the
     * way (the fast CPU path does), or null.
     */
    double[] lastSums(Param p);

    /** The learning rate α. */
    double learningRate();

    /** One line with the name and every hyper-parameter, e.g. {@code RMSprop(lr=0.001, rho=0.9, ...)}. */
    String describe();
}
