// LoRA adapters on the T5 model: the two-thin-products forward equals a forward with the merged weight W + (α/r)·B·A,
// merging leaves the function unchanged, and the adapter gradients match central finite differences.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { buildUnits } from '../src/engine/kif/units';
import { LoraAdapter, loraNames, mergedWeights } from '../src/engine/model/lora';
import { T5Model } from '../src/engine/model/t5';
import { makeRng } from '../src/engine/util/rng';
import { randomiseB } from './helpers/lora';
import { makeModel, randomBatch, tinyConfig, useBackend } from './helpers/tf';

const config = tinyConfig({ numLayers: 2 });

const logitsOf = (model: T5Model, batch: ReturnType<typeof randomBatch>) =>
  tf.tidy(() => model.forward(batch).dataSync() as Float32Array);
const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

describe('LoRA adapters', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`forward equals the merged-weight forward, and merge() keeps the function (${backend})`, async () => {
      await useBackend(backend);
      const model = makeModel(config, 5);
      const batch = randomBatch(config, 3, 6, 5);
      const before = logitsOf(model, batch);
      const adapter = new LoraAdapter(model, { rank: 3, alpha: 6, targets: 'q,v', seed: 1 });
      // q and v of every attention: encoder self ×2, decoder self and cross ×1 each.
      expect(adapter.modules.map((m) => m.module)).toEqual([
        'encoder.block.0.layer.0.SelfAttention.q',
        'encoder.block.0.layer.0.SelfAttention.v',
        'encoder.block.1.layer.0.SelfAttention.q',
        'encoder.block.1.layer.0.SelfAttention.v',
        'decoder.block.0.layer.0.SelfAttention.q',
        'decoder.block.0.layer.0.SelfAttention.v',
        'decoder.block.0.layer.1.EncDecAttention.q',
        'decoder.block.0.layer.1.EncDecAttention.v',
      ]);
      expect(adapter.scale).toBe(2);
      // B = 0: a fresh adapter changes nothing.
      expect(maxAbsDiff(logitsOf(model, batch), before)).toBe(0);
      randomiseB(adapter, 2, 0.3);
      const withLora = logitsOf(model, batch);
      expect(maxAbsDiff(withLora, before)).toBeGreaterThan(1e-2);

      // An independent model holding W + (α/r)·B·A computed on the host.
      const merged = await mergedWeights(model, [adapter]);
      expect([...merged.keys()].some((n) => n.includes('lora'))).toBe(false);
      const reference = new T5Model(config, merged);
      expect(maxAbsDiff(logitsOf(reference, batch), withLora)).toBeLessThan(1e-5);
      const q = adapter.modules[0];
      const [a, b, w0] = [
        q.a.dataSync(),
        q.b.dataSync(),
        (await makeModel(config, 5).exportWeights()).get(q.weight)!.data,
      ];
      const [out, r, inDim] = [q.b.shape[0], q.a.shape[0], q.a.shape[1] as number];
      const wm = merged.get(q.weight)!.data;
      for (const [i, j] of [
        [0, 0],
        [out - 1, inDim - 1],
        [2, 3],
      ]) {
        let ba = 0;
        for (let t = 0; t < r; t++) ba += b[i * r + t] * a[t * inDim + j];
        expect(wm[i * inDim + j]).toBeCloseTo(w0[i * inDim + j] + 2 * ba, 5);
      }

      adapter.merge();
      adapter.detach();
      expect([...model.params.keys()].some((n) => n.includes('lora'))).toBe(false);
      expect(model.projectionExtras.size).toBe(0);
      expect(maxAbsDiff(logitsOf(model, batch), withLora)).toBeLessThan(1e-5);
      reference.dispose();
      model.dispose();
    });

    it(`adapter gradients match central finite differences (${backend})`, async () => {
      await useBackend(backend);
      const model = makeModel(config, 7);
      const batch = randomBatch(config, 3, 6, 5);
      const adapter = new LoraAdapter(model, { rank: 2, alpha: 4, targets: 'q,k,v,o,ffn', seed: 3 });
      randomiseB(adapter, 4, 0.3);
      const vars = adapter.paramNames().map((n) => model.params.get(n)!);
      const { grads } = tf.variableGrads(() => model.loss(batch), vars);
      const rng = makeRng(11);
      const h = 1e-3; // small: a larger step crosses ReLU kinks of the FFN (1e-2 disagreed by 30% on one element)
      for (const v of vars) {
        const g = grads[v.name].dataSync();
        const w = v.dataSync() as Float32Array;
        for (let t = 0; t < 2; t++) {
          const i = Math.floor(rng() * w.length);
          const at = (x: number) => {
            const copy = w.slice();
            copy[i] = x;
            v.assign(tf.tensor(copy, v.shape));
            return tf.tidy(() => model.loss(batch).dataSync()[0]);
          };
          const numeric = (at(w[i] + h) - at(w[i] - h)) / (2 * h);
          at(w[i]);
          const tol = Math.max(2e-3, 0.02 * Math.max(Math.abs(numeric), Math.abs(g[i])));
          expect(Math.abs(numeric - g[i]), `${v.name}[${i}] numeric ${numeric} autodiff ${g[i]}`).toBeLessThan(tol);
        }
      }
      tf.dispose(Object.values(grads));
      model.dispose();
    });
  }

  it('names the pair <module>.lora_A / .lora_B, so lora-rank units are (row j of A, column j of B)', async () => {
    await useBackend('cpu');
    const model = makeModel(config, 1);
    const adapter = new LoraAdapter(model, { rank: 3, alpha: 3, targets: 'q,v', seed: 1 });
    expect(loraNames('x.q')).toEqual({ a: 'x.q.lora_A', b: 'x.q.lora_B' });
    const units = buildUnits('lora-rank', adapter.paramShapes(), { numHeads: config.numHeads });
    expect(units).toHaveLength(8 * 3);
    expect(units[1]).toEqual({
      name: 'encoder.block.0.layer.0.SelfAttention.q.lora|1',
      parts: [
        { param: 'encoder.block.0.layer.0.SelfAttention.q.lora_A', slice: { axis: 0, start: 1, end: 2 } },
        { param: 'encoder.block.0.layer.0.SelfAttention.q.lora_B', slice: { axis: 1, start: 1, end: 2 } },
      ],
      combine: 'product',
      // The unit-kind registry's record, made with the unit: rank 1 of the adapter on encoder layer 0's q.
      info: {
        shape: 'lora-rank',
        stack: 'encoder',
        layer: 0,
        sublayer: 0,
        module: 'SelfAttention',
        role: 'q',
        index: 1,
      },
    });
    expect(() => new LoraAdapter(model, { rank: 3, alpha: 3, targets: 'q,v', seed: 2 })).toThrow(
      /already has a LoRA adapter/,
    );
    expect(() => new LoraAdapter(model, { rank: 3, alpha: 3, targets: 'nope', seed: 2 })).toThrow(
      /unknown LoRA targets/,
    );
    model.dispose();
  });
});
