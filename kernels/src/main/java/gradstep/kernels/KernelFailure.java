package gradstep.kernels;

/**
 * A kernel that could not be compiled or run on its device. The message is one line naming the op, the
 * device and what the driver or Aparapi said; the engine reacts by moving to the next backend.
 */
public final class KernelFailure extends RuntimeException {
    public KernelFailure(String message) {
        super(message);
    }
}
