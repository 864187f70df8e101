package gradstep.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import gradstep.engine.GradstepException;
import gradstep.engine.layers.Layer;
import gradstep.engine.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSpecTest {
    static Model mnist(String spec) {
        return Model.build(ModelSpec.parse(spec), 28, 28, 1, 10, 1);
    }

    static String error(String spec) {
        return assertThrows(GradstepException.class, () -> mnist(spec)).getMessage();
    }

    @Test
    void mlpPresetMatchesTheKerasLabModel() {
        Model m = mnist("mlp");
        assertEquals("dense512,dense10", m.spec().text());
        assertEquals(Shape.of(784), m.inputShape());
        assertEquals(407_050, m.paramCount()); // Keras's summary: 401,920 + 5,130
        assertEquals(List.of("dense_1/kernel", "dense_1/bias", "dense_2/kernel", "dense_2/bias"),
                m.params().stream().map(p -> p.name()).toList());
        assertEquals(Shape.of(784, 512), m.params().get(0).shape());
    }

    @Test
    void cnnPresetMatchesTheKerasLabConvnet() {
        Model m = mnist("cnn");
        // Keras's summary of the lab's convnet: 320, 18,496, 36,928, 36,928, 650 = 93,322.
        assertEquals(93_322, m.paramCount());
        List<String> shapes = m.layers().stream().map(l -> l.name() + " " + l.outputShape()).toList();
        assertEquals(List.of("conv2d_1 (26, 26, 32)", "max_pooling2d_1 (13, 13, 32)", "conv2d_2 (11, 11, 64)",
                "max_pooling2d_2 (5, 5, 64)", "conv2d_3 (3, 3, 64)", "flatten_1 (576,)", "dense_1 (64,)",
                "dense_2 (10,)"), shapes);
        assertEquals(Shape.of(3, 3, 1, 32), m.params().get(0).shape());
    }

    @Test
    void optionsAndCanonicalText() {
        Model m = mnist(" Conv8x5:SAME , pool2, flatten, dense32:linear, dense10 ");
        assertEquals("conv8x5:same,pool2,flatten,dense32:linear,dense10", m.spec().text());
        Layer conv = m.layers().get(0);
        assertEquals(Shape.of(28, 28, 8), conv.outputShape());
        assertEquals(ModelSpec.parse(m.spec().text()), m.spec());
    }

    @Test
    void badTokenIsNamedWithItsPosition() {
        assertEquals("bad model spec 'conv32x3,poo2,flatten,dense10': token 2 'poo2' is not a layer; "
                + ModelSpec.EXPECTED, error("conv32x3,poo2,flatten,dense10"));
        assertEquals("bad model spec 'dense64:tanh,dense10': token 1 'dense64:tanh' unknown option ':tanh'",
                error("dense64:tanh,dense10"));
        assertEquals("bad model spec 'dense0,dense10': token 1 'dense0' units must be positive", error("dense0,dense10"));
        assertEquals("bad model spec 'dense64,,dense10': token 2 '' is not a layer; " + ModelSpec.EXPECTED,
                error("dense64,,dense10"));
    }

    @Test
    void shapeMistakesPointAtTheToken() {
        assertEquals("bad model spec 'conv8x3,dense10': token 2 'dense10' needs a flat input but gets (26, 26, 8):"
                + " put 'flatten' before it", error("conv8x3,dense10"));
        assertEquals("bad model spec 'dense64,conv8x3,flatten,dense10': token 2 'conv8x3' needs an image input"
                + " (h, w, c) but gets (64,)", error("dense64,conv8x3,flatten,dense10"));
        assertEquals("bad model spec 'dense64,dense5': token 2 'dense5' must be the output layer dense10 (one unit per class)",
                error("dense64,dense5"));
        assertEquals("bad model spec 'conv8x30,flatten,dense10': token 1 'conv8x30' has a 30x30 kernel larger than"
                + " its 28x28 input; use :same or a smaller kernel", error("conv8x30,flatten,dense10"));
        assertEquals("empty model spec: give mlp, cnn or layer tokens like dense128,dense10",
                assertThrows(GradstepException.class, () -> ModelSpec.parse(" ")).getMessage());
    }

    @Test
    void sameSeedSameInitialWeightsOtherSeedOther() {
        float[] a = mnist("mlp").params().get(0).value();
        float[] b = mnist("mlp").params().get(0).value();
        float[] c = Model.build(ModelSpec.parse("mlp"), 28, 28, 1, 10, 2).params().get(0).value();
        assertEquals(java.util.Arrays.hashCode(a), java.util.Arrays.hashCode(b));
        org.junit.jupiter.api.Assertions.assertFalse(java.util.Arrays.equals(a, c));
        // Glorot uniform limit for (784, 512): sqrt(6 / 1296) = 0.068.
        double limit = Math.sqrt(6.0 / (784 + 512));
        double max = 0;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        org.junit.jupiter.api.Assertions.assertTrue(max <= limit && max > 0.99 * limit, "max |w| = " + max);
    }

    @Test
    void aModelTooLargeToAllocateIsRefusedBeforeAllocating() {
        assertEquals("bad model spec 'dense65536,dense65536,dense10': token 2 'dense65536' brings the model to 4,346,478,592"
                + " parameters, more than the 100,000,000 gradstep allows", error("dense65536,dense65536,dense10"));
    }

    @Test
    void memoryEstimateOfTheLabModels() {
        // MLP at batch 128 with RMSprop: 407,050 parameters x 4 arrays x 4 bytes = 6.5 MB
        MemoryEstimate mlp = MemoryEstimate.of(ModelSpec.parse("mlp"), 28, 28, 1, 128, 2);
        assertEquals(407_050L * 16, mlp.parameterBytes());
        MemoryEstimate cnn = MemoryEstimate.of(ModelSpec.parse("cnn"), 28, 28, 1, 64, 2);
        assertEquals(93_322L * 16, cnn.parameterBytes());
        // the patch matrices dominate the CNN's activations: conv2d_2's alone is 64 x 121 x 288 floats, twice
        org.junit.jupiter.api.Assertions.assertTrue(cnn.activationBytes() > 2L * 64 * 121 * 288 * 4);
        GradstepException e = assertThrows(GradstepException.class, () -> cnn.require(1 << 20, "a test heap", "cnn"));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("cnn needs about "), e.getMessage());
    }
}
