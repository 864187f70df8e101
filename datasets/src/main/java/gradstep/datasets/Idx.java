package gradstep.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for the IDX format of LeCun's MNIST files: a big-endian header of magic number
 * {@code 0x0000 TT DD} (TT = element type, 0x08 = unsigned byte; DD = number of dimensions), then DD
 * 32-bit sizes, then the elements. Labels are idx1 ({@code 0x00000801}), images idx3 ({@code 0x00000803}).
 * Files may be gzip-compressed; that is recognised from the content, not the name.
 *
 * <p>Every check fails with a {@link DatasetException} whose message names the file. Nothing is allocated
 * from a size that the header merely claims: the file is read first (with a cap), then the header is
 * checked against what was actually read.
 */
public final class Idx {
    public static final int LABELS_MAGIC = 0x00000801;
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Larger than any IDX file gradstep reads; guards against gzip bombs and absurd files. */
    static final long MAX_BYTES = 256L << 20;

    private Idx() {
    }

    /** The decompressed content of a file, plain or gzip. */
    public static byte[] readContent(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return readContent(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new DatasetException(file + ": no such file");
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read: " + e.getMessage());
        }
    }

    /** The decompressed content of a stream, plain or gzip; {@code name} is used in messages. */
    public static byte[] readContent(InputStream raw, String name) {
        try {
            byte[] head = raw.readNBytes(2);
            InputStream in = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), raw);
            boolean gzip = head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
            if (gzip) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
            byte[] buf = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > MAX_BYTES) {
                    throw new DatasetException(name + ": larger than " + (MAX_BYTES >> 20) + " MiB, not an IDX file gradstep can use");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (ZipException | java.io.EOFException e) {
            throw new DatasetException(name + ": damaged gzip data (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new DatasetException(name + ": cannot read: " + e.getMessage());
        }
    }

    /** Labels from idx1 content: one unsigned byte each, every one below {@code classes}. */
    public static byte[] parseLabels(byte[] content, String name, int classes) {
        int[] dims = header(content, name, LABELS_MAGIC, 1);
        int count = dims[0];
        checkLength(content, name, 8, count);
        byte[] labels = java.util.Arrays.copyOfRange(content, 8, 8 + count);
        for (int i = 0; i < count; i++) {
            if ((labels[i] & 0xff) >= classes) {
                throw new DatasetException(name + ": label " + (labels[i] & 0xff) + " at index " + i
                        + " is out of range 0-" + (classes - 1));
            }
        }
        return labels;
    }

    /** Image pixels from idx3 content, with its dimensions {count, rows, cols}. */
    public static Images parseImages(byte[] content, String name) {
        int[] dims = header(content, name, IMAGES_MAGIC, 3);
        long expected = (long) dims[0] * dims[1] * dims[2];
        checkLength(content, name, 16, expected);
        byte[] pixels = java.util.Arrays.copyOfRange(content, 16, 16 + (int) expected);
        return new Images(pixels, dims[0], dims[1], dims[2]);
    }

    /** Pixels of an idx3 file and its three dimensions. */
    public record Images(byte[] pixels, int count, int rows, int cols) {
    }

    private static int[] header(byte[] c, String name, int magic, int ndim) {
        if (c.length < 4) {
            throw new DatasetException(name + " truncated: expected at least " + (4 + 4 * ndim) + " header bytes, got " + c.length);
        }
        int found = readInt(c, 0);
        if (found != magic) {
            throw new DatasetException(String.format("wrong magic 0x%08x in %s (expected 0x%08x, an idx%d %s file)",
                    found, name, magic, ndim, ndim == 1 ? "label" : "image"));
        }
        if (c.length < 4 + 4 * ndim) {
            throw new DatasetException(name + " truncated: expected " + (4 + 4 * ndim) + " header bytes, got " + c.length);
        }
        int[] dims = new int[ndim];
        for (int d = 0; d < ndim; d++) {
            dims[d] = readInt(c, 4 + 4 * d);
            if (dims[d] <= 0) {
                throw new DatasetException(name + ": dimension " + d + " is " + dims[d] + ", must be positive");
            }
        }
        return dims;
    }

    private static void checkLength(byte[] c, String name, int headerBytes, long payload) {
        long expected = headerBytes + payload;
        if (c.length < expected) {
            throw new DatasetException(name + " truncated: expected " + expected + " bytes, got " + c.length);
        }
        if (c.length > expected) {
            throw new DatasetException(name + ": " + c.length + " bytes, but its header describes " + expected
                    + " (trailing data)");
        }
    }

    private static int readInt(byte[] c, int at) {
        return ((c[at] & 0xff) << 24) | ((c[at + 1] & 0xff) << 16) | ((c[at + 2] & 0xff) << 8) | (c[at + 3] & 0xff);
    }
}
