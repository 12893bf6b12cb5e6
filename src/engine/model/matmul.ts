// Matrix products for the model. On the wasm backend a matMul with a transposed operand runs about 7x slower than
// an explicit transpose followed by a plain matMul (measured: 0.62 ms vs 0.11 ms for [256,64]·[64,64]ᵀ), and autodiff
// of any matMul produces transposed products. There, products go through a custom op whose forward and backward
// use only plain matMuls on explicitly transposed operands. Other backends transpose for free inside the kernel, and
// so does the engine's own wasm kernel for batched products (src/engine/backend/wasmKernels/batchMatMul.ts).
import * as tf from '@tensorflow/tfjs';

/** Swaps the last two axes. */
export function swapLast(x: tf.Tensor): tf.Tensor {
  const r = x.rank;
  const perm = [...Array(r).keys()];
  [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
  return tf.transpose(x, perm);
}

const plainProducts = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor, [sa, sb]: tf.Tensor[]) => [tf.matMul(dy, swapLast(sb)), tf.matMul(swapLast(sa), dy)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** Backends whose transposed matMul is slow enough to be worth explicit transposes. */
const explicitTransposeBackends = new Set(['wasm']);

/** Operands with one shared batch dimension, whose product (and its gradients) the engine's wasm SIMD kernel runs. */
const sameBatch = (a: tf.Tensor, b: tf.Tensor) => a.rank >= 3 && b.rank === a.rank && a.shape.slice(0, -2).every((d, i) => d === b.shape[i]);

/** op(a)·op(b), where op transposes the last two axes when asked. */
export function mm(a: tf.Tensor, b: tf.Tensor, transposeA = false, transposeB = false): tf.Tensor {
  if (!explicitTransposeBackends.has(tf.getBackend()) || sameBatch(a, b)) return tf.matMul(a, b, transposeA, transposeB);
  return plainProducts(transposeA ? swapLast(a) : a, transposeB ? swapLast(b) : b);
}
