// The pretraining objective and loop: span corruption as T5 defines it, a mixture that the demos stay out of, and a
// resume that continues exactly where an interrupted run stopped.
import { beforeAll, describe, expect, it } from 'vitest';
import { listDemos } from '../src/engine/experiment/demos';
import { drawRow, mixtureDefaults, pretrainTasks } from '../src/engine/pretrain/mixture';
import { pretrain, pretrainBatch, type PretrainSettings } from '../src/engine/pretrain/pretrain';
import { byteSentinelTop, spanCorrupt } from '../src/engine/pretrain/spanCorruption';
import { createByteTokenizer } from '../src/engine/tokenizers/byteTokenizer';
import { disposeBatch } from '../src/engine/train/batching';
import { makeRng } from '../src/engine/util/rng';
import { useBackend } from './helpers/tf';
import { tinyByteConfig } from './helpers/tinySpec';

const tok = createByteTokenizer();
const opts = { noiseDensity: 0.15, meanSpan: 3, sentinelTop: byteSentinelTop, eosId: 1 };

/** Puts the spans of the target back behind their sentinels: the independent inverse of span corruption. */
function restore(input: number[], output: number[]): number[] {
  const spans = new Map<number, number[]>();
  let cur: number[] | undefined;
  for (const id of output.slice(0, -1)) {
    if (id > byteSentinelTop - 100) spans.set(id, (cur = []));
    else cur?.push(id);
  }
  return input.slice(0, -1).flatMap((id) => (spans.has(id) ? spans.get(id)! : [id]));
}

describe('span corruption', () => {
  it('masks round(15%) of the tokens in round(noisy / 3) spans, and input plus target give back the text', () => {
    const rng = makeRng(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 2 + Math.floor(rng() * 60);
      const ids = Array.from({ length: n }, () => 3 + Math.floor(rng() * 150));
      const { input, output } = spanCorrupt(ids, rng, opts);
      expect(restore(input, output)).toEqual(ids);
      const noisy = Math.min(n - 1, Math.max(1, Math.round(n * 0.15)));
      const spans = Math.min(noisy, n - noisy, Math.max(1, Math.round(noisy / 3)));
      const sentinels = output.filter((id) => id > byteSentinelTop - 100);
      // Sentinels count down from the top id, one per span plus the closing one.
      expect(sentinels).toEqual(Array.from({ length: spans + 1 }, (_, k) => byteSentinelTop - k));
      expect(output.length - sentinels.length - 1).toBe(noisy);
      expect(input.at(-1)).toBe(1);
      expect(output.at(-1)).toBe(1);
    }
  });

  it('refuses a text too short to mask', () => {
    expect(() => spanCorrupt([5], makeRng(1), opts)).toThrow(/at least 2 tokens/);
  });
});

describe('the pretraining mixture', () => {
  it('leaves out every task a built-in demo uses', () => {
    const used = listDemos().flatMap((d) =>
      d.spec({ seed: 0 }).tasks.flatMap((t) => (typeof t.task === 'string' ? [t.task] : [])),
    );
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((t) => (pretrainTasks as readonly string[]).includes(t))).toEqual([]);
  });

  it('draws both objectives in about the asked shares, and every row fits the base batch lengths', () => {
    const rng = makeRng(3);
    let span = 0;
    for (let i = 0; i < 2000; i++) {
      const row = drawRow(rng, tok, mixtureDefaults);
      if (row.input.includes(byteSentinelTop)) span++;
      expect(row.input.length).toBeLessThanOrEqual(24);
      expect(row.output.length).toBeLessThanOrEqual(16);
    }
    expect(span / 2000).toBeGreaterThan(0.25);
    expect(span / 2000).toBeLessThan(0.35);
  });
});

describe('pretraining', () => {
  beforeAll(() => useBackend('wasm'));
  const settings: PretrainSettings = {
    steps: 6,
    seed: 5,
    batchSize: 4,
    lr: 1e-2,
    warmupSteps: 2,
    weightDecay: 0.01,
    clipNorm: 1,
    inLen: 24,
    outLen: 16,
    mixture: mixtureDefaults,
  };

  it('gives step i the same batch whenever it is drawn', async () => {
    const [a, b] = [pretrainBatch(tok, settings, 4), pretrainBatch(tok, settings, 4)];
    const c = pretrainBatch(tok, settings, 5);
    expect(await a.inputIds.array()).toEqual(await b.inputIds.array());
    expect(await a.inputIds.array()).not.toEqual(await c.inputIds.array());
    [a, b, c].forEach(disposeBatch);
  });

  it('stopped at step 3 and resumed, it ends with exactly the weights of an uninterrupted run', async () => {
    const full = await pretrain(tinyByteConfig, tok, settings);
    let calls = 0;
    const half = await pretrain(tinyByteConfig, tok, settings, { shouldStop: () => calls++ >= 3, logEvery: 1 });
    expect(half.step).toBe(3);
    expect(half.optimizer?.t).toBe(3);
    const resumed = await pretrain(tinyByteConfig, tok, settings, { logEvery: 1 }, half);
    expect(resumed.step).toBe(6);
    for (const [name, t] of full.weights)
      expect(Array.from(resumed.weights.get(name)!.data), name).toEqual(Array.from(t.data));
    // Training moved the weights at all.
    const fresh = await pretrain(tinyByteConfig, tok, { ...settings, steps: 0 });
    expect(Array.from(fresh.weights.get('shared.weight')!.data)).not.toEqual(
      Array.from(full.weights.get('shared.weight')!.data),
    );
  });
});
