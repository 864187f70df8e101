package gradstep.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradstep.engine.GradstepException;
import gradstep.engine.model.Model;
import gradstep.engine.model.ModelSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsFileTest {
    @TempDir
    Path dir;

    static Model cnn(long seed) {
        return Model.build(ModelSpec.parse("cnn"), 28, 28, 1, 10, seed);
    }

    @Test
    void roundTripRebuildsTheModelAndItsWeights() throws IOException {
        Model m = cnn(3);
        Path f = dir.resolve("cnn.npz");
        WeightsFile.save(m, 28, 28, 1, f);
        Model back = WeightsFile.load(f);
        assertEquals(m.spec(), back.spec());
        for (int i = 0; i < m.params().size(); i++) {
            assertArrayEquals(m.params().get(i).value(), back.params().get(i).value());
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void npyHeaderIsWhatNumpyWrites() {
        byte[] npy = Npy.floats(new int[]{784, 512}, new float[784 * 512]);
        String header = new String(npy, 10, 118, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (784, 512), }"), header);
        assertEquals(128, 10 + (npy[8] & 0xff), "data starts at a multiple of 64");
        assertEquals('\n', npy[127]);
        Npy.Array back = Npy.decode(npy, "x");
        assertArrayEquals(new int[]{784, 512}, back.shape());
        assertEquals("(10,)", Npy.shapeString(new int[]{10}));
    }

    @Test
    void wrongShapeIsReportedPrecisely() {
        Path f = dir.resolve("mlp.npz");
        WeightsFile.save(Model.build(ModelSpec.parse("mlp"), 28, 28, 1, 10, 1), 28, 28, 1, f);
        Model other = Model.build(ModelSpec.parse("dense256,dense10"), 28, 28, 1, 10, 1);
        String msg = assertThrows(GradstepException.class, () -> WeightsFile.loadInto(other, f)).getMessage();
        assertEquals(f + ": dense_1/kernel has shape (784, 512), model 'dense256,dense10' needs (784, 256)", msg);
    }

    @Test
    void missingAndUnexpectedArrays() {
        Model m = Model.build(ModelSpec.parse("mlp"), 28, 28, 1, 10, 1);
        Path f = dir.resolve("partial.npz");
        Map<String, byte[]> arrays = new LinkedHashMap<>();
        arrays.put("dense_1/kernel", Npy.floats(new int[]{784, 512}, new float[784 * 512]));
        Npz.write(f, arrays);
        assertEquals(f + ": missing dense_1/bias (512,) for model 'dense512,dense10'",
                assertThrows(GradstepException.class, () -> WeightsFile.loadInto(m, f)).getMessage());
        assertEquals(f + ": no gradstep/spec array; not a gradstep weights file",
                assertThrows(GradstepException.class, () -> WeightsFile.load(f)).getMessage());
    }

    @Test
    void damagedFilesGiveOneLineErrors() throws IOException {
        Path f = dir.resolve("m.npz");
        WeightsFile.save(Model.build(ModelSpec.parse("mlp"), 28, 28, 1, 10, 1), 28, 28, 1, f);
        byte[] all = Files.readAllBytes(f);
        Path cut = Files.write(dir.resolve("cut.npz"), java.util.Arrays.copyOf(all, all.length / 3));
        String msg = assertThrows(GradstepException.class, () -> WeightsFile.load(cut)).getMessage();
        assertTrue(msg.startsWith(cut.toString() + ":"), msg);
        assertFalse(msg.contains("\n"));
        Path text = Files.writeString(dir.resolve("t.npz"), "hello");
        assertEquals(text + ": not a .npz archive (no arrays found)",
                assertThrows(GradstepException.class, () -> WeightsFile.load(text)).getMessage());
        assertEquals(dir.resolve("none.npz") + ": no such file",
                assertThrows(GradstepException.class, () -> WeightsFile.load(dir.resolve("none.npz"))).getMessage());
    }

    @Test
    void saveIntoMissingFolderFailsCleanly() {
        Path f = dir.resolve("no/such/dir/m.npz");
        String msg = assertThrows(GradstepException.class,
                () -> WeightsFile.save(cnn(1), 28, 28, 1, f)).getMessage();
        assertTrue(msg.startsWith("cannot write " + f + ": folder "), msg);
    }
}
