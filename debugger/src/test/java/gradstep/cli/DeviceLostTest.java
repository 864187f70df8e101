package gradstep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gradstep.kernels.DeviceRunner;
import gradstep.kernels.Devices;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A device that fails and then cannot even be read back: train goes on from its newest checkpoint. */
class DeviceLostTest {
    @TempDir
    Path dir;

    @AfterEach
    void noFault() {
        DeviceRunner.injectFault(null);
    }

    @Test
    void aLostDeviceIsSurvivedFromTheNewestCheckpoint() {
        Assumptions.assumeTrue(Devices.firstCpu().isPresent() || "1".equals(System.getenv("GRADSTEP_REQUIRE_OPENCL")),
                "no OpenCL CPU device");
        // The open-time self-test launches matmul 9 times and reads back 30 times; each step of this
        // model launches matmul 5 times; a checkpoint every 5 steps reads back once. So matmul fails in
        // step 23, and the read-back that would rescue the step is the 35th: after the checkpoint of step 20.
        DeviceRunner.injectFault("matmul", 9 + 5 * 22);
        DeviceRunner.injectFault("download", 30 + 4);
        Path ck = dir.resolve("ck");
        MainTest.Run r = MainTest.run("train", "--backend", "opencl-cpu", "--model", "dense16,dense10", "--limit", "640",
                "--batch-size", "32", "--epochs", "2", "--checkpoint", ck.toString(), "--every", "5");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains("gradstep: kernel matmul failed on '"), r.err());
        assertTrue(r.err().contains("the device state could not be read back (reading back from '"), r.err());
        assertTrue(r.err().contains("; continuing on the java backend from ckpt-000000020.npz (step 20)"), r.err());
        assertTrue(r.lastLine().startsWith("test: loss="), r.out());
    }
}
