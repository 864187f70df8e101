package gradstep.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import gradstep.datasets.DatasetException;
import gradstep.datasets.Datasets;
import gradstep.datasets.Idx;
import gradstep.debugger.Script;
import gradstep.engine.GradstepException;
import gradstep.engine.io.Checkpoint;
import gradstep.engine.io.WeightsFile;
import gradstep.engine.model.Model;
import gradstep.engine.model.ModelSpec;
import gradstep.engine.optim.RmsProp;
import gradstep.engine.train.ImageData;
import gradstep.engine.train.Trainer;
import gradstep.engine.util.Rng;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded, bounded fuzzing of every reader of outside input: IDX files, weights files, checkpoints, model
 * specs and debugger scripts. Each mutated input must either load or fail with gradstep's own one-line
 * error; any other exception, a hang (each reader has a time limit) or an allocation driven by a size the
 * input merely claims (the heap is 4 GiB; claims go far beyond) fails the test.
 */
class FuzzTest {
    static final int CASES = 1000;

    @TempDir
    Path dir;

    /** The mutations: random bytes, truncation, bit flips, and huge, negative or zero 32-bit fields. */
    static byte[] mutate(byte[] valid, Rng rng) {
        byte[] b = valid.clone();
        switch (rng.nextInt(5)) {
            case 0 -> {
                byte[] r = new byte[rng.nextInt(64)];
                for (int i = 0; i < r.length; i++) {
                    r[i] = (byte) rng.nextInt(256);
                }
                return r;
            }
            case 1 -> {
                return java.util.Arrays.copyOf(b, rng.nextInt(b.length));
            }
            case 2 -> {
                for (int n = 1 + rng.nextInt(8); n > 0; n--) {
                    int at = rng.nextInt(b.length);
                    b[at] ^= (byte) (1 << rng.nextInt(8));
                }
                return b;
            }
            default -> {
                if (b.length < 4) {
                    return b;
                }
                int at = rng.nextInt(Math.max(1, Math.min(b.length - 3, 64)));
                int[] values = {Integer.MAX_VALUE, -1, 0, Integer.MIN_VALUE, 1 << 30};
                ByteBuffer.wrap(b).putInt(at, values[rng.nextInt(values.length)]);
                return b;
            }
        }
    }

    static int loaded;

    /** Runs {@code reader} on CASES mutations of {@code valid}; only gradstep's own errors may come out. */
    static void fuzz(String what, byte[] valid, long seed, Consumer<byte[]> reader) {
        Rng rng = new Rng(seed);
        loaded = 0;
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < CASES; i++) {
                byte[] input = mutate(valid, rng);
                try {
                    reader.accept(input);
                    loaded++;
                } catch (GradstepException | DatasetException e) {
                    assertTrue(e.getMessage() != null && !e.getMessage().contains("\n"), what + " case " + i + ": " + e.getMessage());
                } catch (Throwable t) {
                    fail(what + " case " + i + ": " + t, t);
                }
            }
        });
        System.out.println(what + ": " + CASES + " inputs, " + loaded + " loaded, " + (CASES - loaded) + " refused with gradstep's error");
    }

    @Test
    void idxReader() throws Exception {
        byte[] images;
        try (var in = getClass().getResourceAsStream("/gradstep/datasets/mnist/t10k-labels-idx1-ubyte.gz")) {
            images = in.readAllBytes(); // the bundled gzip of the test labels: small, real
        }
        byte[] small = ByteBuffer.allocate(16 + 20 * 784).putInt(Idx.IMAGES_MAGIC).putInt(20).putInt(28).putInt(28).array();
        fuzz("IDX images", small, 1, b -> Idx.parseImages(Idx.readContent(new ByteArrayInputStream(b), "f"), "f"));
        fuzz("IDX labels (gzip)", images, 2, b -> Idx.parseLabels(Idx.readContent(new ByteArrayInputStream(b), "f"), "f", 10));
        byte[] labels = ByteBuffer.allocate(8 + 30).putInt(Idx.LABELS_MAGIC).putInt(30).array();
        fuzz("IDX labels", labels, 3, b -> Idx.parseLabels(b, "f", 10));
    }

    @Test
    void weightsReader() throws Exception {
        Path f = dir.resolve("w.npz");
        WeightsFile.save(Model.build(ModelSpec.parse("conv2x3,pool2,flatten,dense10"), 8, 8, 1, 10, 1), 8, 8, 1, f);
        byte[] valid = Files.readAllBytes(f);
        Path g = dir.resolve("g.npz");
        fuzz("weights .npz", valid, 4, b -> {
            write(g, b);
            WeightsFile.load(g);
        });
    }

    @Test
    void checkpointReader() throws Exception {
        byte[] px = new byte[64 * 64];
        byte[] lab = new byte[64];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = (byte) (i % 10);
        }
        ImageData data = new ImageData("d", px, lab, 64, 8, 8, 1, 10);
        Model m = Model.build(ModelSpec.parse("dense8,dense10"), 8, 8, 1, 10, 1);
        Trainer t = new Trainer(m, new RmsProp(), data, 16, 1);
        t.step();
        Path ck = dir.resolve("ck");
        Files.createDirectories(ck);
        byte[] valid = Files.readAllBytes(Checkpoint.save(ck, t, 8, 8, 1, 1));
        Path fz = dir.resolve("fz");
        Files.createDirectories(fz);
        Path g = fz.resolve("ckpt-000000001.npz");
        fuzz("checkpoint", valid, 5, b -> {
            write(g, b);
            Checkpoint.Loaded c = Checkpoint.latest(fz, n -> { });
            Model m2 = Model.build(ModelSpec.parse("dense8,dense10"), 8, 8, 1, 10, 1);
            Trainer t2 = new Trainer(m2, new RmsProp(), data, 16, 1);
            Checkpoint.restore(c, m2, t2.optimizer(), t2);
            t2.step();
        });
    }

    static final String[] SPEC_PARTS = {"dense", "conv", "pool", "flatten", "x", ":", ",", "same", "valid", "linear", "relu",
            "0", "1", "3", "10", "64", "65536", "999999999999", "-2", " ", "mlp", "cnn", "dense65536,"};
    static final String[] SCRIPT_PARTS = {"step", "micro", "back", "show", "select", "break", "dump", "run", "epoch", " ", ";",
            "\n", "#", "1", "-3", "99999999999", "layers", "rmsprop", "dense_1", "nan", "loss-rise", "grad-above", "x", "/tmp/f"};

    static String words(Rng rng, String[] parts) {
        StringBuilder sb = new StringBuilder();
        for (int n = rng.nextInt(12); n > 0; n--) {
            sb.append(parts[rng.nextInt(parts.length)]);
        }
        return sb.toString();
    }

    @Test
    void modelSpecParser() {
        Rng rng = new Rng(6);
        fuzz("model spec", new byte[4], 7, ignored -> {
            String spec = words(rng, SPEC_PARTS);
            Model.build(ModelSpec.parse(spec), 28, 28, 1, 10, 1);
        });
    }

    @Test
    void debuggerScriptParser() {
        Rng rng = new Rng(8);
        fuzz("debugger script", new byte[4], 9, ignored -> Script.parse(words(rng, SCRIPT_PARTS), "fuzz"));
    }

    @Test
    void datasetFolder() throws Exception {
        // The four files of a folder, one of them mutated: only DatasetException may come out.
        byte[] labels = ByteBuffer.allocate(8 + 2).putInt(Idx.LABELS_MAGIC).putInt(2).array();
        byte[] images = ByteBuffer.allocate(16 + 2 * 4).putInt(Idx.IMAGES_MAGIC).putInt(2).putInt(2).putInt(2).array();
        Path d = dir.resolve("data");
        Files.createDirectories(d);
        write(d.resolve("train-labels-idx1-ubyte"), labels);
        write(d.resolve("t10k-images-idx3-ubyte"), images);
        write(d.resolve("t10k-labels-idx1-ubyte"), labels);
        fuzz("dataset folder", images, 10, b -> {
            write(d.resolve("train-images-idx3-ubyte"), b);
            Datasets.load("mine", d);
        });
    }

    static void write(Path p, byte[] b) {
        try {
            Files.write(p, b);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
