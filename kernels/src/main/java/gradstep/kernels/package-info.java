/**
 * Device code: Aparapi kernels, written in Java and translated to OpenCL C, one per training op
 * (dense, conv2d, max-pool, ReLU, softmax-cross-entropy, optimizer updates), each mirroring the plain-Java
 * op of the same name in {@code gradstep.engine.ops}, which is their ground truth.
 */
package gradstep.kernels;
