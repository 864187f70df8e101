package gradstep.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradstep.engine.GradstepException;
import gradstep.engine.model.Model;
import gradstep.engine.model.ModelSpec;
import gradstep.engine.optim.RmsProp;
import gradstep.engine.optim.Sgd;
import gradstep.engine.train.ImageData;
import gradstep.engine.train.Synthetic;
import gradstep.engine.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    static final ImageData DATA = Synthetic.bars(100, 8, 5);

    static Trainer trainer(String spec, long seed) {
        Model m = Model.build(ModelSpec.parse(spec), 8, 8, 1, 10, seed);
        return new Trainer(m, new RmsProp(0.01, 0.9, 0.5, 1e-7), DATA, 16, seed);
    }

    @Test
    void resumingFromACheckpointEndsBitIdenticalToAnUninterruptedRun() {
        Trainer straight = trainer("conv3x3,pool2,flatten,dense10", 3);
        for (int i = 0; i < 17; i++) {
            straight.step();
        }
        Trainer first = trainer("conv3x3,pool2,flatten,dense10", 3);
        for (int i = 0; i < 9; i++) { // crosses the end of epoch 1 (7 steps)
            first.step();
        }
        Path file = Checkpoint.save(dir, first, 8, 8, 1, 3);
        assertEquals("ckpt-000000009.npz", file.getFileName().toString());
        Trainer resumed = trainer("conv3x3,pool2,flatten,dense10", 99); // other initial weights: all overwritten
        Checkpoint.Loaded c = Checkpoint.latest(dir, n -> { });
        Checkpoint.restore(c, resumed.model(), resumed.optimizer(), resumed);
        assertEquals(9, resumed.globalStep());
        assertEquals(2, resumed.epoch());
        for (int i = 9; i < 17; i++) {
            resumed.step();
        }
        for (int p = 0; p < straight.model().params().size(); p++) {
            assertArrayEquals(straight.model().params().get(p).value(), resumed.model().params().get(p).value(), "parameter " + p);
        }
    }

    @Test
    void onlyTheNewestKAreKept() throws IOException {
        Trainer t = trainer("dense8,dense10", 1);
        for (int i = 0; i < 5; i++) {
            t.step();
            Checkpoint.save(dir, t, 8, 8, 1, 2);
        }
        assertEquals(List.of("ckpt-000000005.npz", "ckpt-000000004.npz"),
                Checkpoint.list(dir).stream().map(p -> p.getFileName().toString()).toList());
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary files left");
        }
    }

    @Test
    void aDamagedNewestCheckpointFallsBackToTheOlderOneAndSaysSo() throws IOException {
        Trainer t = trainer("dense8,dense10", 1);
        t.step();
        Checkpoint.save(dir, t, 8, 8, 1, 3);
        t.step();
        Path newest = Checkpoint.save(dir, t, 8, 8, 1, 3);
        byte[] all = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(all, all.length / 2));
        List<String> notes = new ArrayList<>();
        Checkpoint.Loaded c = Checkpoint.latest(dir, notes::add);
        assertEquals(1, c.globalStep());
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).startsWith("gradstep: checkpoint ckpt-000000002.npz is unusable ("), notes.get(0));
        assertTrue(notes.get(0).endsWith("; resuming from the older ckpt-000000001.npz"), notes.get(0));
    }

    @Test
    void aCheckpointOfAnotherModelOrOptimizerIsRefused() {
        Trainer t = trainer("dense8,dense10", 1);
        t.step();
        Checkpoint.save(dir, t, 8, 8, 1, 3);
        Checkpoint.Loaded c = Checkpoint.latest(dir, n -> { });
        Trainer other = trainer("dense16,dense10", 1);
        String msg = assertThrows(GradstepException.class, () -> Checkpoint.restore(c, other.model(), other.optimizer(), other)).getMessage();
        assertTrue(msg.endsWith(": written for model 'dense8,dense10', this run is 'dense16,dense10'"), msg);
        Model m = Model.build(ModelSpec.parse("dense8,dense10"), 8, 8, 1, 10, 1);
        Trainer sgd = new Trainer(m, new Sgd(0.1, 0), DATA, 16, 1);
        msg = assertThrows(GradstepException.class, () -> Checkpoint.restore(c, sgd.model(), sgd.optimizer(), sgd)).getMessage();
        assertTrue(msg.contains("written with RMSprop(lr=0.01, rho=0.9, momentum=0.5, epsilon=1e-7), this run asks for SGD(lr=0.1"), msg);
    }

    @Test
    void noCheckpointOrOnlyBadOnes() throws IOException {
        assertEquals("--resume " + dir + ": no checkpoint (ckpt-*.npz) there",
                assertThrows(GradstepException.class, () -> Checkpoint.latest(dir, n -> { })).getMessage());
        Files.writeString(dir.resolve("ckpt-000000003.npz"), "not a zip");
        String msg = assertThrows(GradstepException.class, () -> Checkpoint.latest(dir, n -> { })).getMessage();
        assertTrue(msg.startsWith("--resume " + dir + ": no usable checkpoint: checkpoint ckpt-000000003.npz is unusable"), msg);
    }

    @Test
    void aWeightsFileIsNotACheckpoint() {
        Path f = dir.resolve("ckpt-000000001.npz");
        WeightsFile.save(Model.build(ModelSpec.parse("dense8,dense10"), 8, 8, 1, 10, 1), 8, 8, 1, f);
        String msg = assertThrows(GradstepException.class, () -> Checkpoint.read(f)).getMessage();
        assertEquals(f + ": no gradstep/optimizer array; not a gradstep checkpoint", msg);
    }
}
