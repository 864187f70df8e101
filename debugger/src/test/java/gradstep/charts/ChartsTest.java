package gradstep.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradstep.cli.MainTest;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --log, plot and report, end to end: the CSV's columns and values, and PNGs that decode at their size. */
class ChartsTest {
    @TempDir
    Path dir;

    @Test
    void logColumnsAndValuesMatchTheRun() throws Exception {
        Path csv = dir.resolve("run.csv");
        MainTest.Run r = MainTest.run("train", "--model", "conv4x3,pool2,flatten,dense10", "--limit", "640",
                "--epochs", "2", "--batch-size", "64", "--log", csv.toString());
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals("kind,epoch,step,global_step,loss,accuracy,learning_rate,test_loss,test_accuracy,"
                + "conv2d_1:grad_norm,conv2d_1:update_norm,conv2d_1:update_ratio,dense_1:grad_norm,dense_1:update_norm,"
                + "dense_1:update_ratio", lines.get(0));
        assertEquals(1 + 20 + 2, lines.size(), "20 steps and 2 epochs");
        RunLog log = RunLog.read(csv);
        assertEquals(List.of("conv2d_1", "dense_1"), log.layers());
        double[] steps = log.steps().get("global_step");
        for (int i = 0; i < steps.length; i++) {
            assertEquals(i + 1, steps[i]);
            assertEquals(0.001, log.steps().get("learning_rate")[i], 1e-12);
            double g = log.steps().get("dense_1:grad_norm")[i], u = log.steps().get("dense_1:update_norm")[i];
            assertTrue(g > 0 && u > 0, "norms are positive");
        }
        // the last epoch row is the run's test result, printed as the last line
        double acc = log.epochs().get("test_accuracy")[1];
        assertEquals(Double.parseDouble(r.lastLine().replaceAll(".*accuracy=", "")), acc, 1e-4);
        // loss falls: the last five steps' mean below the first five's
        double[] loss = log.steps().get("loss");
        assertTrue(loss[15] + loss[16] + loss[17] + loss[18] + loss[19] < loss[0] + loss[1] + loss[2] + loss[3] + loss[4]);
    }

    @Test
    void plotAndReportWritePngsOfTheirSize() throws Exception {
        Path a = dir.resolve("rmsprop.csv"), b = dir.resolve("sgd.csv"), w = dir.resolve("w.npz");
        assertEquals(0, MainTest.run("train", "--model", "dense16,dense10", "--limit", "1280", "--epochs", "2", "--log",
                a.toString(), "--save", w.toString()).status());
        assertEquals(0, MainTest.run("train", "--model", "dense16,dense10", "--limit", "1280", "--epochs", "2", "--optimizer",
                "sgd", "--lr", "0.1", "--log", b.toString()).status());
        Path charts = dir.resolve("charts");
        MainTest.Run p = MainTest.run("plot", a.toString(), "--compare", b.toString(), "--out", charts.toString());
        assertEquals(0, p.status(), p.err());
        for (String name : List.of("loss", "accuracy", "gradient_norms", "update_ratios")) {
            BufferedImage img = ImageIO.read(charts.resolve(name + ".png").toFile());
            assertEquals(Plots.WIDTH, img.getWidth(), name);
            assertEquals(Plots.HEIGHT, img.getHeight(), name);
        }
        Path report = dir.resolve("report");
        MainTest.Run rep = MainTest.run("report", "--load", w.toString(), "--out", report.toString());
        assertEquals(0, rep.status(), rep.err());
        BufferedImage cm = ImageIO.read(report.resolve("confusion_matrix.png").toFile());
        assertEquals(90 + 10 * Report.CELL + 20, cm.getWidth());
        BufferedImage mis = ImageIO.read(report.resolve("misclassified.png").toFile());
        assertEquals(Report.GRID * (28 * Report.DIGIT_SCALE + 12) + 12, mis.getWidth());
    }

    @Test
    void aFileThatIsNotALogIsRefused() throws Exception {
        Path f = Files.writeString(dir.resolve("x.csv"), "a,b\n1,2\n");
        MainTest.Run r = MainTest.run("plot", f.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("gradstep: error: " + f + ": not a gradstep training log"), r.err());
    }

    @Test
    void theDebuggerLogsTheStepsItRuns() throws Exception {
        Path csv = dir.resolve("debug.csv");
        MainTest.Run r = MainTest.run("debug", "--limit", "1024", "--commands", "step 3; micro 2", "--log", csv.toString());
        assertEquals(0, r.status(), r.err());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(4, lines.size(), "header and the 3 completed steps: " + lines);
        assertTrue(lines.get(3).startsWith("step,1,3,3,"), lines.get(3));
    }
}
