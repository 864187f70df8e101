package gradstep.engine.backend;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import gradstep.engine.GradstepException;
import gradstep.engine.model.Model;
import gradstep.engine.ops.Gemm;
import gradstep.engine.optim.Optimizer;
import gradstep.kernels.DeviceRunner;
import gradstep.kernels.Devices;
import gradstep.kernels.KernelFailure;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Chooses and opens a backend by name:
 *
 * <ul>
 *   <li>{@code auto}: the OpenCL GPU with the most compute units, else the plain-Java backend (on a CPU
 *       that is the fast path: the OpenCL kernels are written for GPUs);</li>
 *   <li>{@code gpu}, {@code opencl-cpu}: the kernels on an OpenCL GPU or CPU device (PoCL, say);</li>
 *   <li>{@code jtp}: the same kernels on Aparapi's Java thread pool, without OpenCL;</li>
 *   <li>{@code java}: the plain-Java backend with its matrix products vectorised ({@link
 *       gradstep.engine.ops.VectorGemm}) when the Vector API is there;</li>
 *   <li>{@code reference}: the plain-Java backend with its plain loops, the ground truth of the tests.</li>
 * </ul>
 * An OpenCL backend first runs {@link SelfTest} on its device; a device whose kernels fail to build, to
 * run or to compute what the reference computes is not used: one line says why and the next backend in
 * the {@code auto} order (GPU, then java) takes over.
 */
public final class Backends {
    public static final List<String> NAMES = List.of("auto", "gpu", "opencl-cpu", "jtp", "java", "reference");

    private Backends() {
    }

    /** An open backend and the line that says which device runs it and why. */
    public record Opened(Backend backend, String line) {
    }

    /**
     * Opens backend {@code kind} for {@code model}; {@code notes} receives a line for each device tried
     * and given up.
     */
    public static Opened open(String kind, Model model, Optimizer optimizer, int maxBatch, Consumer<String> notes) {
        switch (kind) {
            case "java":
                return java(model, optimizer, maxBatch, "chosen with --backend java");
            case "reference": {
                Gemm.setVectorized(false);
                JavaBackend b = new JavaBackend(model, optimizer, maxBatch);
                return new Opened(b, "device: " + b.device() + ", plain loops (the reference) — chosen with --backend reference");
            }
            case "jtp": {
                OpenClBackend b = new OpenClBackend("jtp", DeviceRunner.javaThreadPool(), model, optimizer, maxBatch);
                return new Opened(b, "device: " + b.device() + " (the OpenCL kernels, run by Aparapi in Java threads)");
            }
            case "gpu", "opencl-cpu":
                return openCl(kind, openClDevice(kind), model, optimizer, maxBatch, notes);
            case "auto": {
                Optional<OpenCLDevice> gpu = Devices.bestGpu();
                if (gpu.isPresent()) {
                    return openCl("gpu", gpu.get(), model, optimizer, maxBatch, notes);
                }
                Optional<OpenCLDevice> cpu = Devices.firstCpu();
                String why = "no OpenCL GPU" + cpu.map(c -> "; OpenCL CPU device " + Devices.describe(c)
                        + " available with --backend opencl-cpu").orElse("");
                return java(model, optimizer, maxBatch, why);
            }
            default:
                throw new GradstepException("unknown --backend '" + kind + "' (use " + String.join(", ", NAMES) + ")");
        }
    }

    /**
     * The device that {@code gpu} (the GPU with the most compute units) or {@code opencl-cpu} (the first
     * OpenCL CPU device) names; an error listing the devices there are when there is none.
     */
    public static OpenCLDevice openClDevice(String kind) {
        boolean gpu = kind.equals("gpu");
        Optional<OpenCLDevice> d = gpu ? Devices.bestGpu() : Devices.firstCpu();
        if (d.isEmpty()) {
            throw new GradstepException("--backend " + kind + ": no OpenCL " + (gpu ? "GPU" : "CPU device") + " found; " + available());
        }
        return d.get();
    }

    private static Opened java(Model model, Optimizer optimizer, int maxBatch, String why) {
        boolean fast = Gemm.setVectorized(true);
        JavaBackend b = new JavaBackend(model, optimizer, maxBatch);
        String loops = fast ? ", vectorised (" + 32 * Gemm.vectorLanes() + "-bit)"
                : ", plain loops (start Java with --add-modules jdk.incubator.vector, as ./gradstep does, for the fast ones)";
        return new Opened(b, "device: " + b.device() + loops + " — " + why);
    }

    private static Opened openCl(String name, Device device, Model model, Optimizer optimizer, int maxBatch,
                                 Consumer<String> notes) {
        try {
            List<SelfTest.Check> checks = SelfTest.run(device, 1, 1);
            for (SelfTest.Check c : checks) {
                if (!c.passed()) {
                    throw new KernelFailure("kernel " + c.op() + " (" + c.shape() + ") "
                            + (Double.isInfinite(c.error()) ? "failed to run" : String.format("is wrong by %.1e", c.error()))
                            + " on " + Devices.describe(device));
                }
            }
            OpenClBackend b = new OpenClBackend(name, device, model, optimizer, maxBatch);
            return new Opened(b, "device: " + b.device());
        } catch (KernelFailure e) {
            notes.accept("gradstep: " + e.getMessage() + "; falling back to the java backend");
            return java(model, optimizer, maxBatch, name + " failed (see above)");
        }
    }

    /** The OpenCL devices there are, for messages. */
    static String available() {
        Devices.Listing l = Devices.list();
        if (l.devices().isEmpty()) {
            return (l.problem() == null ? "no OpenCL device" : l.problem()) + "; " + Devices.HOW_TO_GET_OPENCL;
        }
        StringBuilder sb = new StringBuilder("devices: ");
        for (int i = 0; i < l.devices().size(); i++) {
            Devices.Info d = l.devices().get(i);
            sb.append(i == 0 ? "" : ", ").append("'").append(d.name()).append("' (").append(d.type()).append(", ")
                    .append(d.platform()).append(")");
        }
        return sb.toString();
    }
}
