package gradstep.kernels;

import com.aparapi.internal.model.ClassModel;
import com.aparapi.internal.writer.KernelWriter;
import java.util.List;
import java.util.Locale;

/** The ops of {@link TrainingKernel} by name, and the OpenCL C that Aparapi generates from them. */
public final class KernelSource {
    /** One op: the kernel method, the reference op it mirrors, and what it computes. */
    public record Op(String name, String mirrors, String math) {
    }

    public static final List<Op> OPS = List.of(
            new Op("bytesToFloats", "ImageData.fill", "x = pixel / 255, the batch widened on the device"),
            new Op("matmul", "Gemm.matmul (+ transposed forms)", "C = op(A)·op(B) (+ C), 16×16 tiles in local memory"),
            new Op("biasActivation", "MatMul.addBias + Relu.reluForward", "y = act(y + b)"),
            new Op("reluBackward", "Relu.reluBackward", "dz = dy · [y > 0]"),
            new Op("sumRows", "MatMul.sumRows", "db = Σ_rows dy"),
            new Op("im2col", "Conv.im2col", "patch matrix of the receptive fields, zero-padded"),
            new Op("col2im", "Conv.col2im", "dx = Σ of the patch gradients over every field covering x"),
            new Op("maxpoolForward", "MaxPool.maxpoolForward", "y = max over each p×p window, argmax kept"),
            new Op("maxpoolBackward", "MaxPool.maxpoolBackward", "dx = dy at the argmax, 0 elsewhere"),
            new Op("softmaxCrossEntropy", "SoftmaxCrossEntropy.softmaxCrossEntropyForwardBackward",
                    "p = softmax(z), loss = mean −log p_label, dz = (p − onehot)/B, correct"),
            new Op("rmspropUpdate", "RmsProp.rmspropUpdate", "m = γm + (1−γ)g²; b = βb + αg/sqrt(m+ε); θ = θ − b"),
            new Op("sgdUpdate", "Sgd.sgdUpdate", "b = βb + αg; θ = θ − b"),
            new Op("stats", "Stats.summary", "Σv, Σv², min, max in one work-group"),
            new Op("histogramPartial", "Stats.histogram", "per-work-item bin counts"),
            new Op("histogramReduce", "Stats.histogram", "bin totals"));

    private KernelSource() {
    }

    /** The whole OpenCL program Aparapi generates for the kernel. */
    public static String program() {
        AparapiLog.install();
        try {
            TrainingKernel k = new TrainingKernel();
            return KernelWriter.writeToString(ClassModel.createClassModel(TrainingKernel.class).getEntrypoint("run", k));
        } catch (Exception e) {
            throw new KernelFailure("Aparapi could not translate the kernel to OpenCL: " + e.getMessage());
        }
    }

    /** The generated OpenCL function of one op, or null if there is no op of that name. */
    public static String function(String program, String op) {
        String lower = op.toLowerCase(Locale.ROOT);
        String[] lines = program.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (!l.startsWith(" ") && !l.startsWith("\t") && l.contains("(")
                    && l.toLowerCase(Locale.ROOT).matches(".*__" + lower + "\\(.*")) {
                StringBuilder sb = new StringBuilder();
                int depth = 0;
                boolean opened = false;
                for (int j = i; j < lines.length; j++) {
                    sb.append(lines[j]).append('\n');
                    for (char ch : lines[j].toCharArray()) {
                        if (ch == '{') {
                            depth++;
                            opened = true;
                        } else if (ch == '}') {
                            depth--;
                        }
                    }
                    if (opened && depth == 0) {
                        return sb.toString();
                    }
                }
                return sb.toString();
            }
        }
        return null;
    }
}
