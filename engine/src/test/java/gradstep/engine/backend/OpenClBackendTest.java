package gradstep.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradstep.engine.layers.Param;
import gradstep.engine.model.Model;
import gradstep.engine.model.ModelSpec;
import gradstep.engine.optim.Optimizer;
import gradstep.engine.optim.RmsProp;
import gradstep.engine.optim.Sgd;
import gradstep.engine.train.Evaluation;
import gradstep.engine.train.ImageData;
import gradstep.engine.train.StepResult;
import gradstep.engine.train.Synthetic;
import gradstep.engine.train.Trainer;
import gradstep.kernels.DeviceRunner;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Whole training runs on the OpenCL CPU device against the same runs on the reference backend: the
 * loss of every step and the parameters at the end must agree within float tolerance.
 */
class OpenClBackendTest {
    /**
     * Relative tolerance of every step's loss and of the parameters at the end. Measured here: the MLP
     * and the SGD model agree to about 1e-7 after 50 steps. The CNN with RMSprop drifts to about 5e-3:
     * where a gradient element is nearly zero, RMSprop's step α·g/sqrt(m + ε) is still about α/sqrt(1 − γ)
     * in size and its sign is set by rounding, so differences of 1e-7 in one op grow step by step.
     */
    static final double TIGHT = 1e-5;
    static final double RMSPROP_CNN = 2e-2;

    @AfterEach
    void noFault() {
        DeviceRunner.injectFault(null);
        gradstep.engine.ops.Gemm.setVectorized(false); // a fallback turned the fast products on
    }

    record Run(List<Double> losses, List<float[]> params) {
    }

    static Run train(String spec, ImageData data, int batch, int steps, Optimizer opt, boolean device, int[] bytes) {
        Model m = Model.build(ModelSpec.parse(spec), data.rows(), data.cols(), 1, 10, 3);
        Backend b = device ? new OpenClBackend("opencl-cpu", OpenCl.cpu(), m, opt, batch) : new JavaBackend(m, opt, batch);
        try (b) {
            Trainer t = new Trainer(b, data, batch, 3);
            List<Double> losses = new ArrayList<>();
            losses.add(t.step().loss());
            long to = b.bytesToDevice(), from = b.bytesFromDevice();
            for (int i = 1; i < steps; i++) {
                StepResult r = t.step();
                losses.add(r.loss());
            }
            if (bytes != null) {
                bytes[0] = (int) ((b.bytesToDevice() - to) / (steps - 1));
                bytes[1] = (int) ((b.bytesFromDevice() - from) / (steps - 1));
            }
            if (device) {
                assertTrue(((OpenClBackend) b).ranOnOpenCL(), "the kernels must have run as OpenCL, not in Java");
            }
            b.syncToHost();
            return new Run(losses, m.params().stream().map(p -> p.value().clone()).toList());
        }
    }

    static void assertClose(Run ref, Run dev, String what, double tolerance) {
        for (int i = 0; i < ref.losses().size(); i++) {
            double a = ref.losses().get(i), b = dev.losses().get(i);
            assertTrue(Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a)), what + " loss of step " + (i + 1) + ": " + a + " vs " + b);
        }
        for (int p = 0; p < ref.params().size(); p++) {
            float[] a = ref.params().get(p), b = dev.params().get(p);
            double diff = 0, norm = 0;
            for (int i = 0; i < a.length; i++) {
                diff += (a[i] - b[i]) * (a[i] - b[i]);
                norm += a[i] * a[i];
            }
            double rel = Math.sqrt(diff / norm);
            assertTrue(rel < tolerance, what + " parameter " + p + ": relative difference " + rel);
        }
    }

    @Test
    void mlpTrainsLikeTheReferenceFor50StepsAndMovesOnlyTheBatch() {
        ImageData data = Synthetic.bars(50 * 32, 28, 11);
        int[] bytes = new int[2];
        Run ref = train("mlp", data, 32, 50, new RmsProp(), false, null);
        Run dev = train("mlp", data, 32, 50, new RmsProp(), true, bytes);
        assertClose(ref, dev, "mlp", TIGHT);
        // Per step: the batch's pixels as bytes and its labels in; loss and correct (8 floats) out.
        assertEquals(32 * 784 + 32 * 4, bytes[0], "bytes to the device per step");
        assertEquals(32, bytes[1], "bytes from the device per step");
    }

    @Test
    void cnnTrainsLikeTheReferenceFor50Steps() {
        ImageData data = Synthetic.bars(50 * 16, 28, 12);
        assertClose(train("cnn", data, 16, 50, new RmsProp(), false, null),
                train("cnn", data, 16, 50, new RmsProp(), true, null), "cnn", RMSPROP_CNN);
    }

    @Test
    void sgdWithMomentumSamePaddingAndOddSizes() {
        ImageData data = Synthetic.bars(30 * 7, 13, 13);
        String spec = "conv5x3:same,pool2,conv3x2,flatten,dense9:linear,dense10";
        assertClose(train(spec, data, 7, 30, new Sgd(0.05, 0.9), false, null),
                train(spec, data, 7, 30, new Sgd(0.05, 0.9), true, null), "sgd", TIGHT);
    }

    @Test
    void evaluationOnTheDeviceMatchesTheReference() {
        ImageData data = Synthetic.bars(300, 28, 14);
        Model m = Model.build(ModelSpec.parse("cnn"), 28, 28, 1, 10, 5);
        Evaluation ref = Evaluation.of(m, data, 64);
        try (OpenClBackend b = new OpenClBackend("opencl-cpu", OpenCl.cpu(), m, null, 64)) {
            Evaluation dev = Evaluation.of(b, data);
            assertEquals(ref.correct(), dev.correct());
            assertEquals(ref.loss(), dev.loss(), 1e-4);
        }
    }

    @Test
    void aFailingKernelFallsBackToJavaWithOneLine() {
        OpenCl.cpu();
        DeviceRunner.injectFault("im2col");
        List<String> notes = new ArrayList<>();
        Model m = Model.build(ModelSpec.parse("cnn"), 28, 28, 1, 10, 1);
        Backends.Opened o = Backends.open("opencl-cpu", m, new RmsProp(), 8, notes::add);
        try (Backend b = o.backend()) {
            assertEquals(gradstep.engine.ops.Gemm.vectorApiAvailable() ? "java" : "reference", b.name());
            assertEquals(1, notes.size(), notes.toString());
            assertTrue(notes.get(0).startsWith("gradstep: kernel im2col ("), notes.get(0));
            assertTrue(notes.get(0).endsWith("; falling back to the java backend"), notes.get(0));
            assertTrue(o.line().startsWith("device: java"), o.line());
        }
    }

    @Test
    void jtpRunsTheSameKernelsInJava() {
        ImageData data = Synthetic.bars(40, 8, 15);
        Model a = Model.build(ModelSpec.parse("conv2x3,pool2,flatten,dense10"), 8, 8, 1, 10, 2);
        Model b = Model.build(ModelSpec.parse("conv2x3,pool2,flatten,dense10"), 8, 8, 1, 10, 2);
        Trainer ref = new Trainer(a, new RmsProp(), data, 8, 2);
        try (OpenClBackend jtp = new OpenClBackend("jtp", DeviceRunner.javaThreadPool(), b, new RmsProp(), 8)) {
            Trainer t = new Trainer(jtp, data, 8, 2);
            for (int i = 0; i < 3; i++) {
                assertEquals(ref.step().loss(), t.step().loss(), 1e-4);
            }
            jtp.syncToHost();
            for (int i = 0; i < a.params().size(); i++) {
                Param pa = a.params().get(i), pb = b.params().get(i);
                for (int j = 0; j < pa.size(); j++) {
                    assertEquals(pa.value()[j], pb.value()[j], 1e-4);
                }
            }
        }
    }

    /** A kernel that fails mid-run: training goes on on the java backend and ends where the reference ends. */
    @Test
    void aKernelFailingMidRunIsSurvivedWithoutLosingAStep() {
        ImageData data = Synthetic.bars(20 * 16, 28, 16);
        for (String fault : new String[]{"matmul", "rmspropUpdate"}) {
            Model ref = Model.build(ModelSpec.parse("mlp"), 28, 28, 1, 10, 4);
            Trainer r = new Trainer(ref, new RmsProp(), data, 16, 4);
            Model m = Model.build(ModelSpec.parse("mlp"), 28, 28, 1, 10, 4);
            Trainer t = new Trainer(new OpenClBackend("opencl-cpu", OpenCl.cpu(), m, new RmsProp(), 16), data, 16, 4);
            List<String> notes = new ArrayList<>();
            t.onNote(notes::add);
            for (int i = 0; i < 12; i++) {
                if (i == 5) {
                    DeviceRunner.injectFault(fault);
                }
                assertEquals(r.step().loss(), t.step().loss(), 1e-5, fault + " step " + (i + 1));
            }
            DeviceRunner.injectFault(null);
            assertEquals(gradstep.engine.ops.Gemm.vectorApiAvailable() ? "java" : "reference", t.backend().name());
            assertEquals(1, notes.size(), notes.toString());
            assertTrue(notes.get(0).startsWith("gradstep: kernel " + fault + " failed on '"), notes.get(0));
            assertTrue(notes.get(0).endsWith(fault.equals("matmul") ? "continuing on the java backend from the start of step 6"
                    : "continuing on the java backend from update dense_1"), notes.get(0));
            for (int p = 0; p < ref.params().size(); p++) {
                float[] a = ref.params().get(p).value(), b = m.params().get(p).value();
                for (int j = 0; j < a.length; j++) {
                    assertEquals(a[j], b[j], 1e-5, fault + " parameter " + p);
                }
            }
        }
    }

    @Test
    void theNanGuardFindsANonFiniteGradientOnTheDevice() {
        ImageData data = Synthetic.bars(64, 28, 17);
        Model m = Model.build(ModelSpec.parse("dense16,dense10"), 28, 28, 1, 10, 1);
        try (OpenClBackend b = new OpenClBackend("opencl-cpu", OpenCl.cpu(), m, new Sgd(1e38, 0), 16)) {
            Trainer t = new Trainer(b, data, 16, 1);
            t.onNonFinite(Trainer.NonFinite.STOP);
            Trainer.NonFiniteException e = org.junit.jupiter.api.Assertions.assertThrows(Trainer.NonFiniteException.class, () -> {
                for (int i = 0; i < 10; i++) {
                    t.step();
                }
            });
            assertTrue(e.getMessage().matches("step \\d+ \\(epoch 1, batch \\d+\\): NaN or Inf in (the loss .*|gradient of dense_\\d/\\w+)"),
                    e.getMessage());
            // the failing step updated nothing: every parameter is still finite or as the previous step left it
            assertEquals(0, t.cursor());
        }
    }
}
