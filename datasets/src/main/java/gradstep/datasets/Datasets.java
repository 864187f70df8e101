package gradstep.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Finds and loads a train/test pair of IDX image sets by name.
 *
 * <ul>
 *   <li>{@code mnist}: the four original files bundled in this module (from {@code datasets/mnist/}), their
 *       decompressed content checked against the SHA-256 digests of LeCun's originals.</li>
 *   <li>{@code fashion-mnist}: Debian's {@code dataset-fashion-mnist} package, in
 *       {@value #FASHION_DEBIAN_DIR}, checked against the digests of Zalando's originals.</li>
 *   <li>any folder ({@code dataDir}) that holds the four standard file names, plain or {@code .gz}; its
 *       content is validated as IDX but not checksummed, since it may be any dataset.</li>
 * </ul>
 */
public final class Datasets {
    public static final String FASHION_DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";
    public static final List<String> NAMES = List.of("mnist", "fashion-mnist");
    static final String[] FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte"};
    static final int CLASSES = 10;

    /** SHA-256 of the decompressed originals, by file name. */
    static final Map<String, String> MNIST_SHA256 = Map.of(
            "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
    static final Map<String, String> FASHION_SHA256 = Map.of(
            "train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
            "train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
            "t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
            "t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    private Datasets() {
    }

    /** A training set and its test set. */
    public record TrainTest(ImageSet train, ImageSet test) {
    }

    /**
     * Loads {@code name} ("mnist" or "fashion-mnist"), or, when {@code dataDir} is not null, the four IDX
     * files in that folder (then {@code name} only labels the data in messages).
     */
    public static TrainTest load(String name, Path dataDir) {
        if (dataDir != null) {
            if (!Files.isDirectory(dataDir)) {
                throw new DatasetException("--data-dir " + dataDir + ": no such folder");
            }
            return loadFolder(dataDir, null, name);
        }
        switch (name) {
            case "mnist":
                return loadBundledMnist();
            case "fashion-mnist": {
                Path dir = Path.of(FASHION_DEBIAN_DIR);
                if (!Files.isDirectory(dir)) {
                    throw new DatasetException("fashion-mnist not found in " + FASHION_DEBIAN_DIR
                            + ": install it with 'apt-get install dataset-fashion-mnist' or pass --data-dir DIR"
                            + " holding its four IDX files");
                }
                return loadFolder(dir, FASHION_SHA256, name);
            }
            default:
                throw new DatasetException("unknown dataset '" + name + "' (known: " + String.join(", ", NAMES)
                        + "; or give --data-dir DIR)");
        }
    }

    /** MNIST from the copy bundled in this module's jar. */
    public static TrainTest loadBundledMnist() {
        byte[][] content = new byte[4][];
        for (int i = 0; i < 4; i++) {
            String resource = "/gradstep/datasets/mnist/" + FILES[i] + ".gz";
            try (InputStream in = Datasets.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new DatasetException("bundled MNIST file " + resource + " is missing from the gradstep jar");
                }
                content[i] = Idx.readContent(in, "mnist/" + FILES[i] + ".gz");
            } catch (IOException e) {
                throw new DatasetException("mnist/" + FILES[i] + ".gz: cannot read: " + e.getMessage());
            }
            verify(content[i], "mnist/" + FILES[i] + ".gz", MNIST_SHA256.get(FILES[i]));
        }
        return assemble(content, new String[]{"mnist/" + FILES[0], "mnist/" + FILES[1], "mnist/" + FILES[2],
                "mnist/" + FILES[3]}, "mnist");
    }

    static TrainTest loadFolder(Path dir, Map<String, String> digests, String label) {
        byte[][] content = new byte[4][];
        String[] names = new String[4];
        for (int i = 0; i < 4; i++) {
            Path file = find(dir, FILES[i]);
            names[i] = file.toString();
            content[i] = Idx.readContent(file);
            if (digests != null) {
                verify(content[i], names[i], digests.get(FILES[i]));
            }
        }
        return assemble(content, names, label);
    }

    private static Path find(Path dir, String base) {
        Path plain = dir.resolve(base);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new DatasetException(dir + ": missing " + base + " (or " + base + ".gz)");
    }

    private static TrainTest assemble(byte[][] content, String[] names, String label) {
        return new TrainTest(
                imageSet(label + "/train", content[0], names[0], content[1], names[1]),
                imageSet(label + "/test", content[2], names[2], content[3], names[3]));
    }

    /** Pairs an idx3 image file with its idx1 label file, checking that their counts agree. */
    public static ImageSet imageSet(String name, byte[] images, String imagesName, byte[] labels, String labelsName) {
        Idx.Images im = Idx.parseImages(images, imagesName);
        byte[] lab = Idx.parseLabels(labels, labelsName, CLASSES);
        if (lab.length != im.count()) {
            throw new DatasetException(imagesName + " holds " + im.count() + " images but " + labelsName + " holds "
                    + lab.length + " labels");
        }
        return new ImageSet(name, im.pixels(), lab, im.count(), im.rows(), im.cols(), CLASSES);
    }

    /** Checks decompressed content against a SHA-256 digest. */
    static void verify(byte[] content, String name, String expectedHex) {
        String got = sha256(content);
        if (!got.equals(expectedHex)) {
            throw new DatasetException(name + ": SHA-256 mismatch: expected " + expectedHex + ", got " + got
                    + " (damaged or not the original file)");
        }
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
