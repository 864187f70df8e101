package gradstep.cli;

import com.aparapi.device.Device;
import gradstep.engine.GradstepException;
import gradstep.engine.backend.SelfTest;
import gradstep.kernels.DeviceRunner;
import gradstep.kernels.Devices;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "selftest", mixinStandardHelpOptions = true,
        description = {"Check every kernel on a device against the plain-Java reference.",
                "Runs each on random inputs of awkward sizes and prints its error; exits 1 if any kernel fails."},
        footer = {"", "Examples:", "  gradstep selftest", "  gradstep selftest --backend opencl-cpu"})
final class SelfTestCommand implements Callable<Integer> {
    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|gpu|opencl-cpu|jtp",
            description = "Device to test: auto (the GPU if there is one, else the OpenCL CPU device), gpu, opencl-cpu, jtp. Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed of the random inputs. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Device device = switch (backend) {
            case "gpu", "opencl-cpu" -> gradstep.engine.backend.Backends.openClDevice(backend);
            case "jtp" -> DeviceRunner.javaThreadPool();
            case "auto" -> Devices.bestGpu().map(d -> (Device) d).or(() -> Devices.firstCpu().map(d -> (Device) d))
                    .orElseThrow(() -> new GradstepException("no OpenCL device to test; " + Devices.HOW_TO_GET_OPENCL));
            case "java" -> throw new GradstepException("--backend java is the reference itself; test a device: gpu, opencl-cpu or jtp");
            default -> throw new GradstepException("unknown --backend '" + backend + "' (use auto, gpu, opencl-cpu or jtp)");
        };
        out.println("device: " + Devices.describe(device));
        out.printf("%-22s %-26s %10s  %s%n", "kernel", "shape", "max error", "result");
        long start = System.nanoTime();
        List<SelfTest.Check> checks = SelfTest.run(device, 4, seed);
        int failed = 0;
        for (SelfTest.Check c : checks) {
            out.printf(Locale.ROOT, "%-22s %-26s %10.2e  %s%n", c.op(), c.shape(), c.error(), c.passed() ? "pass" : "FAIL");
            failed += c.passed() ? 0 : 1;
        }
        out.printf(Locale.ROOT, "%d passed, %d failed (tolerance %.0e, %.1fs)%n", checks.size() - failed, failed,
                SelfTest.TOLERANCE, (System.nanoTime() - start) / 1e9);
        return failed == 0 ? 0 : 1;
    }
}
