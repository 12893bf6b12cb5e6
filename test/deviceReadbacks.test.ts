// The GPU path's readbacks, counted on the cpu backend with the work placed as on a GPU ('device'), as the engine's calls
// of a tensor's data() and dataSync() (the cpu backend's own kernels read synchronously inside): a training step
// with KIF importance tracking reads back once, asynchronously (loss and gradient norm together, for the non-finite
// check), and greedy decoding reads only asynchronously, once every few tokens. A synchronous read would stall a GPU's
// queue every step.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { ImportanceTracker, trackingHooks } from '../src/engine/kif/importance';
import { greedyDecode } from '../src/engine/model/greedy';
import { paramSpecs } from '../src/engine/model/paramSpec';
import { Trainer } from '../src/engine/train/trainer';
import { makeModel, randomBatch, tinyConfig, useBackend } from './helpers/tf';

beforeAll(() => useBackend('cpu'));
afterEach(() => vi.restoreAllMocks());

/** The engine's reads of tensor values while f runs (array() and arraySync() read through these two). */
async function countReadbacks(f: () => Promise<unknown>): Promise<{ reads: number; sync: number }> {
  const spies = [vi.spyOn(tf.Tensor.prototype, 'data'), vi.spyOn(tf.Tensor.prototype, 'dataSync')];
  await f();
  const [data, dataSync] = spies.map((s) => s.mock.calls.length);
  spies.forEach((s) => s.mockRestore());
  return { reads: data + dataSync, sync: dataSync };
}

describe('readbacks on the device path', () => {
  it('a tracked training step reads back once, never synchronously', async () => {
    const c = tinyConfig();
    const model = makeModel(c);
    const trainer = new Trainer(model, {
      steps: 10,
      lr: 1e-3,
      warmupSteps: 1,
      weightDecay: 0.01,
      batchSize: 2,
      clipNorm: 1,
      seed: 1,
      optimizerOn: 'device',
    });
    const tracker = new ImportanceTracker(paramSpecs(c), { placement: 'device' });
    expect(tracker.onHost).toBe(false);
    const hooks = trackingHooks(tracker, model.params);
    const batch = randomBatch(c, 2, 5, 4);
    await trainer.step(batch, 0, 10, hooks);
    for (let s = 1; s < 4; s++) {
      const counts = await countReadbacks(() => trainer.step(batch, s, 10, hooks));
      expect(counts).toEqual({ reads: 1, sync: 0 });
    }
    tf.dispose(Object.values(batch));
    tracker.dispose();
    trainer.dispose();
    model.dispose();
  });

  it('greedy decoding reads back asynchronously, once every four tokens', async () => {
    const c = tinyConfig();
    const model = makeModel(c);
    const batch = randomBatch(c, 3, 5, 4);
    const counts = await countReadbacks(() => greedyDecode(model, batch.inputIds, batch.inputMask, { maxLen: 8 }));
    expect(counts).toEqual({ reads: 1, sync: 0 });
    const withEos = await countReadbacks(() =>
      greedyDecode(model, batch.inputIds, batch.inputMask, { maxLen: 8, eosId: c.vocabSize + 1 }),
    );
    expect(withEos).toEqual({ reads: 2, sync: 0 });
    tf.dispose(Object.values(batch));
    model.dispose();
  });
});
