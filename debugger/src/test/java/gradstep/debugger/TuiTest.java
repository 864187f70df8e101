package gradstep.debugger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import gradstep.engine.optim.RmsProp;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The terminal UI on Lanterna's virtual terminal: keys in, screen text out. */
class TuiTest {
    DefaultVirtualTerminal terminal;
    TerminalScreen screen;
    Session session;
    Tui tui;

    void open(String spec, int cols, int rows) throws IOException {
        terminal = new DefaultVirtualTerminal(new TerminalSize(cols, rows));
        screen = new TerminalScreen(terminal);
        screen.startScreen();
        session = Fixtures.session(spec, new RmsProp(), 64, 1024);
        tui = new Tui(session, screen);
        tui.redraw();
    }

    @AfterEach
    void close() throws IOException {
        if (screen != null) {
            screen.stopScreen();
        }
    }

    String row(int y) {
        StringBuilder sb = new StringBuilder();
        for (int x = 0; x < terminal.getTerminalSize().getColumns(); x++) {
            sb.append(terminal.getCharacter(x, y).getCharacterString());
        }
        return sb.toString().stripTrailing();
    }

    String screenText() {
        StringBuilder sb = new StringBuilder();
        for (int y = 0; y < terminal.getTerminalSize().getRows(); y++) {
            sb.append(row(y)).append('\n');
        }
        return sb.toString();
    }

    boolean key(char c) throws IOException {
        boolean more = tui.handle(new KeyStroke(c, false, false));
        waitForRun();
        tui.redraw();
        return more;
    }

    void key(KeyType t) throws IOException {
        tui.handle(new KeyStroke(t));
        tui.redraw();
    }

    void waitForRun() {
        for (int i = 0; i < 600 && tui.state().running; i++) {
            tui.pollRun();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void microStepKeyAdvancesAndTheStatusLineSaysWhatIsNext() throws IOException {
        open("mlp", 100, 30);
        assertTrue(row(0).startsWith("epoch 1/2  step 1/16 (0 done)  next: forward dense_1"), row(0));
        key('n');
        assertTrue(row(0).contains("next: forward dense_2"), row(0));
        key('n');
        key('n');
        assertTrue(row(0).contains("next: backward dense_2"), row(0));
        key('s');
        assertTrue(row(0).startsWith("epoch 1/2  step 2/16 (1 done)  next: forward dense_1"), row(0));
        assertTrue(screenText().contains("> dense_1         512"), screenText());
    }

    @Test
    void everyViewDrawsAndHelpOpensAndCloses() throws IOException {
        open("cnn", 80, 24);
        key('s');
        key('s');
        assertTrue(screenText().contains("conv2d_1 (Conv2D) · gradient of conv2d_1/kernel (3, 3, 1, 32)"), screenText());
        key('2');
        assertTrue(screenText().contains("RMSprop inspector"), screenText());
        assertTrue(screenText().contains("m_t = γ·m_{t-1} + (1−γ)·g²"), screenText());
        key('3');
        assertTrue(screenText().contains("batch: 64 images"), screenText());
        key('4');
        assertTrue(screenText().contains("history: 2 steps"), screenText());
        key('?');
        assertTrue(screenText().contains("gradstep debug · keys"), screenText());
        key('x');
        assertFalse(screenText().contains("gradstep debug · keys"), screenText());
        key(KeyType.ArrowDown);
        key('1');
        assertTrue(screenText().contains("max_pooling2d_1 (MaxPooling2D) · activations"), screenText());
    }

    @Test
    void stepBackKeyRestoresTheStep() throws IOException {
        open("mlp", 100, 30);
        key('s');
        float[] after1 = session.model().params().get(0).value().clone();
        key('s');
        key('u');
        assertTrue(row(0).startsWith("epoch 1/2  step 2/16 (1 done)"), row(0));
        assertTrue(screenText().contains("went back 1 step to the start of step 2"), screenText());
        org.junit.jupiter.api.Assertions.assertArrayEquals(after1, session.model().params().get(0).value());
    }

    @Test
    void breakpointFromThePromptStopsARun() throws IOException {
        open("mlp", 100, 30);
        key('b');
        for (char c : "step 3".toCharArray()) {
            key(c);
        }
        assertTrue(screenText().contains("break> step 3_"), screenText());
        key(KeyType.Enter);
        assertTrue(screenText().contains("breakpoint added: step 3"), screenText());
        key('r');
        assertTrue(screenText().contains("stopped: reached step 3"), screenText());
        assertTrue(row(0).contains("(3 done)"), row(0));
    }

    @Test
    void aSmallTerminalAsksToBeEnlargedAndResizingRedraws() throws IOException {
        open("mlp", 70, 20);
        assertTrue(row(0).startsWith("gradstep debug needs a terminal of at least 80x24; this one is 70x20."), row(0));
        terminal.setTerminalSize(new TerminalSize(170, 40));
        screen.doResizeIfNecessary();
        tui.redraw();
        assertTrue(row(0).startsWith("epoch 1/2"), row(0));
        // wide: two views side by side, the chosen one and the history
        assertTrue(screenText().contains("history:"), screenText());
        assertFalse(key('q'), "q quits");
    }
}
