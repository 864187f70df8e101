package gradstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradstep.kernels.Devices;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The commands that need an OpenCL device, on the OpenCL CPU device (PoCL in CI). */
class OpenClCommandsTest {
    @BeforeEach
    void needsOpenCl() {
        boolean present = Devices.firstCpu().isPresent();
        if (!present && "1".equals(System.getenv("GRADSTEP_REQUIRE_OPENCL"))) {
            throw new AssertionError("GRADSTEP_REQUIRE_OPENCL=1 but there is no OpenCL CPU device");
        }
        Assumptions.assumeTrue(present, "no OpenCL CPU device");
    }

    @Test
    void devicesListsTheCpuDevice() {
        MainTest.Run r = MainTest.run("devices");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("platform: "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.trim().startsWith("CPU")), r.out());
        assertTrue(r.out().contains("compute units"), r.out());
    }

    @Test
    void selftestPassesOnTheCpuDevice() {
        MainTest.Run r = MainTest.run("selftest", "--backend", "opencl-cpu");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("30 passed, 0 failed"), r.out());
    }

    @Test
    void trainOnTheOpenClCpuDeviceSaysSoAndLearns() {
        MainTest.Run r = MainTest.run("train", "--backend", "opencl-cpu", "--model", "dense32,dense10", "--limit", "2000", "--epochs", "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("device: opencl-cpu on '"), r.out());
        double accuracy = Double.parseDouble(r.lastLine().replaceAll(".*accuracy=", ""));
        assertTrue(accuracy > 0.7, r.lastLine());
    }

    @Test
    void autoWithoutAGpuNamesTheCpuDeviceItDidNotUse() {
        Assumptions.assumeTrue(Devices.bestGpu().isEmpty(), "this machine has a GPU");
        MainTest.Run r = MainTest.run("train", "--model", "dense8,dense10", "--limit", "100", "--epochs", "1");
        assertTrue(r.out().contains("device: java, ") && r.out().contains(" — no OpenCL GPU; OpenCL CPU device '")
                && r.out().contains("available with --backend opencl-cpu"), r.out());
    }
}
