// The acceptance run of the engine: the nano preset learns to reverse strings of up to 8 letters from scratch to at
// least 95% exact match on 200 held-out strings, with a fixed seed, on the wasm backend (a few minutes on 2 cores).
import { describe, expect, it } from 'vitest';
import { runQuickTrain } from '../src/engine/demo/quickTrain';
import { useBackend } from './helpers/tf';

describe('nano preset on string reversal', () => {
  it('reaches at least 95% exact match (seed 0, 1200 steps of batch 64)', async () => {
    await useBackend('wasm');
    const evals: number[] = [];
    const final = await runQuickTrain(
      { preset: 'nano', task: 'reverse', steps: 1200, seed: 0, evalEvery: 600, batchSize: 64, lr: 5e-3, maxLen: 8 },
      { onEval: (e) => evals.push(e.exactMatch) },
    );
    expect(final.step).toBe(1200);
    expect(final.samples.length).toBeGreaterThan(0);
    expect(final.exactMatch).toBeGreaterThanOrEqual(95);
    expect(evals[0]).toBeLessThan(final.exactMatch); // it was learned during the run, not given
  }, 900_000);
});
