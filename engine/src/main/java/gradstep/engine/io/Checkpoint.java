package gradstep.engine.io;

import gradstep.engine.GradstepException;
import gradstep.engine.layers.Param;
import gradstep.engine.model.Model;
import gradstep.engine.optim.Optimizer;
import gradstep.engine.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoints: everything needed to continue a run exactly where it was, as {@code .npz} files named
 * {@code ckpt-STEP.npz} in one folder. Each holds the parameters (Keras names), the optimizer state
 * ({@code NAME:rms}, {@code NAME:mom}), the model spec and input size, the optimizer and its
 * hyper-parameters, and the trainer's position: epoch, step in the epoch, global step, the batch order
 * of the epoch and the shuffle RNG's state. Written atomically (temporary file, forced to disk, renamed);
 * only the newest {@code keep} are kept.
 */
public final class Checkpoint {
    static final String POSITION = "trainer/position";
    static final String ORDER = "trainer/order";
    static final String OPTIMIZER = "gradstep/optimizer";
    static final Pattern NAME = Pattern.compile("ckpt-(\\d{9})\\.npz");

    private Checkpoint() {
    }

    /** A checkpoint read back: the file, its global step, and the arrays it holds. */
    public record Loaded(Path file, long globalStep, Map<String, Npy.Array> arrays) {
    }

    /** Writes a checkpoint of {@code trainer} (between steps) into {@code dir}; keeps the newest {@code keep}. */
    public static Path save(Path dir, Trainer trainer, int rows, int cols, int channels, int keep) {
        trainer.backend().syncToHost();
        Model model = trainer.model();
        Optimizer opt = trainer.optimizer();
        Trainer.Position pos = trainer.position();
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        for (Param p : model.params()) {
            arrays.put(p.name(), Npy.floats(p.shape().dims(), p.value()));
            for (String s : opt.stateNames()) {
                arrays.put(p.name() + suffix(s), Npy.floats(p.shape().dims(), opt.state(p, s)));
            }
        }
        arrays.put(WeightsFile.SPEC, Npy.string(model.spec().text()));
        arrays.put(WeightsFile.INPUT, Npy.ints(new int[]{4}, new int[]{rows, cols, channels, model.classes()}));
        arrays.put(OPTIMIZER, Npy.string(opt.describe()));
        arrays.put(POSITION, Npy.longs(new int[]{4}, new long[]{pos.epoch(), pos.stepInEpoch(), pos.globalStep(), pos.shuffleState()}));
        arrays.put(ORDER, Npy.ints(new int[]{pos.order().length}, pos.order()));
        Path file = dir.resolve(String.format("ckpt-%09d.npz", pos.globalStep()));
        Npz.write(file, arrays);
        syncFolder(dir);
        prune(dir, keep);
        return file;
    }

    static String suffix(String state) {
        return state.equals("m") ? ":rms" : ":mom";
    }

    /** Makes the rename that created a checkpoint durable, where the file system allows it. */
    private static void syncFolder(Path dir) {
        try (var ch = java.nio.channels.FileChannel.open(dir, java.nio.file.StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some file systems cannot sync a folder; the file itself was forced before the rename
        }
    }

    private static void prune(Path dir, int keep) {
        List<Path> all = list(dir);
        for (int i = keep; i < all.size(); i++) {
            try {
                Files.deleteIfExists(all.get(i));
            } catch (IOException e) {
                // an old checkpoint that cannot be removed does no harm
            }
        }
    }

    /** The checkpoints in {@code dir}, newest first. */
    public static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new GradstepException("cannot read " + dir + ": " + AtomicFile.describe(e));
        }
    }

    /**
     * The newest checkpoint in {@code dir} that reads back whole; each newer one that does not is
     * reported to {@code notes} with the reason, and the next older one is tried.
     */
    public static Loaded latest(Path dir, Consumer<String> notes) {
        List<Path> all = list(dir);
        if (all.isEmpty()) {
            throw new GradstepException("--resume " + dir + ": no checkpoint (ckpt-*.npz) there");
        }
        List<String> bad = new ArrayList<>();
        for (Path f : all) {
            try {
                Loaded l = read(f);
                if (!bad.isEmpty()) {
                    notes.accept("gradstep: " + String.join("; ", bad) + "; resuming from the older " + f.getFileName());
                }
                return l;
            } catch (GradstepException e) {
                bad.add("checkpoint " + f.getFileName() + " is unusable (" + e.getMessage() + ")");
            }
        }
        throw new GradstepException("--resume " + dir + ": no usable checkpoint: " + String.join("; ", bad));
    }

    /** Reads and checks one checkpoint file (every array a checkpoint needs, of consistent sizes). */
    public static Loaded read(Path file) {
        Map<String, Npy.Array> a = Npz.read(file);
        for (String need : List.of(WeightsFile.SPEC, WeightsFile.INPUT, OPTIMIZER, POSITION, ORDER)) {
            if (!a.containsKey(need)) {
                throw new GradstepException(file + ": no " + need + " array; not a gradstep checkpoint");
            }
        }
        long[] pos = a.get(POSITION).longs(file + ": " + POSITION);
        if (pos.length != 4 || pos[0] < 1 || pos[1] < 0 || pos[2] < 0) {
            throw new GradstepException(file + ": " + POSITION + " holds impossible values");
        }
        return new Loaded(file, pos[2], a);
    }

    /**
     * Puts a checkpoint's state into a model, optimizer and trainer built for the same spec: refused, with
     * what differs, if the model or the optimizer is not the one the checkpoint was written with.
     */
    public static void restore(Loaded c, Model model, Optimizer opt, Trainer trainer) {
        Path file = c.file();
        Map<String, Npy.Array> a = c.arrays();
        String spec = a.get(WeightsFile.SPEC).string(file + ": " + WeightsFile.SPEC);
        if (!spec.equals(model.spec().text())) {
            throw new GradstepException(file + ": written for model '" + spec + "', this run is '" + model.spec().text() + "'");
        }
        String written = a.get(OPTIMIZER).string(file + ": " + OPTIMIZER);
        if (!written.equals(opt.describe())) {
            throw new GradstepException(file + ": written with " + written + ", this run asks for " + opt.describe());
        }
        for (Param p : model.params()) {
            copy(a, p.name(), p, p.value(), file);
            for (String s : opt.stateNames()) {
                copy(a, p.name() + suffix(s), p, opt.state(p, s), file);
            }
        }
        long[] pos = a.get(POSITION).longs(file + ": " + POSITION);
        int[] order = a.get(ORDER).ints(file + ": " + ORDER);
        try {
            trainer.restore(new Trainer.Position((int) pos[0], (int) pos[1], pos[2], order, pos[3]));
        } catch (IllegalArgumentException e) {
            throw new GradstepException(file + ": " + e.getMessage());
        }
        trainer.backend().syncToDevice();
    }

    private static void copy(Map<String, Npy.Array> a, String name, Param p, float[] into, Path file) {
        Npy.Array arr = a.get(name);
        if (arr == null) {
            throw new GradstepException(file + ": missing " + name);
        }
        if (!java.util.Arrays.equals(arr.shape(), p.shape().dims())) {
            throw new GradstepException(file + ": " + name + " has shape " + Npy.shapeString(arr.shape()) + ", the model needs "
                    + p.shape());
        }
        float[] v = arr.floats(file + ": " + name);
        System.arraycopy(v, 0, into, 0, v.length);
    }
}
