package gradstep.engine.io;

import gradstep.engine.GradstepException;
import gradstep.engine.layers.Param;
import gradstep.engine.model.Model;
import gradstep.engine.model.ModelSpec;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A trained model as a {@code .npz}: one float32 array per parameter, named and shaped as Keras's
 * {@code get_weights()} would give them ({@code dense_1/kernel} (in, out), conv kernels (kh, kw, in,
 * out), biases (out,)), plus {@code gradstep/spec} (the model spec, a byte string) and
 * {@code gradstep/input} (int32: rows, cols, channels, classes), so the file alone rebuilds the model.
 *
 * <pre>
 *   w = numpy.load("mlp.npz"); w["dense_1/kernel"].shape   # (784, 512)
 * </pre>
 */
public final class WeightsFile {
    public static final String SPEC = "gradstep/spec";
    public static final String INPUT = "gradstep/input";

    private WeightsFile() {
    }

    public static void save(Model model, int rows, int cols, int channels, Path file) {
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        for (Param p : model.params()) {
            arrays.put(p.name(), Npy.floats(p.shape().dims(), p.value()));
        }
        arrays.put(SPEC, Npy.string(model.spec().text()));
        arrays.put(INPUT, Npy.ints(new int[]{4}, new int[]{rows, cols, channels, model.classes()}));
        Npz.write(file, arrays);
    }

    /** Rebuilds the model that {@code file} holds, with its weights. */
    public static Model load(Path file) {
        Map<String, Npy.Array> arrays = Npz.read(file);
        Npy.Array specArray = arrays.get(SPEC);
        Npy.Array inputArray = arrays.get(INPUT);
        if (specArray == null || inputArray == null) {
            throw new GradstepException(file + ": no " + (specArray == null ? SPEC : INPUT)
                    + " array; not a gradstep weights file");
        }
        String specText = specArray.string(file + ": " + SPEC);
        int[] input = inputArray.ints(file + ": " + INPUT);
        if (input.length != 4) {
            throw new GradstepException(file + ": " + INPUT + " holds " + input.length + " values, expected 4");
        }
        for (int v : input) {
            if (v <= 0 || v > 65_536) {
                throw new GradstepException(file + ": " + INPUT + " value " + v + " is out of range");
            }
        }
        ModelSpec spec;
        try {
            spec = ModelSpec.parse(specText);
        } catch (GradstepException e) {
            throw new GradstepException(file + ": " + e.getMessage());
        }
        Model model = Model.build(spec, input[0], input[1], input[2], input[3], 0);
        copyInto(model, arrays, file);
        return model;
    }

    /** Copies the parameters in {@code file} into {@code model}, which must have the same names and shapes. */
    public static void loadInto(Model model, Path file) {
        copyInto(model, Npz.read(file), file);
    }

    private static void copyInto(Model model, Map<String, Npy.Array> arrays, Path file) {
        Set<String> used = new HashSet<>(Set.of(SPEC, INPUT));
        for (Param p : model.params()) {
            Npy.Array a = arrays.get(p.name());
            if (a == null) {
                throw new GradstepException(file + ": missing " + p.name() + " " + p.shape() + " for model '"
                        + model.spec().text() + "'");
            }
            if (!java.util.Arrays.equals(a.shape(), p.shape().dims())) {
                throw new GradstepException(file + ": " + p.name() + " has shape " + Npy.shapeString(a.shape())
                        + ", model '" + model.spec().text() + "' needs " + p.shape());
            }
            float[] v = a.floats(file + ": " + p.name());
            System.arraycopy(v, 0, p.value(), 0, v.length);
            used.add(p.name());
        }
        for (String name : arrays.keySet()) {
            if (!used.contains(name)) {
                throw new GradstepException(file + ": unexpected array '" + name + "' for model '"
                        + model.spec().text() + "'");
            }
        }
    }
}
