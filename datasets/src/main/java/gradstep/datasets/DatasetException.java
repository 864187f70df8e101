package gradstep.datasets;

/**
 * A data file or folder that cannot be used. The message is one line that names the file and what is
 * wrong with it, fit to show a user as it is.
 */
public final class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }
}
