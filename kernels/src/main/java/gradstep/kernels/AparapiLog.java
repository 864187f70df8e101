package gradstep.kernels;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Aparapi reports through java.util.logging: harmless notes users should not see (a {@code NestHost}
 * attribute in classes compiled for Java 11+, an "untested OpenCL platform version") and, when a kernel
 * fails on a device, the reason before it silently falls back to Java. This keeps those messages off the
 * console and remembers the last warning, so a failure can be reported in gradstep's own words.
 */
final class AparapiLog {
    private static final Logger APARAPI = Logger.getLogger("com.aparapi");
    private static volatile String lastWarning;

    static {
        APARAPI.setUseParentHandlers(false);
        APARAPI.setLevel(Level.WARNING);
        APARAPI.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    String m = r.getMessage();
                    if (r.getThrown() != null) {
                        m = m + ": " + r.getThrown().getMessage();
                    }
                    if (m != null && !m.contains("NestHost")) {
                        lastWarning = m.replaceAll("\\s+", " ").trim();
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    private AparapiLog() {
    }

    static void install() {
        // the static initialiser does the work; calling this makes sure it has run
    }

    static String takeLastWarning() {
        String w = lastWarning;
        lastWarning = null;
        return w;
    }
}
