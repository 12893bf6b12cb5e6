// Task 0 trained once for the strategies that train it as seqft does: a run of seqft, weight-avg and mtl (with
// kif-hard, which tracks importance, between them) gives each strategy exactly the results it gets when run alone,
// where nothing is shared, while training task 0 once instead of three times.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runExperiment } from '../src/engine/experiment/runner';
import type { ResultsDocument } from '../src/engine/experiment/results';
import { Trainer } from '../src/engine/train/trainer';
import { useBackend } from './helpers/tf';
import { DROPOUT_SPEC_STEPS as STEPS, dropoutSpec } from './helpers/tinySpec';

beforeAll(() => useBackend('wasm'));
afterEach(() => vi.restoreAllMocks());

const spec = (strategies: string[]) => dropoutSpec(strategies, 3);

/** What a strategy's results say, without its timings. */
const results = (doc: ResultsDocument, i: number) => {
  const { timings: _, ...rest } = doc.strategies[i];
  return JSON.parse(JSON.stringify(rest));
};

async function run(strategies: string[]) {
  const steps = vi.spyOn(Trainer.prototype, 'step');
  const doc = await runExperiment(spec(strategies), {});
  const trained = steps.mock.calls.length;
  steps.mockRestore();
  return { doc, trained };
}

describe('task 0 shared between strategies that train it as seqft does', () => {
  it('gives every strategy the results it has when run alone, training task 0 once for the three', async () => {
    const names = ['seqft', 'weight-avg', 'kif-hard', 'mtl'];
    const together = await run(names);
    // seqft trains both tasks, kif-hard both (its hooks track importance), weight-avg and mtl only task 1.
    expect(together.trained).toBe(STEPS * (2 + 2 + 1 + 1));
    for (const [i, name] of names.entries()) {
      const alone = await run([name]);
      expect(alone.trained).toBe(2 * STEPS);
      expect(results(together.doc, i), name).toEqual(results(alone.doc, 0));
    }
  }, 120_000);

  it('re-emits task 0 steps under the taking strategy, with the run fraction of its own place', async () => {
    const fractions: number[][] = [[], []];
    const events: { strategy: number; task: number; step: number }[] = [];
    await runExperiment(spec(['seqft', 'mtl']), {
      onProgress: (e) => {
        fractions[e.strategy].push(e.fraction);
        events.push({ strategy: e.strategy, task: e.task, step: e.step });
      },
    });
    const planned = 2 * 2 * STEPS;
    expect(fractions[1]).toEqual(Array.from({ length: 2 * STEPS }, (_, i) => (2 * STEPS + i + 1) / planned));
    expect(events.filter((e) => e.strategy === 1 && e.task === 0).map((e) => e.step)).toEqual([1, 2, 3, 4, 5]);
  }, 60_000);
});
