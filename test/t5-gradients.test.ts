// Gradients of the whole model (autodiff, with the custom wasm-friendly lookup and products) against central finite
// differences, on tiny configs of both FFN kinds, tied and untied.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeModel, randomBatch, tinyConfig, useBackend } from './helpers/tf';
import { makeRng } from '../src/engine/util/rng';

const configs = {
  'relu, tied': tinyConfig(),
  'gated-gelu, untied': tinyConfig({ ffn: 'gated-gelu', tieEmbeddings: false, numLayers: 2 }),
};

describe('model gradients against finite differences', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    for (const [label, config] of Object.entries(configs)) {
      it(`${label} on ${backend}`, async () => {
        await useBackend(backend);
        const model = makeModel(config, 5);
        const batch = randomBatch(config, 3, 6, 5);
        const vars = [...model.params.values()];
        const { grads } = tf.variableGrads(() => model.loss(batch), vars);
        const rng = makeRng(9);
        const h = 1e-2;
        let checked = 0;
        for (const [name, v] of model.params) {
          const g = await grads[v.name].data();
          const w = (await v.data()) as Float32Array;
          for (let t = 0; t < 3; t++) {
            const i = Math.floor(rng() * w.length);
            const at = (x: number) => {
              const copy = w.slice();
              copy[i] = x;
              v.assign(tf.tensor(copy, v.shape));
              return model.loss(batch).dataSync()[0];
            };
            const numeric = (at(w[i] + h) - at(w[i] - h)) / (2 * h);
            at(w[i]);
            // float32 losses: agree to 2% of the larger magnitude, or 2e-3 absolute for tiny gradients
            const tol = Math.max(2e-3, 0.02 * Math.max(Math.abs(numeric), Math.abs(g[i])));
            expect(Math.abs(numeric - g[i]), `${name}[${i}] numeric ${numeric} autodiff ${g[i]}`).toBeLessThan(tol);
            checked++;
          }
        }
        expect(checked).toBe(model.params.size * 3);
        model.dispose();
      });
    }
  }
});
