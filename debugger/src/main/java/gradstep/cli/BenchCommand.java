package gradstep.cli;

import gradstep.datasets.Datasets;
import gradstep.engine.GradstepException;
import gradstep.engine.backend.Backend;
import gradstep.engine.backend.Backends;
import gradstep.engine.model.Model;
import gradstep.engine.model.ModelSpec;
import gradstep.engine.optim.RmsProp;
import gradstep.engine.train.ImageData;
import gradstep.engine.train.MicroStep;
import gradstep.engine.train.StepResult;
import gradstep.engine.train.Trainer;
import gradstep.kernels.Devices;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Time training steps on MNIST, on one backend or all.",
                "Prints samples/s, ms per step and per phase, GFLOP/s, and the bytes moved between host and device",
                "per step."},
        footer = {"", "Examples:", "  gradstep bench --model mlp --backend java --steps 100",
                "  gradstep bench --model cnn --all --steps 20"})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "mlp", paramLabel = "mlp|cnn|SPEC", description = "Model. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--backend", defaultValue = "auto", paramLabel = "B", description = "Backend (as for train). Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--all", description = "Every available backend but jtp (java, opencl-cpu, gpu), one after the other."
            + " jtp, Aparapi's emulation of work-groups with Java threads, needs minutes for one step: bench it on its own.")
    boolean all;

    @Option(names = "--steps", defaultValue = "50", paramLabel = "N", description = "Timed steps. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--warmup", defaultValue = "5", paramLabel = "N", description = "Untimed steps first (JIT, kernel builds). Default: ${DEFAULT-VALUE}.")
    int warmup;


    @Option(names = "--log-overhead", description = "Also time each backend with train --log's per-step logging, and print the overhead.")
    boolean logOverhead;

    @Option(names = "--debugger", description = "Time the debugger instead: each micro-step with a full redraw of the screen (100x30).")
    boolean debugger;

    @Option(names = "--peak", paramLabel = "GFLOPS",
            description = "The machine's float32 matrix-product rate to compare with (0: none); default: measured with"
                    + " numpy's sgemm (OpenBLAS, 2 threads) through /usr/bin/python3 when it is there.")
    Double peak;

    @Option(names = "--batch-size", paramLabel = "B", description = "Default: 128 for mlp, 64 for cnn.")
    Integer batchSize;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads of the java backend (default: one per core).")
    Integer threads;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** One backend's figures. */
    record Row(String backend, String device, int steps, double samplesPerSecond, double msPerStep, double forward,
               double loss, double backward, double update, double toDevicePerStep, double fromDevicePerStep) {
    }

    /**
     * Multiply-add work of one training step, in floating-point operations: every matrix product of the
     * forward (2·rows·K·N), of the weight gradient (the same) and of the input gradient (the same, but
     * not for the first layer, whose input is data).
     */
    static double flopsPerStep(Model m, int batch) {
        double f = 0;
        for (int i = 0; i < m.layers().size(); i++) {
            var l = m.layers().get(i);
            double one;
            if (l instanceof gradstep.engine.layers.Dense d) {
                one = 2.0 * batch * d.inputShape().size() * d.units();
            } else if (l instanceof gradstep.engine.layers.Conv2D c) {
                var g = c.geometry();
                one = 2.0 * batch * g.oh() * g.ow() * g.patchSize() * g.out();
            } else {
                continue;
            }
            f += one * (i == 0 ? 2 : 3);
        }
        return f;
    }

    /** numpy's float32 matrix product rate, 2048³ on two OpenBLAS threads, or null without numpy. */
    static Double measurePeak() {
        String py = "import os,time,numpy as n\na=n.random.rand(2048,2048).astype(n.float32);b=a.copy();a@b\n"
                + "t=time.perf_counter()\nfor _ in range(10): a@b\nprint(2*2048**3/((time.perf_counter()-t)/10)/1e9)";
        try {
            ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "-c", py).redirectErrorStream(true);
            pb.environment().put("OPENBLAS_NUM_THREADS", "2");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            return Double.parseDouble(out.substring(out.lastIndexOf('\n') + 1));
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        TrainingOptions.applyThreads(threads);
        if (steps < 1 || warmup < 0) {
            throw new GradstepException("--steps must be at least 1 and --warmup at least 0");
        }
        ModelSpec ms = ModelSpec.parse(model);
        int batch = batchSize != null ? batchSize : ms.defaultBatchSize();
        ImageData train = DataOptions.adapt(Datasets.loadBundledMnist().train());
        List<String> kinds = new ArrayList<>();
        if (all) {
            kinds.add("java");
            if (Devices.firstCpu().isPresent()) {
                kinds.add("opencl-cpu");
            }
            if (Devices.bestGpu().isPresent()) {
                kinds.add("gpu");
            }
        } else {
            kinds.add(backend);
        }
        if (debugger) {
            for (String kind : kinds) {
                debuggerBench(out, kind, ms, train, batch);
            }
            return 0;
        }
        out.printf(Locale.ROOT, "bench: %s (%s) on MNIST, batch %d, %d timed steps after %d warm-up, RMSprop%n",
                model, ms.text(), batch, steps, warmup);
        List<Row> rows = new ArrayList<>();
        for (String kind : kinds) {
            rows.add(measure(kind, ms, train, batch, steps, warmup, spec.commandLine().getErr(), false));
            if (logOverhead) {
                rows.add(measure(kind, ms, train, batch, steps, warmup, spec.commandLine().getErr(), true));
            }
        }
        double flops = flopsPerStep(Model.build(ms, train.rows(), train.cols(), train.channels(), train.classes(), 1), batch);
        Double machine = peak != null ? (peak > 0 ? peak : null) : measurePeak();
        int stepsPerEpoch = (train.count() + batch - 1) / batch;
        out.printf("%-11s %10s %9s %8s %9s %7s %9s %8s %8s %14s %16s  %s%n", "backend", "samples/s", "ms/step", "s/epoch", "forward", "loss",
                "backward", "update", "GFLOP/s", "to device/step", "from device/step", "device");
        for (Row r : rows) {
            out.printf(Locale.ROOT, "%-11s %10.0f %9.2f %8.1f %9.2f %7.2f %9.2f %8.2f %8.1f %14s %16s  %s%n", r.backend(),
                    r.samplesPerSecond(), r.msPerStep(), r.msPerStep() * stepsPerEpoch / 1000, r.forward(), r.loss(), r.backward(), r.update(),
                    flops / (r.msPerStep() / 1000) / 1e9, bytes(r.toDevicePerStep()), bytes(r.fromDevicePerStep()), r.device());
        }
        out.printf(Locale.ROOT, "phases in ms per step; forward includes sending the batch; GFLOP/s counts the %.3f GFLOP of matrix"
                + " products in a step%s%n", flops / 1e9, machine == null ? ""
                : String.format(Locale.ROOT, ", against %.0f GFLOP/s for this machine's float32 sgemm (%s)", machine,
                peak != null ? "--peak" : "numpy/OpenBLAS, 2 threads"));
        return 0;
    }

    /** Micro-step plus redraw, as a user pressing n sees it; the first steps warm up. */
    private void debuggerBench(PrintWriter out, String kind, ModelSpec ms, ImageData train, int batch) {
        long open = System.nanoTime();
        Model net = Model.build(ms, train.rows(), train.cols(), train.channels(), train.classes(), 1);
        Backends.Opened o = Backends.open(kind, net, new RmsProp(), batch, note -> spec.commandLine().getErr().println(note));
        try (Backend b = o.backend()) {
            Trainer t = new Trainer(b, train, batch, 1);
            gradstep.debugger.Session session = new gradstep.debugger.Session(t, train,
                    DataOptions.adapt(Datasets.loadBundledMnist().test()), 1);
            gradstep.debugger.Layout.UiState ui = new gradstep.debugger.Layout.UiState();
            gradstep.debugger.Layout.draw(new gradstep.debugger.Canvas(100, 30), session, ui);
            double openMs = (System.nanoTime() - open) / 1e6;
            int plan = t.plan().size();
            for (int i = 0; i < warmup * plan; i++) {
                session.micro();
                gradstep.debugger.Layout.draw(new gradstep.debugger.Canvas(100, 30), session, ui);
            }
            int n = steps * plan;
            double[] times = new double[n];
            double total = 0;
            String slowest = "";
            gradstep.debugger.Views.View[] views = {gradstep.debugger.Views.View.LAYER, gradstep.debugger.Views.View.RMSPROP,
                    gradstep.debugger.Views.View.BATCH, gradstep.debugger.Views.View.HISTORY};
            for (int i = 0; i < n; i++) {
                ui.view = views[i % views.length]; // every view in turn
                String what = t.next().describe(net) + " + " + ui.view.word + " view";
                long s = System.nanoTime();
                session.micro();
                gradstep.debugger.Layout.draw(new gradstep.debugger.Canvas(100, 30), session, ui);
                times[i] = (System.nanoTime() - s) / 1e6;
                total += times[i];
                if (times[i] >= java.util.Arrays.stream(times, 0, i + 1).max().getAsDouble()) {
                    slowest = what;
                }
            }
            double[] sorted = times.clone();
            java.util.Arrays.sort(sorted);
            out.printf(Locale.ROOT, "debugger: %s on %s: %d micro-steps with redraw: mean %.1f ms, median %.1f, p95 %.1f, max %.1f (%s);"
                    + " session and first screen %.0f ms after the data loaded%n", ms.text(), b.device(), n, total / n,
                    sorted[n / 2], sorted[(int) (n * 0.95)], sorted[n - 1], slowest, openMs);
        }
    }

    static Row measure(String kind, ModelSpec ms, ImageData train, int batch, int steps, int warmup, PrintWriter err, boolean log) {
        Model net = Model.build(ms, train.rows(), train.cols(), train.channels(), train.classes(), 1);
        RmsProp opt = new RmsProp();
        Backends.Opened o = Backends.open(kind, net, opt, batch, note -> err.println(note));
        try (Backend b = o.backend()) {
            Trainer t = new Trainer(b, train, batch, 1);
            t.onNonFinite(Trainer.NonFinite.STOP); // as train does: its check is part of a step's cost and bytes
            java.nio.file.Path logFile = null;
            gradstep.engine.train.TrainingLog csv = null;
            if (log) {
                try {
                    logFile = java.nio.file.Files.createTempFile("gradstep-bench", ".csv");
                } catch (java.io.IOException e) {
                    throw new GradstepException("cannot create a temporary log file: " + e.getMessage());
                }
                csv = new gradstep.engine.train.TrainingLog(logFile, net);
            }
            for (int i = 0; i < warmup; i++) {
                StepResult r = t.step();
                if (csv != null) {
                    csv.step(r, b, opt.learningRate()); // the logging code warms up too
                }
            }
            double[] phase = new double[4];
            long logNanos = 0;
            long to0 = b.bytesToDevice(), from0 = b.bytesFromDevice();
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                boolean done;
                do {
                    MicroStep next = t.next();
                    long s = System.nanoTime();
                    StepResult r = t.advance();
                    done = r != null;
                    if (done && csv != null) {
                        long l0 = System.nanoTime();
                        csv.step(r, b, opt.learningRate());
                        logNanos += System.nanoTime() - l0;
                    }
                    double millis = (System.nanoTime() - s) / 1e6;
                    int p = next instanceof MicroStep.Forward ? 0 : next instanceof MicroStep.Loss ? 1
                            : next instanceof MicroStep.Backward ? 2 : 3;
                    phase[p] += millis;
                } while (!done);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (csv != null) {
                err.printf(java.util.Locale.ROOT, "%s +log: writing the log row took %.3f ms per step%n", b.name(), logNanos / 1e6 / steps);
                csv.close();
                try {
                    java.nio.file.Files.deleteIfExists(logFile);
                } catch (java.io.IOException e) {
                    // a temporary file left behind does no harm
                }
            }
            return new Row(b.name() + (log ? " +log" : ""), b.device(), steps, (double) steps * batch / seconds, 1000 * seconds / steps,
                    phase[0] / steps, phase[1] / steps, phase[2] / steps, phase[3] / steps,
                    (double) (b.bytesToDevice() - to0) / steps, (double) (b.bytesFromDevice() - from0) / steps);
        }
    }

    static String bytes(double b) {
        if (b == 0) {
            return "0 B";
        }
        return b < 10_000 ? String.format(Locale.ROOT, "%.0f B", b) : String.format(Locale.ROOT, "%.1f KiB", b / 1024);
    }
}
