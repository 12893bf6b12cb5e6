// The model's fused ops (the RMS norm with its closed-form gradient, the one-product q/k/v projection, the token
// cross-entropy, the embedding lookup's scatter gradient) against the plain op chains they replace: values and
// gradients, on cpu and wasm.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { rmsNorm } from '../src/engine/model/rmsNorm';
import { tokenNll } from '../src/engine/model/crossEntropy';
import { lookupRows } from '../src/engine/model/embedding';
import { makeModel, tinyConfig, useBackend } from './helpers/tf';

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
const scaleOf = (a: tf.Tensor) => tf.tidy(() => Math.max(1e-6, tf.max(tf.abs(a)).dataSync()[0]));

/** Value and gradients of f(...xs) weighted by a fixed random cotangent, so every output element matters. */
function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, xs: tf.Tensor[], seed: number) {
  return tf.tidy(() => {
    const value = f(...xs);
    const dy = tf.randomNormal(value.shape, 0, 1, 'float32', seed);
    const grads = tf.grads((...ins: tf.Tensor[]) => tf.sum(tf.mul(f(...ins), dy)))(xs);
    return { value: tf.keep(value), grads: grads.map((g) => tf.keep(g)) };
  });
}

function expectClose(got: ReturnType<typeof valueAndGrads>, want: ReturnType<typeof valueAndGrads>, rel = 1e-5) {
  expect(maxDiff(got.value, want.value) / scaleOf(want.value)).toBeLessThan(rel);
  got.grads.forEach((g, i) =>
    expect(maxDiff(g, want.grads[i]) / scaleOf(want.grads[i]), `gradient ${i}`).toBeLessThan(rel),
  );
  tf.dispose([got.value, want.value, ...got.grads, ...want.grads]);
}

describe('fused ops against the plain chains', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`rms norm on ${backend}`, async () => {
      await useBackend(backend);
      const x = tf.randomNormal([3, 5, 8], 0, 2, 'float32', 1);
      const w = tf.randomNormal([8], 1, 0.3, 'float32', 2);
      const plain = (a: tf.Tensor, b: tf.Tensor) =>
        tf.mul(tf.mul(a, tf.rsqrt(tf.add(tf.mean(tf.square(a), -1, true), 1e-6))), b);
      expectClose(
        valueAndGrads((a, b) => rmsNorm(a, b, 1e-6), [x, w], 3),
        valueAndGrads(plain, [x, w], 3),
      );
      tf.dispose([x, w]);
    });

    it(`token cross-entropy (logsumexp − label logit, closed-form gradient) on ${backend}`, async () => {
      await useBackend(backend);
      // Large logits (a softmax that would overflow unshifted) and repeated labels, the first and last ids among them.
      const logits = tf.randomNormal([6, 11], 0, 30, 'float32', 4);
      const labels = tf.tensor1d([0, 10, 3, 3, 7, 0], 'int32');
      const plain = (x: tf.Tensor) =>
        tf.neg(tf.sum(tf.mul(tf.logSoftmax(x), tf.cast(tf.oneHot(labels, 11), 'float32')), 1));
      expectClose(
        valueAndGrads((x) => tokenNll(x as tf.Tensor2D, labels), [logits], 5),
        valueAndGrads(plain, [logits], 5),
      );
      tf.dispose([logits, labels]);
    });

    it(`embedding lookup and its gradient, repeated ids summed, on ${backend}`, async () => {
      await useBackend(backend);
      const table = tf.randomNormal([9, 4], 0, 1, 'float32', 6);
      const ids = tf.tensor1d([8, 2, 2, 0, 5, 2, 8], 'int32');
      // The plain chain: a one-hot product, forward and backward (what the scatter replaced).
      const plain = (t: tf.Tensor) => tf.matMul(tf.cast(tf.oneHot(ids, 9), 'float32'), t);
      expectClose(
        valueAndGrads((t) => lookupRows(t as tf.Tensor2D, ids), [table], 7),
        valueAndGrads(plain, [table], 7),
      );
      tf.dispose([table, ids]);
    });

    it(`q/k/v in one product on ${backend}`, async () => {
      await useBackend(backend);
      const model = makeModel(tinyConfig({ numHeads: 2, dKv: 3 }), 2);
      const names = ['q', 'k', 'v'].map((n) => `encoder.block.0.layer.0.SelfAttention.${n}.weight`);
      const ws = names.map((n) => model.params.get(n) as tf.Variable);
      const x = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 9);
      const joined = () => tf.concat(model.projectHeads(x, names).map((t) => tf.reshape(t, [-1])));
      const oneByOne = () => tf.concat(names.map((n) => tf.reshape(model.splitHeads(model.linear(x, n)), [-1])));
      const grads = (f: () => tf.Tensor) =>
        tf.tidy(() => {
          const dy = tf.randomNormal([3 * 2 * 2 * 5 * 3], 0, 1, 'float32', 10);
          const { value, grads: g } = tf.variableGrads(() => tf.sum(tf.mul(f(), dy)) as tf.Scalar, ws);
          return { value: tf.keep(f()), grads: [value, ...ws.map((w) => g[w.name])].map((t) => tf.keep(t)) };
        });
      expectClose(grads(joined), grads(oneByOne));
      x.dispose();
      model.dispose();
    });
  }
});
