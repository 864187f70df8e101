package gradstep.debugger;

import java.util.Arrays;

/**
 * A grid of character cells with colours: what every view draws on. The terminal UI copies it to the
 * screen with its colours; the scripted mode prints its characters. Colours are xterm-256 indices (232–255
 * is a grey ramp), -1 for the terminal's default.
 */
public final class Canvas {
    public static final int DEFAULT = -1;
    public static final int HIGHLIGHT = 214; // orange
    public static final int DIM = 244;
    public static final int BAD = 196; // red
    public static final int GOOD = 40; // green
    public static final int ACCENT = 39; // blue

    private final int width;
    private final int height;
    private final char[] chars;
    private final int[] fg;
    private final int[] bg;
    private final boolean[] bold;

    public Canvas(int width, int height) {
        this.width = width;
        this.height = height;
        chars = new char[width * height];
        fg = new int[width * height];
        bg = new int[width * height];
        bold = new boolean[width * height];
        Arrays.fill(chars, ' ');
        Arrays.fill(fg, DEFAULT);
        Arrays.fill(bg, DEFAULT);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public char charAt(int x, int y) {
        return chars[y * width + x];
    }

    public int fgAt(int x, int y) {
        return fg[y * width + x];
    }

    public int bgAt(int x, int y) {
        return bg[y * width + x];
    }

    public boolean boldAt(int x, int y) {
        return bold[y * width + x];
    }

    public void set(int x, int y, char c, int fore, int back, boolean b) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            return;
        }
        int i = y * width + x;
        chars[i] = c;
        fg[i] = fore;
        bg[i] = back;
        bold[i] = b;
    }

    /** Writes {@code s} from (x, y), clipped at {@code maxWidth} cells and the canvas edge; returns cells written. */
    public int text(int x, int y, String s, int maxWidth, int fore, boolean b) {
        int n = Math.min(s.length(), Math.max(0, maxWidth));
        for (int i = 0; i < n; i++) {
            set(x + i, y, s.charAt(i), fore, DEFAULT, b);
        }
        return n;
    }

    public int text(int x, int y, String s, int maxWidth) {
        return text(x, y, s, maxWidth, DEFAULT, false);
    }

    /**
     * Two vertically stacked grey pixels in one cell (the upper half block with the upper pixel as its
     * colour and the lower as the background): grey levels 0 (black) to 1 (white).
     */
    public void pixels(int x, int y, double upper, double lower) {
        set(x, y, '\u2580', grey(upper), grey(lower), false);
    }

    /** The xterm grey ramp index nearest to level v in [0, 1]: 16 (black), 232–255, 231 (white). */
    static int grey(double v) {
        double c = Math.max(0, Math.min(1, v));
        if (c < 0.02) {
            return 16;
        }
        if (c > 0.98) {
            return 231;
        }
        return 232 + (int) Math.round(c * 23);
    }

    /** The level of a grey colour index, for the plain-text rendering. */
    static double level(int colour) {
        if (colour == 16) {
            return 0;
        }
        if (colour == 231) {
            return 1;
        }
        if (colour >= 232 && colour <= 255) {
            return (colour - 232) / 23.0;
        }
        return -1;
    }

    private static final char[] SHADES = {' ', '\u2591', '\u2592', '\u2593', '\u2588'};

    /** The canvas as plain text, right-trimmed; pixel cells become shade characters of their mean grey. */
    public String plain() {
        StringBuilder sb = new StringBuilder();
        for (int y = 0; y < height; y++) {
            StringBuilder line = new StringBuilder();
            for (int x = 0; x < width; x++) {
                char c = charAt(x, y);
                if (c == '\u2580') {
                    double up = level(fgAt(x, y)), lo = level(bgAt(x, y));
                    double mean = (Math.max(0, up) + Math.max(0, lo)) / 2;
                    c = SHADES[(int) Math.round(mean * (SHADES.length - 1))];
                }
                line.append(c);
            }
            int end = line.length();
            while (end > 0 && line.charAt(end - 1) == ' ') {
                end--;
            }
            sb.append(line, 0, end).append('\n');
        }
        // drop trailing empty lines
        int end = sb.length();
        while (end > 1 && sb.charAt(end - 1) == '\n' && sb.charAt(end - 2) == '\n') {
            end--;
        }
        return sb.substring(0, end);
    }
}
