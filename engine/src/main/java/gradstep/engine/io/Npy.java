package gradstep.engine.io;

import gradstep.engine.GradstepException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code .npy} format (numpy's NEP 1), version 1.0: the bytes {@code \x93NUMPY}, version 1.0, a
 * little-endian uint16 header length, an ASCII Python dict literal
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (784, 512), }} padded with spaces and a
 * newline so the data starts at a multiple of 64, then the elements in C order.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** A decoded array: its dtype descriptor, shape, and raw little-endian element bytes. */
    public record Array(String descr, int[] shape, byte[] data) {
        public float[] floats(String where) {
            if (!descr.equals("<f4")) {
                throw new GradstepException(where + ": dtype " + descr + ", expected float32 ('<f4')");
            }
            float[] f = new float[data.length / 4];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
            return f;
        }

        public long[] longs(String where) {
            if (!descr.equals("<i8")) {
                throw new GradstepException(where + ": dtype " + descr + ", expected int64 ('<i8')");
            }
            long[] v = new long[data.length / 8];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
            return v;
        }

        public int[] ints(String where) {
            if (!descr.equals("<i4")) {
                throw new GradstepException(where + ": dtype " + descr + ", expected int32 ('<i4')");
            }
            int[] v = new int[data.length / 4];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(v);
            return v;
        }

        public String string(String where) {
            if (!descr.startsWith("|S") || shape.length != 0) {
                throw new GradstepException(where + ": dtype " + descr + " shape " + shapeString(shape)
                        + ", expected a byte string ('|S', shape ())");
            }
            int end = data.length;
            while (end > 0 && data[end - 1] == 0) {
                end--;
            }
            return new String(data, 0, end, StandardCharsets.US_ASCII);
        }
    }

    public static byte[] floats(int[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return encode("<f4", shape, b.array());
    }

    public static byte[] ints(int[] shape, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return encode("<i4", shape, b.array());
    }

    public static byte[] longs(int[] shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return encode("<i8", shape, b.array());
    }

    /** A 0-d byte-string array, which numpy shows as {@code array(b'...', dtype='|S…')}. */
    public static byte[] string(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        return encode("|S" + Math.max(1, bytes.length), new int[0], bytes.length == 0 ? new byte[1] : bytes);
    }

    static String shapeString(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(')').toString();
    }

    static byte[] encode(String descr, int[] shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeString(shape) + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
        return b.array();
    }

    /** Parses one {@code .npy} file's bytes; {@code where} names it in messages. */
    public static Array decode(byte[] bytes, String where) {
        if (bytes.length < 10) {
            throw new GradstepException(where + ": truncated .npy (" + bytes.length + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new GradstepException(where + ": not a .npy array (bad magic)");
            }
        }
        int major = bytes[6] & 0xff;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int start;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new GradstepException(where + ": truncated .npy header");
            }
            headerLen = b.getInt(8) & 0xffffffffL;
            start = 12;
        } else {
            throw new GradstepException(where + ": unsupported .npy version " + major);
        }
        if (start + headerLen > bytes.length) {
            throw new GradstepException(where + ": truncated .npy header: expected " + (start + headerLen)
                    + " bytes, got " + bytes.length);
        }
        String header = new String(bytes, start, (int) headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new GradstepException(where + ": .npy header is not a numpy header dict: " + header.strip());
        }
        if (f.group(1).equals("True")) {
            throw new GradstepException(where + ": Fortran-ordered arrays are not supported");
        }
        int[] shape = parseShape(s.group(1), where);
        String descr = d.group(1);
        int itemSize = itemSize(descr, where);
        long elements = 1;
        for (int dim : shape) {
            elements *= dim;
            if (elements > Integer.MAX_VALUE) {
                throw new GradstepException(where + ": shape " + shapeString(shape) + " is too large");
            }
        }
        long expected = elements * itemSize;
        long got = bytes.length - start - headerLen;
        if (got != expected) {
            throw new GradstepException(where + ": shape " + shapeString(shape) + " of " + descr + " needs " + expected
                    + " data bytes, the file has " + got);
        }
        byte[] data = java.util.Arrays.copyOfRange(bytes, (int) (start + headerLen), bytes.length);
        return new Array(descr, shape, data);
    }

    private static int[] parseShape(String inner, String where) {
        String t = inner.trim();
        if (t.isEmpty()) {
            return new int[0];
        }
        String[] parts = t.split(",");
        int n = parts[parts.length - 1].isBlank() ? parts.length - 1 : parts.length;
        int[] shape = new int[n];
        for (int i = 0; i < n; i++) {
            try {
                shape[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new GradstepException(where + ": bad shape (" + inner + ")");
            }
            if (shape[i] < 0) {
                throw new GradstepException(where + ": negative dimension in shape (" + inner + ")");
            }
        }
        return shape;
    }

    private static int itemSize(String descr, String where) {
        if (descr.equals("<f4") || descr.equals("<i4")) {
            return 4;
        }
        if (descr.equals("<i8")) {
            return 8;
        }
        if (descr.startsWith("|S")) {
            try {
                int n = Integer.parseInt(descr.substring(2));
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new GradstepException(where + ": unsupported dtype '" + descr + "' (gradstep reads <f4, <i4, <i8 and |S)");
    }
}
