package gradstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: outputs, exit codes and one-line errors. */
public class MainTest {
    @TempDir
    Path dir;

    /** A finished run: exit status, standard output and standard error (also for tests in other packages). */
    public record Run(int status, String out, String err) {
        public String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    public static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int status = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(status, out.toString(), err.toString());
    }

    static void assertUserError(Run r, String expectedStart) {
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith(expectedStart), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertEquals(1, r.err().strip().split("\n").length, "one line: " + r.err());
    }

    @Test
    void trainSaveAndEvalAgree() {
        Path weights = dir.resolve("small.npz");
        Run train = run("train", "--model", "dense32,dense10", "--epochs", "2", "--limit", "6000", "--save", weights.toString());
        assertEquals(0, train.status(), train.err());
        assertTrue(train.lastLine().matches("test: loss=\\d+\\.\\d{4} accuracy=0\\.\\d{4}"), train.lastLine());
        assertTrue(train.out().contains("Epoch 2/2 - 47/47 ["), train.out());
        assertTrue(Files.exists(weights));
        Run eval = run("eval", "--load", weights.toString());
        assertEquals(0, eval.status(), eval.err());
        assertEquals(train.lastLine(), eval.lastLine());
        double accuracy = Double.parseDouble(eval.lastLine().replaceAll(".*accuracy=", ""));
        assertTrue(accuracy > 0.85, "6000 images, two epochs, should already reach 85%: " + accuracy);
    }

    @Test
    void mistakesGiveOneLineAndExitTwo() {
        assertUserError(run("train", "--model", "conv32x3,poo2,flatten,dense10"),
                "gradstep: error: bad model spec 'conv32x3,poo2,flatten,dense10': token 2 'poo2' is not a layer");
        assertUserError(run("train", "--batch-size", "0", "--limit", "10"), "gradstep: error: --batch-size must be at least 1, got 0");
        assertUserError(run("train", "--lr", "-0.5", "--limit", "10"), "gradstep: error: --lr must be positive, got -0.5");
        assertUserError(run("train", "--optimizer", "adam"), "gradstep: error: unknown --optimizer 'adam' (use rmsprop or sgd)");
        assertUserError(run("train", "--save", dir.resolve("nope/w.npz").toString()),
                "gradstep: error: cannot write " + dir.resolve("nope/w.npz") + ": folder ");
        assertUserError(run("train", "--data-dir", dir.resolve("missing").toString()),
                "gradstep: error: --data-dir " + dir.resolve("missing") + ": no such folder");
        assertUserError(run("eval", "--load", dir.resolve("none.npz").toString()),
                "gradstep: error: " + dir.resolve("none.npz") + ": no such file");
    }

    @Test
    void picocliUsageErrorsAlsoExitTwo() {
        Run r = run("train", "--epochz=3");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("Unknown option: '--epochz=3'"), r.err());
        Run help = run("train", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--model=mlp|cnn|SPEC"), help.out());
        assertTrue(help.out().contains("cnn = conv32x3,pool2,conv64x3,pool2,conv64x3,flatten,dense64,dense10"));
    }

    @Test
    void kernelsListsEveryOpAndShowsItsOpenCl() {
        Run list = run("kernels");
        assertEquals(0, list.status(), list.err());
        assertTrue(list.out().contains("rmspropUpdate") && list.out().contains("mirrors RmsProp.rmspropUpdate"), list.out());
        Run show = run("kernels", "--show", "matmul");
        assertEquals(0, show.status(), show.err());
        assertTrue(show.out().contains("void gradstep_kernels_TrainingKernel__matmul(This *this)"), show.out());
        assertTrue(show.out().contains("barrier(CLK_LOCAL_MEM_FENCE)"), "tiled with local memory: " + show.out());
        assertUserError(run("kernels", "--show", "nosuch"), "gradstep: error: no kernel 'nosuch'");
    }

    @Test
    void benchPrintsARowPerBackend() {
        Run r = run("bench", "--model", "mlp", "--backend", "java", "--steps", "3", "--warmup", "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("java\\s+\\d+\\s+[\\d.]+\\s+.*0 B\\s+0 B\\s+java, \\d threads?")), r.out());
    }

    @Test
    void unknownBackendIsAUserError() {
        assertUserError(run("train", "--backend", "cuda", "--limit", "10"),
                "gradstep: error: unknown --backend 'cuda' (use auto, gpu, opencl-cpu, jtp, java, reference)");
    }
}
