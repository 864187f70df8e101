package gradstep.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The bundled MNIST: present, checksummed, and of the published sizes. */
class MnistTest {
    @Test
    void bundledMnistLoadsWithPublishedSizes() {
        Datasets.TrainTest mnist = Datasets.loadBundledMnist();
        assertEquals(60_000, mnist.train().count());
        assertEquals(10_000, mnist.test().count());
        assertEquals(28, mnist.train().rows());
        assertEquals(28, mnist.train().cols());
        // The first training digit of MNIST is a 5, the first test digit a 7.
        assertEquals(5, mnist.train().label(0));
        assertEquals(7, mnist.test().label(0));
        int[] perClass = new int[10];
        for (int i = 0; i < mnist.test().count(); i++) {
            perClass[mnist.test().label(i)]++;
        }
        // Published test-set class counts (digit 1 is the most frequent with 1135).
        assertEquals(1135, perClass[1]);
        assertEquals(980, perClass[0]);
    }
}
