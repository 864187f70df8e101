package gradstep.debugger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradstep.engine.GradstepException;
import gradstep.engine.io.Npy;
import gradstep.engine.io.Npz;
import gradstep.engine.layers.Param;
import gradstep.engine.optim.RmsProp;
import gradstep.engine.optim.Sgd;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTest {
    @TempDir
    Path dir;

    static String script(Session s, String commands) {
        StringWriter out = new StringWriter();
        Script.parse(commands, "test").run(s, new PrintWriter(out), 100);
        return out.toString();
    }

    static List<float[]> params(Session s) {
        return s.model().params().stream().map(p -> p.value().clone()).toList();
    }

    @Test
    void eachMicroStepAdvancesToTheNextOne() {
        Session s = Session0();
        String out = script(s, "micro; show status; micro 2; micro 3; micro");
        assertTrue(out.contains("epoch 1/2  step 1/8 (0 done)  next: forward dense_2"), out);
        assertTrue(out.contains("plan: forward dense_1, [forward dense_2], loss,"), out);
        assertTrue(out.contains("next: backward dense_2"), out);
        assertTrue(out.contains("next: update dense_2"), out);
        assertTrue(out.contains("epoch 1/2  step 2/8 (1 done)  next: forward dense_1"), out);
    }

    private static Session Session0() {
        return Fixtures.session("mlp", new RmsProp(), 128, 1024);
    }

    /** The inspector's printed numbers for the selected element satisfy the lab's three equations. */
    @Test
    void rmspropInspectorNumbersSatisfyTheThreeEquations() {
        double lr = 0.002, rho = 0.8, beta = 0.5, eps = 1e-7;
        Session s = Fixtures.session("dense64,dense10", new RmsProp(lr, rho, beta, eps), 64, 1024);
        String out = script(s, "step 3; select dense_1 25605; show rmsprop; select dense_2/bias 7; show rmsprop");
        Matcher m = Pattern.compile("g\\s+= (\\S+)\\n\\s+m_\\{t-1\\} = (\\S+)\\s+b_\\{t-1\\} = (\\S+)\\s+θ_\\{t-1\\} = (\\S+)\\n"
                + ".*?= (\\S+)\\n.*?= (\\S+)\\n.*?= (\\S+)\\n", Pattern.DOTALL).matcher(out);
        int found = 0;
        while (m.find()) {
            double g = Double.parseDouble(m.group(1)), m0 = Double.parseDouble(m.group(2)), b0 = Double.parseDouble(m.group(3));
            double t0 = Double.parseDouble(m.group(4)), m1 = Double.parseDouble(m.group(5)), b1 = Double.parseDouble(m.group(6));
            double t1 = Double.parseDouble(m.group(7));
            assertTrue(g != 0 && m0 != 0 && b0 != 0, "a moving element with history: " + m.group());
            assertEquals(rho * m0 + (1 - rho) * g * g, m1, 1e-6 * Math.abs(m1), "m_t");
            assertEquals(beta * b0 + lr * g / Math.sqrt(m1 + eps), b1, 1e-5 * Math.abs(b1), "b_t");
            assertEquals(t0 - b1, t1, 1e-6 * Math.max(Math.abs(t1), 1e-3), "θ_t");
            found++;
        }
        assertEquals(2, found, out);
        assertTrue(out.contains("element dense_1/kernel[25605] at (400, 5) of (784, 64)"), out);
        assertTrue(out.contains("element dense_2/bias[7] at (7) of (10,)"), out);
    }

    @Test
    void sgdInspectorShowsSgdsEquation() {
        Session s = Fixtures.session("dense16,dense10", new Sgd(0.1, 0.9), 64, 512);
        String out = script(s, "step 2; show rmsprop");
        assertTrue(out.contains("SGD inspector"), out);
        assertTrue(out.contains("b_t = β·b_{t-1} + α·g"), out);
    }

    @Test
    void stepBackRestoresParametersBitForBitAndReplaysTheSameBatches() {
        Session s = Session0();
        s.steps(3);
        List<float[]> at3 = params(s);
        s.steps(3);
        List<float[]> at6 = params(s);
        s.micro(2); // part of step 7
        assertEquals(4, s.back(4), "back 4 from inside step 7 is the start of step 4");
        assertEquals(3, s.trainer().globalStep());
        List<float[]> back = params(s);
        for (int i = 0; i < at3.size(); i++) {
            assertArrayEquals(at3.get(i), back.get(i), "parameter " + i + " after stepping back");
        }
        assertEquals(3, s.results().size());
        s.steps(3);
        List<float[]> again = params(s);
        for (int i = 0; i < at6.size(); i++) {
            assertArrayEquals(at6.get(i), again.get(i), "parameter " + i + " after replaying");
        }
        RmsProp opt = (RmsProp) s.optimizer();
        assertNotNull(opt.state(s.model().params().get(0), "m"));
    }

    @Test
    void stepBackAcrossAnEpochAndAtMostHistory() {
        Session s = Fixtures.session("dense16,dense10", new RmsProp(), 128, 512); // 4 steps an epoch
        s.steps(6);
        assertEquals(2, s.trainer().epoch());
        assertEquals(1, s.testAccuracy().size(), "test accuracy after epoch 1");
        s.back(3);
        assertEquals(1, s.trainer().epoch());
        assertEquals(3, s.trainer().globalStep());
        assertTrue(s.testAccuracy().isEmpty());
        assertEquals(0, Session0().back(1), "nothing to step back to at the start");
    }

    @Test
    void nanBreakpointStopsOnAModelMadeToProduceOne() {
        // SGD with an absurd learning rate: the first update overflows the weights to ±Inf.
        Session s = Fixtures.session("dense16,dense10", new Sgd(1e38, 0), 64, 512);
        s.addBreakpoint(Breakpoint.parse("nan"));
        Session.Stop stop = s.run();
        assertNotNull(stop);
        assertTrue(stop.breakpoint());
        // The weights become huge but finite after the first update; the second forward overflows.
        assertTrue(stop.reason().startsWith("NaN/Inf in activation of dense_2 (step 2, after forward dense_2)"), stop.reason());
    }

    @Test
    void lossRiseGradNormAndStepBreakpoints() {
        Session s = Session0();
        s.addBreakpoint(Breakpoint.parse("step 3"));
        Session.Stop stop = s.run();
        assertEquals("reached step 3", stop.reason());
        s.clearBreakpoints();
        s.addBreakpoint(Breakpoint.parse("grad-above dense_2 1e-9"));
        stop = s.run();
        assertTrue(stop.reason().startsWith("gradient norm of dense_2 is "), stop.reason());
        s.clearBreakpoints();
        s.addBreakpoint(Breakpoint.parse("grad-below 1e9"));
        // every layer: the run resumes inside step 4, after dense_2's backward, so dense_1 is the next checked
        assertTrue(s.run().reason().startsWith("gradient norm of dense_1 is "), "every layer");
        assertThrows(GradstepException.class, () -> s.addBreakpoint(Breakpoint.parse("grad-above dense_9 1")));
        assertEquals("bad breakpoint 'nanx'; use " + Breakpoint.SYNTAX,
                assertThrows(GradstepException.class, () -> Breakpoint.parse("nanx")).getMessage());
        // A rise: SGD with a large rate makes the loss jump.
        Session jumpy = Fixtures.session("dense64,dense10", new Sgd(5, 0), 64, 1024);
        jumpy.addBreakpoint(Breakpoint.parse("loss-rise 1.5"));
        Session.Stop rise = jumpy.run();
        assertTrue(rise != null && rise.reason().startsWith("loss rose from "), String.valueOf(rise));
    }

    @Test
    void dumpWritesBatchParametersGradientsAndState() {
        Session s = Fixtures.session("dense16,dense10", new RmsProp(), 32, 512);
        Path f = dir.resolve("dump.npz");
        script(s, "step 2; dump " + f);
        Map<String, Npy.Array> a = Npz.read(f);
        assertArrayEquals(new int[]{32, 784}, a.get("batch/images").shape());
        assertArrayEquals(new int[]{32}, a.get("batch/labels").shape());
        for (Param p : s.model().params()) {
            for (String suffix : new String[]{"", ":grad", ":rms", ":mom"}) {
                assertTrue(a.containsKey(p.name() + suffix), p.name() + suffix + " in " + a.keySet());
            }
            assertArrayEquals(p.grad(), a.get(p.name() + ":grad").floats("grad"));
            assertArrayEquals(((RmsProp) s.optimizer()).state(p, "m"), a.get(p.name() + ":rms").floats("rms"));
        }
        // The labels are the batch's: the images of the last step, as the model saw them.
        assertArrayEquals(s.backend().labels(), a.get("batch/labels").ints("labels"));
    }

    @Test
    void scriptMistakesAreFoundBeforeAnythingRuns() {
        GradstepException e = assertThrows(GradstepException.class, () -> Script.parse("step 2\nstpe 3", "notes.txt"));
        assertEquals("notes.txt line 2: 'stpe 3': unknown command; commands: step, micro, epoch, run, back, show, select, break, dump",
                e.getMessage());
        assertThrows(GradstepException.class, () -> Script.parse("step -1", "x"));
        assertThrows(GradstepException.class, () -> Script.parse("show nothing", "x"));
        assertThrows(GradstepException.class, () -> Script.parse("break grad-above x y z", "x"));
    }

    @Test
    void layersTableShowsEveryColumn() {
        Session s = Fixtures.session("cnn", new RmsProp(), 32, 256);
        String out = script(s, "step 2; show layers");
        assertTrue(out.contains("layer           output     params   mean   std dead   |grad| |update|   u/θ"), out);
        assertTrue(out.contains("conv2d_1        26x26x32      320"), out);
        assertTrue(out.contains("max_pooling2d_1 13x13x32        0"), out);
        assertFalse(s.layerStats().get(0).ratioLog10() > 0, "updates are smaller than the weights");
    }
}
