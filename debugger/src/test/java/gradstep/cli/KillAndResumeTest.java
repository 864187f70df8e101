package gradstep.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradstep.engine.io.Checkpoint;
import gradstep.engine.io.Npy;
import gradstep.engine.io.Npz;
import gradstep.engine.util.Rng;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training run killed with SIGKILL at a random moment and resumed ends with the same weights, bit for
 * bit, as a run that was never interrupted (reference backend).
 */
class KillAndResumeTest {
    @TempDir
    Path dir;

    static final String[] RUN = {"train", "--backend", "reference", "--model", "dense32,dense10", "--limit", "6400",
            "--epochs", "3", "--batch-size", "32", "--threads", "2"};

    static Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(RUN));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    static void run(String... args) throws Exception {
        Process p = start(args);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "run finished");
        assertEquals(0, p.exitValue());
    }

    @Test
    void killedAtRandomMomentsAndResumedEndsBitIdentical() throws Exception {
        Path straight = dir.resolve("straight.npz");
        run("--save", straight.toString());
        Map<String, Npy.Array> expected = Npz.read(straight);
        Rng rng = new Rng(2026);
        int killedMidRun = 0;
        for (int attempt = 0; attempt < 3; attempt++) {
            Path ckpt = dir.resolve("ckpt" + attempt);
            Process p = start("--checkpoint", ckpt.toString(), "--every", "9");
            // wait for the first checkpoint, then a random while, then SIGKILL
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Checkpoint.list(ckpt).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(rng.nextInt(700));
            boolean killed = p.isAlive();
            p.destroyForcibly(); // SIGKILL on Linux
            p.waitFor(10, TimeUnit.SECONDS);
            Path resumed = dir.resolve("resumed" + attempt + ".npz");
            run("--resume", ckpt.toString(), "--every", "9", "--save", resumed.toString());
            Map<String, Npy.Array> got = Npz.read(resumed);
            for (String k : expected.keySet()) {
                if (!k.startsWith("gradstep/")) {
                    assertArrayEquals(expected.get(k).floats(k), got.get(k).floats(k), k + " after kill " + attempt
                            + (killed ? "" : " (the run had finished before the kill)"));
                }
            }
            killedMidRun += killed ? 1 : 0;
            System.out.println("kill-and-resume " + (attempt + 1) + ": " + (killed ? "killed mid-run" : "finished before the kill")
                    + ", resumed from " + Checkpoint.list(ckpt).size() + " checkpoints kept; final weights bit-identical");
        }
        assertTrue(killedMidRun >= 2, "most kills must land while training runs: " + killedMidRun);
        assertTrue(new File(dir.toFile(), "ckpt0").isDirectory());
    }
}
