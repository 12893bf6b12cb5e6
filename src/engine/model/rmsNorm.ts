// T5's RMS layer norm as one differentiable op with a closed-form gradient. Autodiff of the five-op chain costs about
// three times the kernels (a cast per multiply, broadcast reductions for the mean and the weight); on the wasm backend
// every kernel pays a fixed dispatch cost that dominates small models.
import * as tf from '@tensorflow/tfjs';

type NormOp = (x: tf.Tensor, weight: tf.Tensor) => tf.Tensor;
const ops = new Map<number, NormOp>();

function makeOp(eps: number): NormOp {
  const op = tf.customGrad(((x: tf.Tensor, w: tf.Tensor, save: tf.GradSaveFunc) => {
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps));
    const xr = tf.mul(x, r);
    save([w, xr, r]);
    return {
      value: tf.mul(xr, w),
      // With g = dy·w: dx = r·(g − xr·mean(g·xr)), dw = Σ_rows dy·xr.
      gradFunc: (dy: tf.Tensor, [sw, sxr, sr]: tf.Tensor[]) => {
        const g = tf.mul(dy, sw);
        const dx = tf.mul(tf.sub(g, tf.mul(sxr, tf.mean(tf.mul(g, sxr), -1, true))), sr);
        return [dx, tf.sum(tf.reshape(tf.mul(dy, sxr), [-1, sw.shape[0]]), 0)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op as unknown as NormOp;
}

/** y = x · rsqrt(mean(x², last axis) + eps) · weight (no mean subtraction, no bias). */
export function rmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  let op = ops.get(eps);
  if (!op) ops.set(eps, (op = makeOp(eps)));
  return op(x, weight);
}
