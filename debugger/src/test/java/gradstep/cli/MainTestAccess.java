package gradstep.cli;

/** MainTest's way of running the command line, for tests in other packages. */
public final class MainTestAccess {
    private MainTestAccess() {
    }

    /** A finished run: exit status, standard output and standard error. */
    public record Run(int status, String out, String err) {
        public String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    public static Run run(String... args) {
        MainTest.Run r = MainTest.run(args);
        return new Run(r.status(), r.out(), r.err());
    }
}
