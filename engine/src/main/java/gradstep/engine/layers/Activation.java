package gradstep.engine.layers;

/**
 * What a Dense or Conv2D layer applies to its affine output. The last layer's is {@code SOFTMAX}: the
 * softmax itself is computed together with the loss ({@link gradstep.engine.ops.SoftmaxCrossEntropy}), so
 * that layer outputs logits.
 */
public enum Activation {
    RELU, LINEAR, SOFTMAX;

    public String keras() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
