package gradstep.engine.backend;

import com.aparapi.device.OpenCLDevice;
import gradstep.kernels.Devices;
import org.junit.jupiter.api.Assumptions;

/**
 * The OpenCL CPU device the kernel tests run on. With {@code GRADSTEP_REQUIRE_OPENCL=1} (as CI sets it,
 * after installing PoCL) a missing device fails the tests instead of skipping them.
 */
final class OpenCl {
    private OpenCl() {
    }

    static OpenCLDevice cpu() {
        var cpu = Devices.firstCpu();
        if (cpu.isEmpty() && "1".equals(System.getenv("GRADSTEP_REQUIRE_OPENCL"))) {
            throw new AssertionError("GRADSTEP_REQUIRE_OPENCL=1 but there is no OpenCL CPU device (install pocl-opencl-icd)");
        }
        Assumptions.assumeTrue(cpu.isPresent(), "no OpenCL CPU device");
        // PoCL shares host memory; without this a forgotten get() would go unnoticed.
        cpu.get().setSharedMemory(false);
        return cpu.get();
    }
}
