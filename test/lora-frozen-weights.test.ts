// A training step that leaves weights frozen (LoRA) multiplies by cached transposes of them (frozenWeightProduct),
// where the plain path transposes each one every step. Both must give the adapters the same gradients bit for bit, at
// a shape whose products are large enough to take the cached path on wasm, and a weight that changes (merge) must
// not be multiplied through a stale transpose.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { LoraAdapter } from '../src/engine/model/lora';
import type { T5Model } from '../src/engine/model/t5';
import { BLOCKED_FROM } from '../src/engine/backend/wasmKernels/batchMatMul';
import { randomiseB } from './helpers/lora';
import { makeModel, randomBatch, tinyConfig, useBackend } from './helpers/tf';

// d = 512 at 8 × 16 positions: every projection and the vocabulary product reach BLOCKED_FROM.
const config = tinyConfig({ vocabSize: 512, dModel: 512, dKv: 64, numHeads: 8, dFf: 1024 });
const [rows, inLen, outLen] = [8, 16, 16];

/** Adapter gradients and loss of one step, with the base frozen (the trainer's path) or not told so. */
function adapterGrads(model: T5Model, adapter: LoraAdapter, batch: ReturnType<typeof randomBatch>, frozen: boolean) {
  const trains = new Set(adapter.paramNames());
  const names = new Set([...model.params.keys()].filter((n) => !trains.has(n)));
  const vars = [...adapter.params().values()];
  const loss = () => model.loss(batch, true);
  const { value, grads } = tf.variableGrads(() => (frozen ? model.withFrozen(names, loss) : loss()), vars);
  const out = [value, ...vars.map((v) => grads[v.name])].map((t) => t.dataSync().slice() as Float32Array);
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

describe('frozen weights in a LoRA step (wasm)', () => {
  it('give the adapters the same gradients as the plain products, also after a frozen weight changes', async () => {
    await useBackend('wasm');
    expect(rows * outLen * config.dModel * config.dModel).toBeGreaterThanOrEqual(BLOCKED_FROM);
    const model = makeModel(config, 4);
    const batch = randomBatch(config, rows, inLen, outLen);
    const adapter = new LoraAdapter(model, { rank: 4, alpha: 8, targets: 'q,v', seed: 2 });
    randomiseB(adapter, 9, 0.05);

    const plain = adapterGrads(model, adapter, batch, false);
    const tensors = tf.memory().numTensors;
    const first = adapterGrads(model, adapter, batch, true);
    // One cached transpose per frozen projection weight: 4 of the encoder's attention, 8 of the decoder's, 2 FFN
    // weights per block, and the tied vocabulary matrix.
    expect(tf.memory().numTensors - tensors).toBe(4 + 8 + 4 + 1);
    const second = adapterGrads(model, adapter, batch, true);
    expect(tf.memory().numTensors - tensors).toBe(4 + 8 + 4 + 1);
    for (const run of [first, second]) run.forEach((g, i) => expect(g).toEqual(plain[i]));

    // merge() assigns every adapted weight: their cached transposes are stale and must not be used.
    adapter.merge();
    for (const m of adapter.modules) m.b.assign(tf.mul(m.b, 0.5));
    const plainAfter = adapterGrads(model, adapter, batch, false);
    expect(plainAfter[1]).not.toEqual(plain[1]);
    adapterGrads(model, adapter, batch, true).forEach((g, i) => expect(g).toEqual(plainAfter[i]));
    model.dispose();
    expect(tf.memory().numTensors).toBeLessThan(tensors);
  }, 120_000);
});
