package gradstep.cli;

import gradstep.engine.backend.Backends;
import gradstep.engine.model.Model;
import gradstep.engine.optim.Optimizer;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** {@code --backend}, shared by every command that computes. */
final class BackendOption {
    @Option(names = "--backend", defaultValue = "auto", paramLabel = "auto|gpu|opencl-cpu|jtp|java",
            description = "Where to compute: auto (an OpenCL GPU if there is one, else java), gpu, opencl-cpu"
                    + " (the kernels on an OpenCL CPU device such as PoCL), jtp (the kernels in Aparapi's Java"
                    + " thread pool) or java (plain Java, the reference). Default: ${DEFAULT-VALUE}.")
    String backend;

    /** Opens the backend and prints the device line (and any fallback note, on the error stream). */
    Backends.Opened open(Model model, Optimizer optimizer, int maxBatch, PrintWriter out, PrintWriter err) {
        Backends.Opened o = Backends.open(backend, model, optimizer, maxBatch, note -> {
            err.println(note);
            err.flush();
        });
        out.println(o.line());
        out.flush();
        return o;
    }
}
