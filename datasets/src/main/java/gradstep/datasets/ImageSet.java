package gradstep.datasets;

/**
 * Images and their labels, as stored in IDX files: one unsigned byte per pixel, row-major, image after
 * image, and one label byte per image. Kept as bytes (60,000 MNIST images are 47 MB as bytes, 188 MB as
 * floats); conversion to floats in [0,1] happens per batch.
 *
 * @param name   where it came from, for messages (e.g. "mnist/train")
 * @param pixels count*rows*cols bytes, read as unsigned
 * @param labels count bytes, each 0..classes-1
 */
public record ImageSet(String name, byte[] pixels, byte[] labels, int count, int rows, int cols, int classes) {
    public ImageSet {
        if ((long) count * rows * cols != pixels.length) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel bytes for " + count + " images of "
                    + rows + "x" + cols);
        }
        if (labels.length != count) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels for " + count + " images");
        }
    }

    public int pixelsPerImage() {
        return rows * cols;
    }

    public int label(int i) {
        return labels[i];
    }
}
