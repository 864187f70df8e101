package gradstep.engine.model;

import gradstep.engine.GradstepException;
import gradstep.engine.layers.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sequential model written as one line of comma-separated layer tokens:
 *
 * <pre>
 *   denseN            Dense with N units, ReLU            dense512
 *   convFxK           Conv2D, F filters of K×K, ReLU,     conv32x3
 *                     stride 1, valid padding
 *   poolP             MaxPooling2D P×P, stride P          pool2
 *   flatten           Flatten (row, column, channel)
 *
 *   options, after a colon:  :same / :valid (conv padding), :linear / :relu (activation)
 *                            e.g. conv16x5:same, dense64:linear
 * </pre>
 *
 * The last token must be a Dense layer with one unit per class; it is the softmax layer (the softmax
 * itself is computed with the loss). A model that starts with a Dense layer sees each image as a flat
 * vector of its pixels, as the lab's MLP does after {@code reshape}.
 */
public record ModelSpec(String text, List<LayerSpec> layers) {
    public static final Map<String, String> PRESETS = Map.of(
            "mlp", "dense512,dense10",
            "cnn", "conv32x3,pool2,conv64x3,pool2,conv64x3,flatten,dense64,dense10");

    /**
     * The lab's batch size: 128 for a model that starts with a Dense layer (the MLP), 64 otherwise (the
     * convnet).
     */
    public int defaultBatchSize() {
        return layers.get(0) instanceof DenseSpec ? 128 : 64;
    }

    /** One token of the spec. */
    public sealed interface LayerSpec permits DenseSpec, ConvSpec, PoolSpec, FlattenSpec {
        String token();
    }

    public record DenseSpec(int units, Activation activation) implements LayerSpec {
        public String token() {
            return "dense" + units + (activation == Activation.LINEAR ? ":linear" : "");
        }
    }

    public record ConvSpec(int filters, int kernel, boolean same, Activation activation) implements LayerSpec {
        public String token() {
            return "conv" + filters + "x" + kernel + (same ? ":same" : "") + (activation == Activation.LINEAR ? ":linear" : "");
        }
    }

    public record PoolSpec(int size) implements LayerSpec {
        public String token() {
            return "pool" + size;
        }
    }

    public record FlattenSpec() implements LayerSpec {
        public String token() {
            return "flatten";
        }
    }

    private static final Pattern DENSE = Pattern.compile("dense(\\d+)");
    private static final Pattern CONV = Pattern.compile("conv(\\d+)x(\\d+)");
    private static final Pattern POOL = Pattern.compile("pool(\\d+)");
    static final String EXPECTED = "expected denseN, convFxK, poolP or flatten, options :same :valid :relu :linear"
            + " (e.g. conv32x3,pool2,flatten,dense64,dense10)";

    /** A preset name ({@code mlp}, {@code cnn}) or a spec string. */
    public static ModelSpec parse(String text) {
        String preset = PRESETS.get(text.trim().toLowerCase(java.util.Locale.ROOT));
        String spec = preset != null ? preset : text.trim();
        if (spec.isEmpty()) {
            throw new GradstepException("empty model spec: give mlp, cnn or layer tokens like dense128,dense10");
        }
        String[] tokens = spec.split(",", -1);
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < tokens.length; i++) {
            layers.add(parseToken(spec, tokens[i].trim(), i + 1));
        }
        return new ModelSpec(canonical(layers), List.copyOf(layers));
    }

    /** The spec in its canonical form, as {@link #parse} accepts it and weights files store it. */
    static String canonical(List<LayerSpec> layers) {
        StringBuilder sb = new StringBuilder();
        for (LayerSpec l : layers) {
            sb.append(sb.length() == 0 ? "" : ",").append(l.token());
        }
        return sb.toString();
    }

    private static LayerSpec parseToken(String spec, String token, int position) {
        String[] parts = token.toLowerCase(java.util.Locale.ROOT).split(":", -1);
        String head = parts[0];
        Matcher m;
        LayerSpec parsed;
        Boolean same = null;
        Activation act = null;
        for (int p = 1; p < parts.length; p++) {
            switch (parts[p]) {
                case "same" -> same = true;
                case "valid" -> same = false;
                case "relu" -> act = Activation.RELU;
                case "linear" -> act = Activation.LINEAR;
                default -> throw bad(spec, token, position, "unknown option ':" + parts[p] + "'");
            }
        }
        if ((m = DENSE.matcher(head)).matches()) {
            if (same != null) {
                throw bad(spec, token, position, "padding applies to conv layers only");
            }
            parsed = new DenseSpec(positive(m.group(1), spec, token, position, "units"), act == null ? Activation.RELU : act);
        } else if ((m = CONV.matcher(head)).matches()) {
            parsed = new ConvSpec(positive(m.group(1), spec, token, position, "filters"),
                    positive(m.group(2), spec, token, position, "kernel size"), same != null && same,
                    act == null ? Activation.RELU : act);
        } else if ((m = POOL.matcher(head)).matches()) {
            int size = positive(m.group(1), spec, token, position, "pool size");
            if (size < 2) {
                throw bad(spec, token, position, "pool size must be at least 2");
            }
            if (parts.length > 1) {
                throw bad(spec, token, position, "pool takes no options");
            }
            parsed = new PoolSpec(size);
        } else if (head.equals("flatten")) {
            if (parts.length > 1) {
                throw bad(spec, token, position, "flatten takes no options");
            }
            parsed = new FlattenSpec();
        } else {
            throw bad(spec, token, position, "is not a layer; " + EXPECTED);
        }
        return parsed;
    }

    private static int positive(String digits, String spec, String token, int position, String what) {
        int v;
        try {
            v = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw bad(spec, token, position, what + " " + digits + " is too large");
        }
        if (v <= 0) {
            throw bad(spec, token, position, what + " must be positive");
        }
        if (v > 65_536) {
            throw bad(spec, token, position, what + " " + v + " is too large (at most 65536)");
        }
        return v;
    }

    static GradstepException bad(String spec, String token, int position, String why) {
        return new GradstepException("bad model spec '" + spec + "': token " + position + " '" + token + "' " + why);
    }
}
