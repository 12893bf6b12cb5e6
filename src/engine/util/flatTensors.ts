// One flat vector from many tensors and back, so elementwise chains run once over all of them.
import * as tf from '@tensorflow/tfjs';

export const flatten = (ts: tf.Tensor[]): tf.Tensor1D =>
  (ts.length === 1 ? tf.reshape(ts[0], [-1]) : tf.concat(ts.map((t) => tf.reshape(t, [-1])))) as tf.Tensor1D;

/** Cuts a flat vector back into tensors of the given shapes. Slices, not tf.split: wasm's SplitV is far slower. */
export function unflatten(flat: tf.Tensor1D, shapes: number[][]): tf.Tensor[] {
  let offset = 0;
  return shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const part = tf.reshape(tf.slice(flat, [offset], [size]), shape);
    offset += size;
    return part;
  });
}
