package gradstep.engine.io;

import gradstep.engine.GradstepException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * numpy's {@code .npz}: a zip archive with one {@code NAME.npy} entry per array, which
 * {@code numpy.load(FILE)} opens as a dict keyed by NAME (names may contain '/', as Keras's do).
 */
public final class Npz {
    /** An array entry larger than this is refused while it is read (the largest MLP kernel is 1.6 MB). */
    static final long MAX_ENTRY = 256L << 20;

    private Npz() {
    }

    /** Writes the arrays (already encoded as .npy bytes), atomically. */
    public static void write(Path file, Map<String, byte[]> arrays) {
        AtomicFile.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, byte[]> e : arrays.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setTime(0);
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /** Reads every array of the archive, in the order stored. */
    public static Map<String, Npy.Array> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new GradstepException(file + ": no such file");
        }
        Map<String, Npy.Array> arrays = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                String name = e.getName();
                if (!name.endsWith(".npy")) {
                    throw new GradstepException(file + ": entry '" + name + "' is not a .npy array");
                }
                byte[] bytes = readBounded(zip, file + ":" + name);
                String key = name.substring(0, name.length() - 4);
                if (arrays.put(key, Npy.decode(bytes, file + ": " + key)) != null) {
                    throw new GradstepException(file + ": array '" + key + "' appears twice");
                }
            }
        } catch (NoSuchFileException e) {
            throw new GradstepException(file + ": no such file");
        } catch (ZipException | java.io.EOFException | IllegalArgumentException e) {
            // IllegalArgumentException: ZipInputStream's word for an entry name that is not valid UTF-8
            throw new GradstepException(file + ": damaged .npz archive (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new GradstepException(file + ": cannot read: " + AtomicFile.describe(e));
        }
        if (arrays.isEmpty()) {
            throw new GradstepException(file + ": not a .npz archive (no arrays found)");
        }
        return arrays;
    }

    private static byte[] readBounded(InputStream in, String where) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > MAX_ENTRY) {
                throw new GradstepException(where + ": array larger than " + (MAX_ENTRY >> 20) + " MiB");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
