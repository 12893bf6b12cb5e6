// Trainable row lookup. tf.gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks; there the
// backward pass scatters with a one-hot matmul instead (forward stays a cheap gather everywhere).
import * as tf from '@tensorflow/tfjs';

/** One-hot rows as float32. The wasm OneHot kernel ignores the dtype argument (it writes int32 bits), so cast. */
export const oneHotFloat = (ids: tf.Tensor1D, depth: number): tf.Tensor2D => tf.cast(tf.oneHot(ids, depth), 'float32') as tf.Tensor2D;

const hasSegmentSum = () => tf.getKernel('UnsortedSegmentSum', tf.getBackend()) !== undefined;

const gatherWithMatmulGrad = tf.customGrad(((table: tf.Tensor, ids: tf.Tensor, save: tf.GradSaveFunc) => {
  save([ids]);
  const rows = table.shape[0];
  return {
    value: tf.gather(table, ids),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const oneHot = oneHotFloat(saved[0] as tf.Tensor1D, rows);
      return [tf.matMul(tf.transpose(oneHot), dy as tf.Tensor2D), tf.zerosLike(saved[0])];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** table [rows, dim], ids int32 [n] -> [n, dim], differentiable with respect to table on every backend. */
export function lookupRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  if (hasSegmentSum()) return tf.gather(table, ids);
  return gatherWithMatmulGrad(table, ids) as tf.Tensor2D;
}
