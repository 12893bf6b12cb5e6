// Trainable row lookup. tf.gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks; there the
// backward pass adds each row's gradient into its table row with a scatter (ScatterNd sums repeated ids). It replaced
// a one-hot product, which at a 32,128-token vocabulary was a [V, N]·[N, D] product of 2 GFLOP per lookup.
import * as tf from '@tensorflow/tfjs';

const hasSegmentSum = () => tf.getKernel('UnsortedSegmentSum', tf.getBackend()) !== undefined;

const gatherWithMatmulGrad = tf.customGrad(((table: tf.Tensor, ids: tf.Tensor, save: tf.GradSaveFunc) => {
  save([ids]);
  const rows = table.shape[0];
  return {
    value: tf.gather(table, ids),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const ids = saved[0] as tf.Tensor1D;
      return [tf.scatterND(tf.reshape(ids, [ids.shape[0], 1]), dy, [rows, dy.shape[1] as number]), tf.zerosLike(ids)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** table [rows, dim], ids int32 [n] -> [n, dim], differentiable with respect to table on every backend. */
export function lookupRows(table: tf.Tensor2D, ids: tf.Tensor1D): tf.Tensor2D {
  if (hasSegmentSum()) return tf.gather(table, ids);
  return gatherWithMatmulGrad(table, ids) as tf.Tensor2D;
}
