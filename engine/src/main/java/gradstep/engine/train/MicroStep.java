package gradstep.engine.train;

import gradstep.engine.model.Model;

/**
 * The smallest unit of training that {@link Trainer} executes. A training step on one batch is the
 * sequence
 *
 * <pre>
 *   Forward(0) … Forward(L−1), Loss, Backward(L−1) … Backward(0), Update(i) for each layer i with parameters
 * </pre>
 * Updates come after every backward because each backward needs the weights of its layer as they were
 * in the forward pass. The command line runs the sequence to the end; the debugger runs it one at a time.
 */
public sealed interface MicroStep {
    /** A short description using the model's layer names, e.g. {@code backward dense_1}. */
    String describe(Model model);

    /** The forward pass of layer {@code layer} (the first one also loads the batch). */
    record Forward(int layer) implements MicroStep {
        public String describe(Model model) {
            return "forward " + model.layers().get(layer).name();
        }
    }

    /** Softmax, cross-entropy and its gradient with respect to the logits. */
    record Loss() implements MicroStep {
        public String describe(Model model) {
            return "loss";
        }
    }

    /** The backward pass of layer {@code layer}: its parameter gradients and its input gradient. */
    record Backward(int layer) implements MicroStep {
        public String describe(Model model) {
            return "backward " + model.layers().get(layer).name();
        }
    }

    /** The optimizer's update of every parameter of layer {@code layer}. */
    record Update(int layer) implements MicroStep {
        public String describe(Model model) {
            return "update " + model.layers().get(layer).name();
        }
    }
}
