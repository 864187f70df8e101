/**
 * Device code: the Aparapi kernel of gradstep's OpenCL backend, written in Java and translated to
 * OpenCL C by Aparapi, one method per training op (matrix product, bias and activation, im2col/col2im,
 * max-pool, softmax-cross-entropy, optimizer updates, reductions). Each mirrors the plain-Java op of the
 * same name in {@code gradstep.engine.ops} or {@code gradstep.engine.optim}, which is its ground truth.
 */
package gradstep.kernels;
