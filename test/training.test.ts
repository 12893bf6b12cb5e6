// The training loop: seeded reproducibility, a clear stop on a non-finite loss with the earlier weights kept,
// no tensor leak, one step on wasm agreeing with cpu, and fixed batch shapes.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeModel, randomBatch, tinyConfig, useBackend } from './helpers/tf';
import { NonFiniteLossError, Trainer, type TrainSettings } from '../src/engine/train/trainer';
import { encodeExamples, shapeFor, paddedLength } from '../src/engine/train/batching';
import { createByteTokenizer } from '../src/engine/tokenizers/byteTokenizer';
import { makeTaskData } from '../src/engine/tasks/makeTaskData';
import { presetConfig } from '../src/engine/model/config';
import { ImportanceTracker, trackingHooks } from '../src/engine/kif/importance';
import { buildUnits } from '../src/engine/kif/units';

const settings = (over: Partial<TrainSettings> = {}): TrainSettings => ({
  steps: 12,
  lr: 1e-2,
  warmupSteps: 3,
  weightDecay: 0.01,
  batchSize: 4,
  clipNorm: 1,
  seed: 7,
  ...over,
});
const tok = createByteTokenizer();
const data = () => encodeExamples(tok, makeTaskData('reverse', { seed: 1, trainSize: 40, testSize: 0 }).train, 32, 16);
const byteConfig = () => tinyConfig({ vocabSize: tok.vocabSize, dModel: 16, dFf: 32 });

async function lossesOf(backend: 'cpu' | 'wasm', over: Partial<TrainSettings> = {}) {
  await useBackend(backend);
  const model = makeModel(byteConfig(), 2);
  const enc = data();
  const t = new Trainer(model, settings(over));
  const log = await t.train(enc, shapeFor(enc, 4, 32, 16));
  t.dispose();
  model.dispose();
  return log.map((s) => s.loss);
}

describe('training loop', () => {
  it('gives the same loss sequence for the same seed, and another for another seed', async () => {
    const a = await lossesOf('wasm');
    const b = await lossesOf('wasm');
    const c = await lossesOf('wasm', { seed: 8 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a[a.length - 1]).toBeLessThan(a[0]);
  });

  it('one training step on wasm matches cpu', async () => {
    const cpu = await lossesOf('cpu', { steps: 3 });
    const wasm = await lossesOf('wasm', { steps: 3 });
    cpu.forEach((l, i) => expect(Math.abs(l - wasm[i])).toBeLessThan(1e-4 * Math.max(1, l)));
  });

  it('updated weights after one step agree between wasm and cpu', async () => {
    const weightsAfterStep = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend);
      const c = byteConfig();
      const model = makeModel(c, 4);
      const t = new Trainer(model, settings());
      await t.step(randomBatch(c, 4, 8, 6), 0, 10);
      const w = await model.exportWeights();
      t.dispose();
      model.dispose();
      return w;
    };
    const a = await weightsAfterStep('cpu');
    const b = await weightsAfterStep('wasm');
    for (const [name, t] of a) {
      const u = (b.get(name) as { data: Float32Array }).data;
      let worst = 0;
      t.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - u[i]))));
      expect(worst, name).toBeLessThan(1e-5);
    }
  });

  it('the host (JavaScript) and device (flat kernels) AdamW paths give the same weights', async () => {
    const after = async (optimizerOn: 'host' | 'device') => {
      await useBackend('wasm');
      const c = byteConfig();
      const model = makeModel(c, 6);
      const enc = data();
      const t = new Trainer(model, settings({ steps: 5, optimizerOn }));
      const log = await t.train(enc, shapeFor(enc, 4, 32, 16));
      const w = await model.exportWeights();
      t.dispose();
      model.dispose();
      return { w, log };
    };
    const a = await after('host');
    const b = await after('device');
    a.log.forEach((s, i) => expect(Math.abs(s.gradNorm - b.log[i].gradNorm)).toBeLessThan(1e-3 * s.gradNorm));
    for (const [name, t] of a.w) {
      const u = (b.w.get(name) as { data: Float32Array }).data;
      let worst = 0;
      t.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - u[i]))));
      expect(worst, name).toBeLessThan(1e-5);
    }
  });

  it('importance fed by the host update (host arrays) equals importance fed by the device update (clipped gradient tensors)', async () => {
    const scoresAfter = async (optimizerOn: 'host' | 'device') => {
      await useBackend('wasm');
      const c = byteConfig();
      const model = makeModel(c, 6);
      const enc = data();
      const specs = [...model.params].map(([name, v]) => ({ name, shape: v.shape }));
      const tracker = new ImportanceTracker(specs, { placement: optimizerOn });
      // clipNorm 0.5 keeps every step clipped, so the scale the host hook applies is exercised.
      const t = new Trainer(model, settings({ steps: 5, optimizerOn, clipNorm: 0.5 }));
      const log = await t.train(enc, shapeFor(enc, 4, 32, 16), trackingHooks(tracker, model.params));
      const scores = await tracker.unitScores(buildUnits('head-neuron', specs, { numHeads: c.numHeads }));
      const steps = tracker.steps;
      tracker.dispose();
      t.dispose();
      model.dispose();
      return { scores, steps, clipped: log.every((s) => s.gradNorm > 0.5) };
    };
    const host = await scoresAfter('host');
    const device = await scoresAfter('device');
    expect([host.steps, device.steps, host.clipped]).toEqual([4, 4, true]);
    expect(host.scores.size).toBe(device.scores.size);
    expect(host.scores.size).toBeGreaterThanOrEqual(20);
    for (const [name, w] of device.scores) {
      expect(w, name).toBeGreaterThan(0);
      expect(Math.abs(host.scores.get(name)! - w) / w, name).toBeLessThan(1e-3);
    }
  });

  for (const optimizerOn of ['host', 'device'] as const)
    it(`stops at a non-finite loss naming the step, keeping the weights from before it (${optimizerOn} update)`, async () => {
      await useBackend('wasm');
      const c = byteConfig();
      const model = makeModel(c, 3);
      const enc = data();
      const t = new Trainer(model, settings({ steps: 10, optimizerOn }));
      let before = new Map<string, Float32Array>();
      let err: unknown;
      try {
        await t.train(enc, shapeFor(enc, 4, 32, 16), {
          extraLoss: () => (t.optimizer.stepCount === 4 ? tf.scalar(NaN) : null),
          onStep: async () => {
            before = new Map([...(await model.exportWeights())].map(([k, v]) => [k, v.data]));
          },
        });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NonFiniteLossError);
      expect((err as NonFiniteLossError).step).toBe(4);
      expect((err as Error).message).toMatch(/step 5: the loss became NaN/);
      const after = await model.exportWeights();
      for (const [k, v] of after) expect(Array.from(v.data)).toEqual(Array.from(before.get(k) as Float32Array));
      t.dispose();
      model.dispose();
    });

  it('leaks no tensors: the count after step 10 equals the count after step 200', async () => {
    await useBackend('wasm');
    const c = byteConfig();
    const model = makeModel(c, 3);
    const enc = data();
    const t = new Trainer(model, settings({ steps: 200 }));
    const counts: Record<number, number> = {};
    await t.train(enc, shapeFor(enc, 4, 32, 16), { onStep: (s) => void (counts[s.step + 1] = tf.memory().numTensors) });
    expect(counts[10]).toBeGreaterThan(0);
    expect(counts[200]).toBe(counts[10]);
    t.dispose();
    model.dispose();
  });

  it('pads batches to a small set of fixed shapes', () => {
    expect([1, 8, 9, 17, 30, 33].map((n) => paddedLength(n, 512))).toEqual([8, 8, 16, 24, 32, 48]);
    expect(paddedLength(700, 512)).toBe(512);
    const enc = data();
    const s = shapeFor(enc, 8, 64, 32);
    expect(s.inLen % 8).toBe(0);
    expect(presetConfig('nano').vocabSize).toBe(tok.vocabSize);
  });
});
