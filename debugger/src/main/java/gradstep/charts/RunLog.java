package gradstep.charts;

import gradstep.engine.GradstepException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A training log written by {@code train --log} (see {@code TrainingLog}), read back as columns. */
public record RunLog(String name, List<String> layers, Map<String, double[]> steps, Map<String, double[]> epochs) {
    /** Reads FILE; a file that is not such a log is refused with what is wrong and where. */
    public static RunLog read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new GradstepException(file + ": no such file");
        } catch (IOException e) {
            throw new GradstepException(file + ": cannot read: " + e.getMessage());
        }
        if (lines.isEmpty() || !lines.get(0).startsWith("kind,epoch,step,global_step,loss,accuracy")) {
            throw new GradstepException(file + ": not a gradstep training log (its first line should start with"
                    + " kind,epoch,step,global_step,loss,accuracy)");
        }
        String[] header = lines.get(0).split(",", -1);
        List<String> layers = new ArrayList<>();
        for (String h : header) {
            if (h.endsWith(":grad_norm")) {
                layers.add(h.substring(0, h.length() - ":grad_norm".length()));
            }
        }
        List<String[]> stepRows = new ArrayList<>(), epochRows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",", -1);
            if (cells.length != header.length) {
                throw new GradstepException(file + " line " + (i + 1) + ": " + cells.length + " cells, the header has " + header.length);
            }
            (cells[0].equals("epoch") ? epochRows : stepRows).add(cells);
        }
        return new RunLog(file.getFileName().toString().replaceAll("\\.csv$", ""), layers, columns(header, stepRows, file),
                columns(header, epochRows, file));
    }

    private static Map<String, double[]> columns(String[] header, List<String[]> rows, Path file) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int c = 1; c < header.length; c++) {
            double[] v = new double[rows.size()];
            for (int r = 0; r < rows.size(); r++) {
                String cell = rows.get(r)[c];
                try {
                    v[r] = cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    throw new GradstepException(file + ": '" + cell + "' in column " + header[c] + " is not a number");
                }
            }
            out.put(header[c], v);
        }
        return out;
    }
}
