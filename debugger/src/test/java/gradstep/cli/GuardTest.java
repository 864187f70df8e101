package gradstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NaN and Inf in training, and the mistakes a user makes on the command line. */
class GuardTest {
    @TempDir
    Path dir;

    @Test
    void aNanStopsTheRunNamingStepAndTensorAndKeepsTheCheckpoint() {
        Path ck = dir.resolve("ck");
        // SGD with an absurd rate: the weights overflow, then the loss and the gradients are NaN/Inf.
        MainTest.Run r = MainTest.run("train", "--model", "dense16,dense10", "--limit", "640", "--optimizer", "sgd", "--lr", "1e38",
                "--checkpoint", ck.toString(), "--every", "1", "--epochs", "1");
        assertEquals(2, r.status(), r.out());
        String err = r.err().strip();
        assertTrue(err.matches("gradstep: error: step \\d+ \\(epoch 1, batch \\d+\\): NaN or Inf in (the loss \\(.*\\)|gradient of dense_\\d/\\w+);"
                + " stopped before the update; the last good checkpoint is .*ckpt-\\d{9}\\.npz"), err);
        assertEquals(1, err.split("\n").length);
    }

    @Test
    void skipBatchSkipsAndFinishes() {
        MainTest.Run r = MainTest.run("train", "--model", "dense16,dense10", "--limit", "640", "--optimizer", "sgd", "--lr", "1e38",
                "--on-nan", "skip-batch", "--epochs", "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("; batch skipped, parameters unchanged"), r.err());
        assertTrue(r.out().matches("(?s).*trained 1 epochs in .*, \\d+ batches skipped for NaN/Inf.*"), r.out());
    }

    @Test
    void commandLineMistakesGiveOneLineAndExitTwo() {
        MainTest.assertUserError(MainTest.run("train", "--model", "resnet50"),
                "gradstep: error: bad model spec 'resnet50': token 1 'resnet50' is not a layer");
        MainTest.assertUserError(MainTest.run("train", "--every", "often"),
                "gradstep: error: --every must be a number of steps or 'epoch', got 'often'");
        MainTest.assertUserError(MainTest.run("train", "--on-nan", "ignore"), "gradstep: error: --on-nan must be stop or skip-batch");
        MainTest.assertUserError(MainTest.run("train", "--resume", dir.toString()),
                "gradstep: error: --resume " + dir + ": no checkpoint (ckpt-*.npz) there");
        MainTest.assertUserError(MainTest.run("train", "--keep", "0"), "gradstep: error: --keep must be at least 1, got 0");
        MainTest.assertUserError(MainTest.run("train", "--epochs", "0"), "gradstep: error: --epochs must be at least 1, got 0");
        MainTest.assertUserError(MainTest.run("train", "--model", "cnn", "--batch-size", "60000"),
                "gradstep: error: model 'conv32x3,pool2,conv64x3,pool2,conv64x3,flatten,dense64,dense10' at batch 60000 needs about");
        MainTest.assertUserError(MainTest.run("debug", "--script", dir.resolve("none.txt").toString()),
                "gradstep: error: --script " + dir.resolve("none.txt") + ": no such file");
        MainTest.assertUserError(MainTest.run("debug", "--commands", "step 2; jump 3"),
                "gradstep: error: --commands line 1: 'jump 3': unknown command");
        MainTest.assertUserError(MainTest.run("eval", "--load", dir.toString()), "gradstep: error: " + dir + ": no such file");
    }
}
