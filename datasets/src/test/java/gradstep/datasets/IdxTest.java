package gradstep.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path dir;

    static byte[] idx(int magic, int[] dims, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + payload.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(payload);
        return b.array();
    }

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }

    static byte[] images(int count) {
        byte[] px = new byte[count * 4];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 37);
        }
        return idx(Idx.IMAGES_MAGIC, new int[]{count, 2, 2}, px);
    }

    static byte[] labels(int... values) {
        byte[] l = new byte[values.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (byte) values[i];
        }
        return idx(Idx.LABELS_MAGIC, new int[]{l.length}, l);
    }

    @Test
    void readsPlainAndGzipToTheSameContent() throws IOException {
        byte[] content = images(3);
        Path plain = Files.write(dir.resolve("a"), content);
        Path gz = Files.write(dir.resolve("b"), gzip(content));
        assertArrayEquals(content, Idx.readContent(plain));
        assertArrayEquals(content, Idx.readContent(gz));
        Idx.Images im = Idx.parseImages(Idx.readContent(gz), "b");
        assertEquals(3, im.count());
        assertEquals(2, im.rows());
        assertEquals(2, im.cols());
        assertEquals((byte) 37, im.pixels()[1]);
    }

    @Test
    void wrongMagicNamesTheFileAndTheMagic() {
        byte[] wrong = labels(1, 2);
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.parseImages(wrong, "x.idx"));
        assertEquals("wrong magic 0x00000801 in x.idx (expected 0x00000803, an idx3 image file)", e.getMessage());
    }

    @Test
    void truncatedPayloadSaysExpectedAndGot() {
        byte[] full = images(3);
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 5);
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.parseImages(cut, "img"));
        assertEquals("img truncated: expected 28 bytes, got 23", e.getMessage());
    }

    @Test
    void truncatedHeader() {
        byte[] cut = java.util.Arrays.copyOf(images(3), 9);
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.parseImages(cut, "img"));
        assertEquals("img truncated: expected 16 header bytes, got 9", e.getMessage());
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] full = java.util.Arrays.copyOf(labels(1, 2), 11);
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.parseLabels(full, "lab", 10));
        assertTrue(e.getMessage().contains("trailing data"), e.getMessage());
    }

    @Test
    void hugeDeclaredSizeDoesNotAllocate() {
        // Header claims 2^31-1 images of 2^31-1 x 2^31-1: must fail on length, not try to allocate.
        byte[] lie = idx(Idx.IMAGES_MAGIC, new int[]{Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, new byte[4]);
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.parseImages(lie, "big"));
        assertTrue(e.getMessage().startsWith("big truncated: expected "), e.getMessage());
    }

    @Test
    void nonPositiveDimensionIsRefused() {
        byte[] zero = idx(Idx.IMAGES_MAGIC, new int[]{0, 28, 28}, new byte[0]);
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.parseImages(zero, "z"));
        assertEquals("z: dimension 0 is 0, must be positive", e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesIndexAndValue() {
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.parseLabels(labels(3, 12, 4), "lab", 10));
        assertEquals("lab: label 12 at index 1 is out of range 0-9", e.getMessage());
    }

    @Test
    void countMismatchBetweenImagesAndLabels() {
        DatasetException e = assertThrows(DatasetException.class,
                () -> Datasets.imageSet("t", images(3), "img", labels(1, 2), "lab"));
        assertEquals("img holds 3 images but lab holds 2 labels", e.getMessage());
    }

    @Test
    void damagedGzipIsAClearError() throws IOException {
        byte[] gz = gzip(images(50));
        byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 2);
        Path f = Files.write(dir.resolve("cut.gz"), cut);
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.readContent(f));
        assertTrue(e.getMessage().startsWith(f + ": damaged gzip data"), e.getMessage());
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope");
        DatasetException e = assertThrows(DatasetException.class, () -> Idx.readContent(f));
        assertEquals(f + ": no such file", e.getMessage());
    }

    @Test
    void checksumMismatchIsReported() {
        byte[] content = labels(1, 2, 3);
        DatasetException e = assertThrows(DatasetException.class,
                () -> Datasets.verify(content, "lab", Datasets.MNIST_SHA256.get("t10k-labels-idx1-ubyte")));
        assertTrue(e.getMessage().startsWith("lab: SHA-256 mismatch: expected ff7bcfd4"), e.getMessage());
    }

    @Test
    void folderWithTheFourFilesLoadsAndMissingOneIsNamed() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(4)));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(0, 1, 2, 9));
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images(2));
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.load("mine", dir));
        assertEquals(dir + ": missing t10k-labels-idx1-ubyte (or t10k-labels-idx1-ubyte.gz)", e.getMessage());
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), labels(5, 6));
        Datasets.TrainTest tt = Datasets.load("mine", dir);
        assertEquals(4, tt.train().count());
        assertEquals(9, tt.train().label(3));
        assertEquals(2, tt.test().count());
    }

    @Test
    void unknownDatasetName() {
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.load("cifar", null));
        assertEquals("unknown dataset 'cifar' (known: mnist, fashion-mnist; or give --data-dir DIR)", e.getMessage());
    }
}
