package gradstep.engine;

/**
 * A mistake in what the user gave gradstep (a model spec, a weights file, an option value). Its message
 * is one line, fit to show as it is; the command line prints it without a stack trace.
 */
public class GradstepException extends RuntimeException {
    public GradstepException(String message) {
        super(message);
    }
}
