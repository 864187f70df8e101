package gradstep.engine.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every kernel op against its plain-Java op, on the OpenCL CPU device, at awkward sizes. */
class SelfTestTest {
    @Test
    void everyKernelMatchesTheReferenceOnTheOpenClCpuDevice() {
        List<SelfTest.Check> checks = SelfTest.run(OpenCl.cpu(), 3, 7);
        StringBuilder failures = new StringBuilder();
        for (SelfTest.Check c : checks) {
            if (!c.passed()) {
                failures.append(c).append('\n');
            }
        }
        assertTrue(failures.length() == 0, failures.toString());
        // Every op of the kernel was exercised.
        for (String op : List.of("bytesToFloats", "matmul", "biasActivation", "reluBackward", "sumRows", "im2col", "col2im",
                "maxpoolForward", "maxpoolBackward", "softmaxCrossEntropy", "rmspropUpdate", "sgdUpdate", "stats", "histogram")) {
            assertTrue(checks.stream().anyMatch(c -> c.op().equals(op)), "no check of " + op);
        }
    }
}
