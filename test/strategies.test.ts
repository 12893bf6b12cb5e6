// Each strategy does what its description claims, checked on tiny models against the fusion functions, hand-computed
// numbers, or the batches it builds.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../src/engine/experiment/runner';
import { applyFusionHost, planFusion, type Coeff } from '../src/engine/kif/fusion';
import { buildUnits, forEachElement } from '../src/engine/kif/units';
import type { HostTensors } from '../src/engine/model/init';
import { paramSpecs } from '../src/engine/model/paramSpec';
import { T5Model } from '../src/engine/model/t5';
import type { StrategySpec } from '../src/engine/spec/experiment';
import { diagonalFisher, ewcPenalty } from '../src/engine/strategies/ewc';
import { distillLosses } from '../src/engine/strategies/lwf';
import { getStrategy, resolveStrategy, strategyNames } from '../src/engine/strategies/registry';
import type { StrategyEnv } from '../src/engine/strategies/types';
import { makeTaskData } from '../src/engine/tasks/makeTaskData';
import { createByteTokenizer } from '../src/engine/tokenizers/byteTokenizer';
import { encodeExamples, packBatch, shapeFor, type Encoded } from '../src/engine/train/batching';
import { batchOrder } from '../src/engine/train/trainer';
import { deriveSeed, makeRng } from '../src/engine/util/rng';
import { makeModel, useBackend } from './helpers/tf';
import { runCapturing, strategySpec, tinyByteConfig } from './helpers/tinySpec';

beforeAll(() => useBackend('wasm'));

const tok = createByteTokenizer();
const tinyConfig = tinyByteConfig;

function expectClose(got: HostTensors, want: HostTensors, tol = 1e-6) {
  for (const [name, w] of want) {
    const g = got.get(name)!;
    let worst = 0;
    for (let i = 0; i < w.data.length; i++) worst = Math.max(worst, Math.abs(g.data[i] - w.data[i]));
    expect(worst, name).toBeLessThanOrEqual(tol);
  }
}

const maxDiff = (a: HostTensors, b: HostTensors) =>
  Math.max(...[...a].map(([n, t]) => t.data.reduce((m, x, i) => Math.max(m, Math.abs(x - b.get(n)!.data[i])), 0)));
const toMap = (r: Record<string, number>) => new Map(Object.entries(r));

describe('kif-hard and kif-soft', () => {
  it.each([
    ['kif-hard', 'head-neuron', { gamma: 0.6, topPercent: 30 }, { kind: 'hard', gamma: 0.6, topPercent: 30 }],
    ['kif-soft', 'tensor', { tau: 0.5, beta: 0.5 }, { kind: 'soft', tau: 0.5 }],
  ] as const)(
    '%s fuses exactly as planFusion + applyFusionHost on the stored models (%s units)',
    async (name, granularity, knobs, rule) => {
      const spec = strategySpec([{ name, knobs }], { units: { granularity, blockSize: 8 } });
      const { weights, s } = await runCapturing(spec);
      const units = buildUnits(granularity, paramSpecs(tinyConfig), { numHeads: 2, neuronBlock: 8 });
      const imp = s.importance!;
      expect(imp.tasks).toHaveLength(2);
      expect(imp.accumulated[0]).toEqual(imp.tasks[0]); // A_0 = S_0
      expect(Object.keys(imp.tasks[1]).sort()).toEqual(units.map((u) => u.name).sort());
      const beta = 'beta' in knobs ? knobs.beta : 0.7;
      const plan = planFusion(toMap(imp.accumulated[0]), toMap(imp.tasks[1]), rule, beta);
      const expected = applyFusionHost(weights.get('0/final')!, weights.get('1/trained')!, units, plan.coeffs);
      expectClose(weights.get('1/final')!, expected);
      // The fusion really moved the weights away from θ_1 and the report is the plan.
      expect(maxDiff(weights.get('1/final')!, weights.get('1/trained')!)).toBeGreaterThan(1e-3);
      expect(s.fusions).toHaveLength(1);
      expect(s.fusions[0].prevWeight).toEqual(Object.fromEntries([...plan.coeffs].map(([u, c]) => [u, c.prev])));
      if (rule.kind === 'hard') expect(s.fusions[0].cases).toEqual(Object.fromEntries(plan.cases));
      expect(imp.accumulated[1]).toEqual(Object.fromEntries(plan.accumulated));
    },
  );

  it('kif-replay trains on the memory after fusion with the current-task units frozen exactly', async () => {
    const spec = strategySpec([{ name: 'kif-replay', knobs: { topPercent: 40, memory: 5, replaySteps: 6 } }], {
      units: { granularity: 'head-neuron', blockSize: 8 },
    });
    const { weights, s } = await runCapturing(spec);
    const frozen = new Set(s.fusions[0].frozen!);
    expect(frozen.size).toBeGreaterThan(0);
    expect([...frozen].every((u) => s.fusions[0].cases![u] === 'taken')).toBe(true);
    const fused = weights.get('1/fused')!;
    const final = weights.get('1/final')!;
    // Every element of a frozen unit is bit for bit what fusion left; elements outside them moved during replay.
    const inFrozen = new Map([...fused].map(([n, t]) => [n, new Uint8Array(t.data.length)]));
    for (const u of buildUnits('head-neuron', paramSpecs(tinyConfig), { numHeads: 2, neuronBlock: 8 }).filter((u) =>
      frozen.has(u.name),
    )) {
      for (const part of u.parts)
        forEachElement(part, fused.get(part.param)!.shape, (i) => (inFrozen.get(part.param)![i] = 1));
    }
    let frozenElements = 0;
    let movedElements = 0;
    for (const [name, t] of fused) {
      t.data.forEach((x, i) => {
        if (inFrozen.get(name)![i]) {
          frozenElements++;
          expect(final.get(name)!.data[i]).toBe(x);
        } else if (final.get(name)!.data[i] !== x) movedElements++;
      });
    }
    expect(frozenElements).toBeGreaterThan(0);
    expect(movedElements).toBeGreaterThan(0);
    expect(s.losses.filter((c) => c.phase === 'replay').map((c) => [c.task, c.steps.length])).toEqual([[1, 6]]);
  });
});

describe('weight-avg', () => {
  it.each([
    ['uniform', {}, 0.5],
    ['ema', { form: 'ema', beta: 0.8 }, 0.8],
  ] as const)('%s: θ̂_1 = w·θ̂_0 + (1−w)·θ_1 for every parameter', async (_, knobs, w) => {
    const { weights, s } = await runCapturing(strategySpec([{ name: 'weight-avg', knobs }]));
    const prev = weights.get('0/final')!;
    const cur = weights.get('1/trained')!;
    const want: HostTensors = new Map(
      [...cur].map(([n, t]) => [
        n,
        { shape: t.shape, data: t.data.map((x, i) => Math.fround(w * prev.get(n)!.data[i] + (1 - w) * x)) },
      ]),
    );
    expectClose(weights.get('1/final')!, want, 1e-6);
    expect(Object.values(s.fusions[0].prevWeight).every((x) => x === w)).toBe(true);
  });
});

describe('ewc', () => {
  it('the penalty is zero at the anchor and grows as (λ/2)·Σ F·δ² away from it', () => {
    const anchor = new Map<string, tf.Tensor>([
      ['a', tf.tensor1d([1, -2, 3])],
      ['b', tf.tensor2d([[0.5, 0.5]])],
    ]);
    const fisher = new Map<string, tf.Tensor>([
      ['a', tf.tensor1d([1, 0, 2])],
      ['b', tf.tensor2d([[4, 0.25]])],
    ]);
    const at = (delta: number) => {
      const params = new Map([...anchor].map(([n, t]) => [n, tf.add(t, delta)]));
      const v = ewcPenalty(params, fisher, anchor, 10).dataSync()[0];
      tf.dispose([...params.values()]);
      return v;
    };
    expect(at(0)).toBe(0);
    // Σ F = 1 + 0 + 2 + 4 + 0.25 = 7.25; (10/2)·7.25·δ²
    expect(at(0.1)).toBeCloseTo(5 * 7.25 * 0.01, 5);
    expect(at(-0.2)).toBeCloseTo(5 * 7.25 * 0.04, 5);
    tf.dispose([...anchor.values(), ...fisher.values()]);
  });

  it('the Fisher is the mean squared gradient of the task loss over the batches', () => {
    const model = makeModel(tinyConfig, 5);
    const rows = encodeExamples(tok, makeTaskData('length', { seed: 1, trainSize: 8, testSize: 0 }).train, 16, 4);
    const shape = shapeFor(rows, 4, 16, 4);
    const batches = [rows.slice(0, 4), rows.slice(4, 8)];
    let i = 0;
    const fisher = diagonalFisher(model, () => batches[i++ % 2], shape, 2);
    const vars = [...model.params.values()];
    const sq = batches.map((b) => {
      const batch = packBatch(b, shape);
      const { grads } = tf.variableGrads(() => model.loss(batch, false), vars);
      return new Map([...model.params].map(([n, v]) => [n, tf.square(grads[v.name]).dataSync()]));
    });
    for (const name of ['shared.weight', 'encoder.block.0.layer.0.SelfAttention.q.weight']) {
      const got = fisher.get(name)!.dataSync();
      const want = sq[0].get(name)!.map((x, j) => (x + sq[1].get(name)![j]) / 2);
      expect(Math.max(...got.map((x, j) => Math.abs(x - want[j])))).toBeLessThan(1e-9 + 1e-4 * Math.max(...want));
      expect(Math.max(...want)).toBeGreaterThan(0);
    }
    model.dispose();
  });
});

describe('lwf', () => {
  it('the KL term is 0 for equal logits and T²·KL(p_t ‖ p_s) otherwise; ce trains on the teacher argmax', () => {
    const t = tf.tensor2d([
      [2, 0, -1],
      [0, 1, 0],
    ]);
    const s = tf.tensor2d([
      [0, 1, 0],
      [1, 1, 1],
    ]);
    const mask = tf.tensor2d([[1, 0]]); // only the first position counts
    expect(distillLosses.kl(t, t, mask, 2).dataSync()[0]).toBeCloseTo(0, 6);
    const soft = (xs: number[], T: number) => {
      const e = xs.map((x) => Math.exp(x / T));
      const z = e.reduce((a, b) => a + b, 0);
      return e.map((x) => x / z);
    };
    const pt = soft([2, 0, -1], 2);
    const ps = soft([0, 1, 0], 2);
    const kl = pt.reduce((a, p, i) => a + p * Math.log(p / ps[i]), 0);
    expect(distillLosses.kl(t, s, mask, 2).dataSync()[0]).toBeCloseTo(4 * kl, 5);
    // Teacher argmax at position 0 is class 0: −log softmax(s)[0].
    expect(distillLosses.ce(t, s, mask, 1).dataSync()[0]).toBeCloseTo(-Math.log(soft([0, 1, 0], 1)[0]), 5);
    tf.dispose([t, s, mask]);
  });

  it('keeps the new model closer to the previous one than sequential fine-tuning does', async () => {
    const spec = strategySpec([
      { name: 'seqft', knobs: {} },
      { name: 'lwf', knobs: { lambda: 5 } },
    ]);
    const weights = new Map<string, HostTensors>();
    await runExperiment(spec, {
      onModel: async ({ strategy, task, stage }, m) =>
        void (stage === 'final' && weights.set(`${strategy}/${task}`, await m.exportWeights())),
    });
    const rows = encodeExamples(tok, makeTaskData('compare', { seed: 3, trainSize: 8, testSize: 0 }).train, 16, 4);
    const batch = packBatch(rows, shapeFor(rows, 8, 16, 4));
    const klFromTeacher = (strategy: number) => {
      const teacher = new T5Model(tinyConfig, weights.get(`${strategy}/0`)!);
      const student = new T5Model(tinyConfig, weights.get(`${strategy}/1`)!);
      const v = tf.tidy(
        () => distillLosses.kl(teacher.forward(batch), student.forward(batch), batch.labelMask, 1).dataSync()[0],
      );
      teacher.dispose();
      student.dispose();
      return v;
    };
    // Task 0 is trained the same way by both (no teacher yet).
    expectClose(weights.get('1/0')!, weights.get('0/0')!, 0);
    expect(klFromTeacher(1)).toBeLessThan(0.5 * klFromTeacher(0));
  });
});

/** The runner's env contract, enough for the samplers (no model needed). */
function samplerEnv(taskRows: Encoded[][], batchSize: number): StrategyEnv {
  return {
    encoded: taskRows,
    batchSize,
    rng: (label: string) => makeRng(deriveSeed(1, label)),
    sampler: (rows: readonly Encoded[], label: string, size = batchSize) => {
      const order = batchOrder(rows.length, size, makeRng(deriveSeed(1, label)));
      return () => (order.next().value as number[]).map((r) => rows[r]);
    },
  } as unknown as StrategyEnv;
}

const rowsOf = (task: number, n: number): Encoded[] =>
  Array.from({ length: n }, (_, i) => ({ input: [task, i], output: [1] }));

describe('replay and mtl build their batches from the right tasks', () => {
  it('replay: every batch holds round(mix·B) rows from a memory of M examples per earlier task', () => {
    const tasks = [rowsOf(0, 30), rowsOf(1, 30), rowsOf(2, 30)];
    const run = getStrategy('replay').create(samplerEnv(tasks, 8), { memory: 4, mix: 0.25 });
    const first = run.sampler!(0);
    for (let b = 0; b < 5; b++) expect(first().every((r) => r.input[0] === 0)).toBe(true);
    const sample = run.sampler!(2);
    const memorySeen = new Set<string>();
    for (let b = 0; b < 40; b++) {
      const batch = sample();
      expect(batch).toHaveLength(8);
      expect(batch.slice(0, 6).every((r) => r.input[0] === 2)).toBe(true);
      expect(batch.slice(6).every((r) => r.input[0] < 2)).toBe(true);
      batch.slice(6).forEach((r) => memorySeen.add(r.input.join(',')));
    }
    // 4 kept from each of tasks 0 and 1, and only those.
    const perTask = [0, 1].map((t) => [...memorySeen].filter((k) => k.startsWith(`${t},`)).length);
    expect(perTask).toEqual([4, 4]);
  });

  it('mtl: at task k one epoch of batches covers the union of tasks 0..k', () => {
    const tasks = [rowsOf(0, 12), rowsOf(1, 12), rowsOf(2, 12)];
    const sample = getStrategy('mtl').create(samplerEnv(tasks, 6), {}).sampler!(1);
    const seen = new Set<string>();
    for (let b = 0; b < 4; b++) sample().forEach((r) => seen.add(r.input.join(',')));
    expect(seen.size).toBe(24);
    expect([...seen].every((k) => !k.startsWith('2,'))).toBe(true);
  });
});

describe('registry and knobs', () => {
  const context = { granularity: 'tensor', tasks: 3 };
  it('lists every strategy, each with a description and defaults that pass its own checks on the units it needs', () => {
    expect(strategyNames()).toEqual([
      'seqft',
      'mtl',
      'ewc',
      'replay',
      'lwf',
      'weight-avg',
      'task-arithmetic',
      'ties',
      'dare',
      'magmax',
      'fisher-merge',
      'kif-hard',
      'kif-soft',
      'kif-replay',
      'seqlora',
      'kif-lora',
      'olora',
    ]);
    for (const name of strategyNames()) {
      const def = getStrategy(name);
      expect(def.description.length).toBeGreaterThan(100);
      const granularity = name === 'kif-lora' ? 'lora-rank' : 'tensor';
      expect(resolveStrategy({ name, knobs: {} }, 's', { ...context, granularity }).ok, name).toBe(true);
    }
  });

  it('refuses unknown strategies, unknown knobs, values out of range or of the wrong type, naming the field', () => {
    const problems = (s: StrategySpec, granularity = 'tensor') => {
      const r = resolveStrategy(s, 'strategies[1]', { ...context, granularity });
      return r.ok ? [] : r.problems;
    };
    expect(problems({ name: 'kif', knobs: {} })[0]).toMatch(
      /^strategies\[1\]\.name: unknown strategy "kif"; known: seqft, /,
    );
    expect(problems({ name: 'kif-hard', knobs: { gamma: 1.5, top: 10, metric: 'fisher' } })).toEqual([
      'strategies[1].knobs.top: unknown knob; knobs: gamma, topPercent, within, norms, metric, beta1, beta2, beta',
      'strategies[1].knobs.gamma: must be a number from 0 to 1 (got 1.5)',
      'strategies[1].knobs.metric: must be one of "first-order", "second-order", "plain", "no-uncertainty", "no-ema" (got "fisher")',
    ]);
    expect(problems({ name: 'replay', knobs: { memory: 2.5 } })).toEqual([
      'strategies[1].knobs.memory: must be an integer from 1 to 100000 (got 2.5)',
    ]);
    expect(problems({ name: 'kif-soft', knobs: { tau: 0 } })).toEqual([
      'strategies[1].knobs.tau: must be a number above 0 and at most 100 (got 0)',
    ]);
    expect(problems({ name: 'lwf', knobs: { loss: true } })).toEqual([
      'strategies[1].knobs.loss: must be one of "kl", "ce" (got true)',
    ]);
    expect(problems({ name: 'ties', knobs: { topPercent: 0 } })).toEqual([
      'strategies[1].knobs.topPercent: must be a number above 0 and at most 100 (got 0)',
    ]);
    expect(problems({ name: 'dare', knobs: { drop: 1, inner: 'max' } })).toEqual([
      'strategies[1].knobs.drop: must be a number from 0 and below 1 (got 1)',
      'strategies[1].knobs.inner: must be one of "ties", "task-arithmetic", "average" (got "max")',
    ]);
    expect(problems({ name: 'magmax', knobs: { start: 'middle' } })).toEqual([
      'strategies[1].knobs.start: must be one of "base", "previous", "merged" (got "middle")',
    ]);
    expect(problems({ name: 'seqft', knobs: { lr: 1 } })).toEqual([
      'strategies[1].knobs.lr: unknown knob (this strategy has none)',
    ]);
    expect(problems({ name: 'kif-hard', knobs: {} }, 'lora-rank')[0]).toMatch(
      /^strategies\[1\]: needs units.granularity "tensor" or "head-neuron"/,
    );
  });

  it('a knob changes the run: kif-hard with γ = 1 keeps the shared units of the earlier model', async () => {
    const { weights, s } = await runCapturing(strategySpec([{ name: 'kif-hard', knobs: { gamma: 1 } }]));
    const shared = Object.entries(s.fusions[0].cases!)
      .filter(([, c]) => c === 'shared')
      .map(([u]) => u);
    const kept = (c: string) =>
      Object.entries(s.fusions[0].cases!)
        .filter(([, x]) => x === c)
        .map(([u]) => u);
    for (const u of [...shared, ...kept('kept')])
      expect(weights.get('1/final')!.get(u)!.data).toEqual(weights.get('0/final')!.get(u)!.data);
    for (const u of kept('taken'))
      expect(weights.get('1/final')!.get(u)!.data).toEqual(weights.get('1/trained')!.get(u)!.data);
    const coeff: Coeff = { prev: 1, cur: 0 };
    expect(shared.every((u) => s.fusions[0].prevWeight[u] === coeff.prev)).toBe(true);
  });
});
