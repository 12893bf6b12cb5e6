// The LoRA strategies do what their descriptions claim, on tiny models: seqlora trains only the adapter and merges it;
// kif-lora scores rank units by the reference rule, fuses them softly and has the right penalty gradient; olora's
// penalty drives the overlap with earlier adapters down. Checked against host computations written out here.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunCheckpoint } from '../src/engine/experiment/resume';
import { runExperiment } from '../src/engine/experiment/runner';
import { applyFusionHost, planFusion } from '../src/engine/kif/fusion';
import { buildUnits } from '../src/engine/kif/units';
import { initWeights, type HostTensor, type HostTensors } from '../src/engine/model/init';
import { LoraAdapter } from '../src/engine/model/lora';
import { orthogonalityPenalty, kifLora } from '../src/engine/strategies/kifLora';
import { oloraOverlap } from '../src/engine/strategies/olora';
import { adapterSeedLabel } from '../src/engine/strategies/loraStrategy';
import { getStrategy, resolveStrategy } from '../src/engine/strategies/registry';
import type { StrategyEnv, StrategyEvent } from '../src/engine/strategies/types';
import { deriveSeed, makeRng } from '../src/engine/util/rng';
import { hasShared, sharedPath } from './shared';
import { randomiseB } from './helpers/lora';
import { makeModel, tinyConfig, useBackend } from './helpers/tf';
import { runCapturing, strategySpec, tinyByteConfig } from './helpers/tinySpec';

beforeAll(() => useBackend('wasm'));

const SEED = 3;

const isAdapter = (name: string) => /\.lora_[AB]$/.test(name);
const base = (w: HostTensors) => new Map([...w].filter(([n]) => !isAdapter(n)));
const adapter = (w: HostTensors) => new Map([...w].filter(([n]) => isAdapter(n)));
const maxDiff = (a: HostTensors, b: HostTensors) => {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  return Math.max(
    ...[...a].map(([n, t]) => t.data.reduce((m, x, i) => Math.max(m, Math.abs(x - b.get(n)!.data[i])), 0)),
  );
};
const absMax = (t: HostTensor) => t.data.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** B·A on the host: [out, r]·[r, in]. */
function hostProduct(b: HostTensor, a: HostTensor): Float32Array {
  const [out, r] = b.shape;
  const inDim = a.shape[1];
  const c = new Float32Array(out * inDim);
  for (let i = 0; i < out; i++)
    for (let j = 0; j < inDim; j++)
      for (let t = 0; t < r; t++) c[i * inDim + j] += b.data[i * r + t] * a.data[t * inDim + j];
  return c;
}

const targetQV = (name: string) => /(SelfAttention|EncDecAttention)\.(q|v)\.weight$/.test(name);

describe('seqlora', () => {
  it('trains only the adapter (base frozen), then merges it: W_final = W + (α/r)·B·A, no adapter left', async () => {
    const { weights, s } = await runCapturing(strategySpec([{ name: 'seqlora', knobs: { rank: 2, alpha: 6 } }]));
    expect(s.error).toBeUndefined();
    const init = initWeights(tinyByteConfig, SEED);
    const trained0 = weights.get('0/trained')!;
    expect(maxDiff(base(trained0), init)).toBe(0); // every base weight exactly as it started
    const ad = adapter(trained0);
    expect(ad.size).toBe(2 * 6); // A and B on q and v of encoder self, decoder self and cross attention
    for (const [n, t] of ad) if (n.endsWith('lora_B')) expect(absMax(t), n).toBeGreaterThan(1e-4); // B left zero: it trained
    const final0 = weights.get('0/final')!;
    expect(adapter(final0).size).toBe(0);
    for (const [name, w] of init) {
      const got = final0.get(name)!.data;
      if (!targetQV(name)) {
        expect(maxDiff(new Map([[name, final0.get(name)!]]), new Map([[name, w]]))).toBe(0);
        continue;
      }
      const module = name.replace(/\.weight$/, '');
      const ba = hostProduct(ad.get(`${module}.lora_B`)!, ad.get(`${module}.lora_A`)!);
      const worst = w.data.reduce((m, x, i) => Math.max(m, Math.abs(x + 3 * ba[i] - got[i])), 0);
      expect(worst, name).toBeLessThan(1e-5);
    }
    // The next task starts from the merged model with a fresh adapter, the base again frozen.
    expect(maxDiff(base(weights.get('1/trained')!), final0)).toBe(0);
  });
});

const vectors = hasShared ? JSON.parse(readFileSync(sharedPath('kif', 'test-vectors.json'), 'utf8')) : null;
type Nested = number | Nested[];
const flat = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);

describe('kif-lora', () => {
  it.skipIf(!hasShared)(
    'scores rank units as the reference vectors: mean(s_B[:,j])·mean(s_A[j,:]) of the second-order EMA scores',
    async () => {
      // lora_rank_units_example has A [2, 4] and B [3, 2]: the q projection of a model with d_model 4 and one head of 3.
      const ex = vectors.lora_rank_units_example;
      const model = makeModel(tinyConfig({ dModel: 4, dKv: 3, numHeads: 1 }), 1);
      const events: StrategyEvent[] = [];
      const env = {
        model,
        config: model.config,
        unitsFor: (params) => buildUnits('lora-rank', params, { numHeads: 1 }),
        rng: (label: string) => makeRng(deriveSeed(0, label)),
        importanceEvery: 0,
        emit: (e: StrategyEvent) => void events.push(e),
        inspect: async () => {},
      } as Partial<StrategyEnv> as StrategyEnv;
      const run = kifLora.create(env, { ...defaults('kif-lora'), rank: 2 });
      const q = 'encoder.block.0.layer.0.SelfAttention.q';
      const adapterNames = [...model.params.keys()].filter(isAdapter);
      run.beforeTask!(0);
      const hooks = run.hooks!(0);
      // A junk first step (KIF skips it), then the two steps of the example on q; the other modules get zero gradients.
      const steps = [ex.steps[1], ...ex.steps];
      for (const [i, step] of steps.entries()) {
        const grads = new Map<string, tf.Tensor>();
        for (const name of adapterNames) {
          const v = model.params.get(name)!;
          const key = name === `${q}.lora_A` ? 'A' : name === `${q}.lora_B` ? 'B' : null;
          if (key) v.assign(tf.tensor(flat(step.params[key]), v.shape));
          grads.set(name, key ? tf.tensor(flat(step.grads[key]), v.shape) : tf.zerosLike(v));
        }
        hooks.onGrads!(grads, i);
        tf.dispose([...grads.values()]);
      }
      await run.afterTask!(0);
      const final = events.find((e) => e.type === 'importance' && e.final);
      expect(final?.type === 'importance' && final.step).toBe(2);
      const scores = final?.type === 'importance' ? final.scores : {};
      expect(Object.keys(scores)).toHaveLength(6 * 2); // q and v of encoder self, decoder self and cross, rank 2
      for (const j of [0, 1]) expect(scores[`${q}.lora|${j}`]).toBeCloseTo(ex.unit_scores[`layer0.q|${j}`], 6);
      expect(scores['encoder.block.0.layer.0.SelfAttention.v.lora|0']).toBe(0);
      run.dispose();
      model.dispose();
    },
  );

  it('keeps the base frozen, tracks rank units, and fuses the adapter softly: c_prev·old + c_cur·new per rank unit', async () => {
    const knobs = { rank: 2, alpha: 4, tau: 0.5, beta: 0.6 };
    const spec = strategySpec([{ name: 'kif-lora', knobs }], { units: { granularity: 'lora-rank', blockSize: 16 } });
    const { weights, s } = await runCapturing(spec);
    expect(s.error).toBeUndefined();
    const init = initWeights(tinyByteConfig, SEED);
    for (const stage of ['0/trained', '0/final', '1/trained', '1/final'])
      expect(maxDiff(base(weights.get(stage)!), init), stage).toBe(0);
    const units = buildUnits(
      'lora-rank',
      [...adapter(weights.get('0/final')!)].map(([name, t]) => ({ name, shape: t.shape })),
      { numHeads: 2 },
    );
    expect(units).toHaveLength(6 * 2);
    const imp = s.importance!;
    expect(Object.keys(imp.tasks[1]).sort()).toEqual(units.map((u) => u.name).sort());
    expect(imp.accumulated[0]).toEqual(imp.tasks[0]);
    const toMap = (r: Record<string, number>) => new Map(Object.entries(r));
    const plan = planFusion(toMap(imp.accumulated[0]), toMap(imp.tasks[1]), { kind: 'soft', tau: 0.5 }, 0.6);
    const expected = applyFusionHost(
      adapter(weights.get('0/final')!),
      adapter(weights.get('1/trained')!),
      units,
      plan.coeffs,
    );
    expect(maxDiff(adapter(weights.get('1/final')!), expected)).toBeLessThan(1e-6);
    expect(maxDiff(adapter(weights.get('1/final')!), adapter(weights.get('1/trained')!))).toBeGreaterThan(1e-4);
    // Soft coefficients are strictly between 0 and 1, and the report is the plan.
    for (const c of plan.coeffs.values()) expect(c.prev > 0 && c.prev < 1).toBe(true);
    expect(s.fusions).toHaveLength(1);
    expect(s.fusions[0].prevWeight).toEqual(Object.fromEntries([...plan.coeffs].map(([u, c]) => [u, c.prev])));
    expect(imp.accumulated[1]).toEqual(Object.fromEntries(plan.accumulated));
  });

  it('orthogonality penalty: λ·mean over matrices of ‖P − I‖_F, its gradient matching finite differences', async () => {
    const model = makeModel(tinyConfig(), 2);
    const ad = new LoraAdapter(model, { rank: 3, alpha: 3, targets: 'q,v', seed: 5 });
    randomiseB(ad, 6, 0.5);
    // Host value: for A [r, in] P = A·Aᵀ, for B [out, r] P = Bᵀ·B.
    const fro = (x: Float32Array, rows: number, cols: number, rowsOfP: boolean) => {
      const r = rowsOfP ? rows : cols;
      let sq = 0;
      for (let i = 0; i < r; i++) {
        for (let j = 0; j < r; j++) {
          let p = 0;
          if (rowsOfP) for (let t = 0; t < cols; t++) p += x[i * cols + t] * x[j * cols + t];
          else for (let t = 0; t < rows; t++) p += x[t * cols + i] * x[t * cols + j];
          sq += (p - (i === j ? 1 : 0)) ** 2;
        }
      }
      return Math.sqrt(sq);
    };
    const hostValue = () => {
      const terms = ad.modules.flatMap((m) => [
        fro(m.a.dataSync() as Float32Array, m.a.shape[0], m.a.shape[1]!, true),
        fro(m.b.dataSync() as Float32Array, m.b.shape[0], m.b.shape[1]!, false),
      ]);
      return (0.1 * terms.reduce((a, b) => a + b, 0)) / terms.length;
    };
    expect(tf.tidy(() => orthogonalityPenalty(ad, 0.1).dataSync()[0])).toBeCloseTo(hostValue(), 5);
    const vars = [...ad.params().values()];
    const { grads } = tf.variableGrads(() => orthogonalityPenalty(ad, 0.1), vars);
    const h = 1e-2;
    for (const v of vars) {
      const g = grads[v.name].dataSync();
      const w = v.dataSync() as Float32Array;
      for (const i of [0, Math.floor(w.length / 2), w.length - 1]) {
        const at = (x: number) => {
          const copy = w.slice();
          copy[i] = x;
          v.assign(tf.tensor(copy, v.shape));
          return hostValue();
        };
        const numeric = (at(w[i] + h) - at(w[i] - h)) / (2 * h);
        at(w[i]);
        expect(Math.abs(numeric - g[i]), `${v.name}[${i}] numeric ${numeric} autodiff ${g[i]}`).toBeLessThan(
          Math.max(1e-4, 0.01 * Math.abs(numeric)),
        );
      }
    }
    tf.dispose(Object.values(grads));
    model.dispose();
  });
});

describe('olora', () => {
  /** Σ over modules of Σ|A_0·A_1ᵀ| between task 0's and task 1's lora_A. */
  function overlap(a0: HostTensors, a1: HostTensors): number {
    let sum = 0;
    for (const [name, t0] of a0) {
      if (!name.endsWith('lora_A')) continue;
      const t1 = a1.get(name)!;
      const [r, inDim] = t0.shape;
      for (let i = 0; i < r; i++)
        for (let j = 0; j < r; j++) {
          let p = 0;
          for (let c = 0; c < inDim; c++) p += t0.data[i * inDim + c] * t1.data[j * inDim + c];
          sum += Math.abs(p);
        }
    }
    return sum;
  }

  it('the penalty λ1·Σ|A_old·A_newᵀ| drives the overlap with the earlier adapter down over training; the base stays frozen', async () => {
    const run = async (lambda1: number) =>
      runCapturing(strategySpec([{ name: 'olora', knobs: { rank: 2, alpha: 4, lambda1 } }], {}, 30));
    const [free, penalised] = [await run(0), await run(2)];
    // The initial lora_A of task 1, as the strategy draws it.
    const model = makeModel(tinyByteConfig, SEED);
    const fresh = new LoraAdapter(model, {
      rank: 2,
      alpha: 4,
      targets: 'q,v',
      seed: Math.floor(makeRng(deriveSeed(SEED, adapterSeedLabel(1)))() * 2 ** 32),
    });
    const start = new Map(
      [...fresh.params()].map(([n, v]) => [n, { shape: [...v.shape], data: v.dataSync() as Float32Array }]),
    );
    model.dispose();
    const a0 = adapter(penalised.weights.get('0/trained')!);
    expect(maxDiff(a0, adapter(free.weights.get('0/trained')!))).toBe(0); // task 0 has no earlier adapter: no penalty
    const before = overlap(a0, start);
    const withPenalty = overlap(a0, adapter(penalised.weights.get('1/trained')!));
    const without = overlap(a0, adapter(free.weights.get('1/trained')!));
    expect(withPenalty).toBeLessThan(0.5 * before);
    expect(withPenalty).toBeLessThan(0.5 * without);
    expect(maxDiff(base(penalised.weights.get('1/trained')!), penalised.weights.get('0/final')!)).toBe(0);
  });

  it('computes the overlap as the host does', async () => {
    const model = makeModel(tinyConfig(), 2);
    const old = new LoraAdapter(model, { rank: 3, alpha: 3, targets: 'q,v', seed: 1 });
    const earlier = new Map(old.modules.map((m) => [m.module, tf.keep(tf.clone(m.a))]));
    const host = new Map(
      [...old.params()].map(([n, v]) => [n, { shape: [...v.shape], data: v.dataSync() as Float32Array }]),
    );
    old.detach();
    const cur = new LoraAdapter(model, { rank: 3, alpha: 3, targets: 'q,v', seed: 2 });
    const curHost = new Map(
      [...cur.params()].map(([n, v]) => [n, { shape: [...v.shape], data: v.dataSync() as Float32Array }]),
    );
    expect(tf.tidy(() => oloraOverlap(cur, [earlier]).dataSync()[0])).toBeCloseTo(overlap(host, curHost), 4);
    tf.dispose([...earlier.values()]);
    model.dispose();
  });
});

function defaults(name: string) {
  const r = resolveStrategy({ name, knobs: {} }, 's', { granularity: 'lora-rank', tasks: 2 });
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return r.knobs;
}

describe('registry', () => {
  it('registers the LoRA strategies as family "lora", with descriptions and defaults that pass their own checks', () => {
    for (const name of ['seqlora', 'kif-lora', 'olora']) {
      const def = getStrategy(name);
      expect(def.family).toBe('lora');
      expect(def.description.length).toBeGreaterThan(100);
      expect(defaults(name)).toMatchObject({ rank: 8, alpha: 16, targets: 'q,v', lrScale: 1 });
    }
    expect(defaults('kif-lora')).toMatchObject({ metric: 'second-order', orthLambda: 0.1, tau: 0.25, beta: 0.7 });
    expect(defaults('olora')).toMatchObject({ lambda1: 0.5, lambda2: 0 });
  });

  it('refuses granularities that do not fit, both ways, and bad LoRA knobs, naming the field', () => {
    const problems = (name: string, granularity: string, knobs = {}) => {
      const r = resolveStrategy({ name, knobs }, 'strategies[0]', { granularity, tasks: 2 });
      return r.ok ? [] : r.problems;
    };
    expect(problems('kif-lora', 'tensor')).toEqual([
      'strategies[0]: needs units.granularity "lora-rank" (its skill units are LoRA rank units; got "tensor")',
    ]);
    expect(problems('kif-lora', 'head-neuron')[0]).toMatch(/needs units.granularity "lora-rank"/);
    expect(problems('kif-soft', 'lora-rank')[0]).toMatch(/needs units.granularity "tensor" or "head-neuron"/);
    // seqlora and olora use no units: any granularity fits.
    for (const g of ['tensor', 'head-neuron', 'lora-rank'])
      expect([problems('seqlora', g), problems('olora', g)]).toEqual([[], []]);
    expect(problems('seqlora', 'tensor', { rank: 0, targets: 'q', alpha: 0 })).toEqual([
      'strategies[0].knobs.rank: must be an integer from 1 to 256 (got 0)',
      'strategies[0].knobs.alpha: must be a number above 0 and at most 4096 (got 0)',
      'strategies[0].knobs.targets: must be one of "q,v", "q,k,v,o", "q,k,v,o,ffn" (got "q")',
    ]);
  });
});

describe('resume', () => {
  it('kif-lora and olora resumed from a task boundary end with the numbers of the uninterrupted run', async () => {
    const spec = strategySpec(
      [
        { name: 'kif-lora', knobs: { rank: 2 } },
        { name: 'olora', knobs: { rank: 2, lambda1: 1 } },
      ],
      {
        units: { granularity: 'lora-rank', blockSize: 16 },
        tasks: ['length', 'compare', 'copy'].map((task) => ({ task, steps: 5, trainSize: 24, testSize: 5 })),
      },
    );
    const checkpoints: RunCheckpoint[] = [];
    const full = await runExperiment(spec, { onCheckpoint: (cp) => void checkpoints.push(structuredClone(cp)) });
    for (const strategy of [0, 1]) {
      const cp = checkpoints.find((c) => c.current?.strategy === strategy && c.current.nextTask === 2)!;
      expect(Object.keys(cp.current!.state.tensors ?? {}).length).toBeGreaterThan(0); // the adapter / earlier lora_A
      const resumed = await runExperiment(spec, {}, { resume: cp });
      expect(resumed.strategies[strategy].matrix).toEqual(full.strategies[strategy].matrix);
      expect(resumed.strategies[strategy].losses).toEqual(full.strategies[strategy].losses);
      expect(resumed.strategies[strategy].fusions).toEqual(full.strategies[strategy].fusions);
    }
  });
});
