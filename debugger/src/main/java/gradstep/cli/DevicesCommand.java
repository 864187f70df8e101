package gradstep.cli;

import gradstep.kernels.Devices;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

@Command(name = "devices", mixinStandardHelpOptions = true,
        description = "List every OpenCL platform and device, and mark the one --backend auto picks.",
        footer = {"", "Example:", "  gradstep devices"})
final class DevicesCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Devices.Listing l = Devices.list();
        if (l.devices().isEmpty()) {
            out.println("no OpenCL devices: " + l.problem());
            out.println("to get one, " + Devices.HOW_TO_GET_OPENCL);
            out.println("--backend auto runs the java backend");
            return 0;
        }
        Optional<String> autoGpu = Devices.bestGpu().map(d -> d.getName());
        String platform = null;
        for (Devices.Info d : l.devices()) {
            if (!d.platform().equals(platform)) {
                platform = d.platform();
                out.printf("platform: %s (%s), %s%n", d.platform(), d.platformVendor(), d.platformVersion());
            }
            boolean auto = autoGpu.isPresent() && autoGpu.get().equals(d.name()) && d.type().equals("GPU");
            out.printf(Locale.ROOT, "  %s %-4s %s (%s)%n", auto ? "*" : " ", d.type(), d.name(), d.vendor());
            out.printf(Locale.ROOT, "         compute units %d, global memory %s, local memory %s, max work-group %d, %s%n",
                    d.computeUnits(), mib(d.globalMemBytes()), kib(d.localMemBytes()), d.maxWorkGroupSize(), d.openclC());
        }
        out.println(autoGpu.isPresent() ? "* = the device --backend auto picks"
                : "no OpenCL GPU: --backend auto runs the java backend; --backend opencl-cpu runs the kernels on a CPU device");
        return 0;
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
    }

    static String kib(long bytes) {
        return String.format(Locale.ROOT, "%,d KiB", bytes >> 10);
    }
}
