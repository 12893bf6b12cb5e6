// The model-merging rules (task arithmetic, TIES, DARE, MagMax, Fisher averaging) against hand-checked examples and an
// independent reference written from each paper's equations, and their refusals of bad input.
import { describe, expect, it } from 'vitest';
import { fusionRules, mergeWithRule, ruleProblems } from '../src/engine/kif/fusion';
import { fusionRuleInfo, ruleFromKnobs, taskVectorRuleNames } from '../src/engine/kif/fusionRuleKnobs';
import {
  dareDrop,
  MergeInputError,
  mergeTaskVectors,
  trimTopPercent,
  unitShares,
  type TaskVectorRule,
  type Weights,
} from '../src/engine/kif/taskVectors';
import type { SkillUnit } from '../src/engine/kif/units';
import { makeRng } from '../src/engine/util/rng';

type Spec = Record<string, { shape: number[]; data: number[] }>;
const weights = (s: Spec): Weights =>
  new Map(Object.entries(s).map(([n, t]) => [n, { shape: t.shape, data: Float32Array.from(t.data) }]));
const flat = (w: Weights) => [...w.values()].flatMap((t) => [...t.data]);
const close = (got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-6) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i] - want[i]), `entry ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(want[i])),
    );
};
const plus = (base: number[], d: number[]) => base.map((b, i) => b + d[i]);

// Two parameters, so TIES's trim runs over the whole model, not tensor by tensor. base w = 1, b = 0.
const base = weights({ w: { shape: [2, 3], data: [1, 1, 1, 1, 1, 1] }, b: { shape: [2], data: [0, 0] } });
const tauA = [0.5, -0.2, 0, 0.3, -0.4, 0.1, 0.05, -0.6];
const tauB = [-0.5, -0.3, 0.2, 0.1, 0.4, 0, 0, 0.7];
const model = (tau: number[]) =>
  weights({
    w: { shape: [2, 3], data: plus([1, 1, 1, 1, 1, 1], tau.slice(0, 6)) },
    b: { shape: [2], data: tau.slice(6) },
  });
const two = { base, models: [model(tauA), model(tauB)] };

describe('hand-checked examples', () => {
  it('task arithmetic: θ₀ + λ·Σ τ; averaging: θ₀ + mean τ', () => {
    const ta = mergeTaskVectors(two, { kind: 'task-arithmetic', lambda: 0.4 });
    close(
      flat(ta.weights),
      plus(
        flat(base),
        tauA.map((a, i) => 0.4 * (a + tauB[i])),
      ),
    );
    const avg = mergeTaskVectors(two, { kind: 'average' });
    close(flat(avg.weights), [1, 0.75, 1.1, 1.2, 1, 1.05, 0.025, 0.05]);
  });

  it('TIES k=50%: trims to 4 of 8 entries per task, breaks sign ties by the majority, and does not count trimmed zeros', () => {
    // |τA| top 4: w0 0.5, w3 0.3, w4 −0.4, b1 −0.6.  |τB| top 4: w0 −0.5, w1 −0.3, w4 0.4, b1 0.7.
    // Sums of the trimmed vectors: w0 0 (tie), w1 −0.3, w3 0.3, w4 0 (tie), b1 0.1 → signs sum to +1: ties elect +.
    // Disjoint means: w0 +0.5 (A alone), w1 −0.3, w2 0 (B's 0.2 was trimmed), w3 0.3 (B's trimmed 0.1 is not counted:
    // not 0.15), w4 +0.4 (B), w5 0, b0 0, b1 0.7 (B; A's −0.6 disagrees).
    const r = mergeTaskVectors(two, { kind: 'ties', topPercent: 50, lambda: 1 });
    close(flat(r.weights), [1.5, 0.7, 1, 1.3, 1.4, 1, 0, 0.7]);
    // Who contributed: A gives w0 and w3, B gives w1, w4 and b1.
    close(r.contributions[0], [0.5, 0, 0, 0.3, 0, 0, 0, 0]);
    close(r.contributions[1], [0, 0.3, 0, 0, 0.4, 0, 0, 0.7]);
  });

  it('TIES: agreeing entries are averaged, a tied sum with a negative majority elects −, λ scales', () => {
    const b3 = weights({ x: { shape: [3], data: [0, 0, 0] } });
    const m = (d: number[]) => weights({ x: { shape: [3], data: d } });
    // x0: 0.2 − 0.2 = 0 (tie); x1: −0.4, x2: −0.1 → majority −, so x0 takes B's −0.2. x1: only −0.5 agrees.
    const r = mergeTaskVectors(
      { base: b3, models: [m([0.2, -0.5, -0.4]), m([-0.2, 0.1, 0.3])] },
      { kind: 'ties', topPercent: 100, lambda: 0.5 },
    );
    close(flat(r.weights), [-0.1, -0.25, -0.2]);
    const agree = mergeTaskVectors(
      { base: b3, models: [m([0.4, 0, 0]), m([0.2, 0, 0]), m([-0.1, 0, 0])] },
      { kind: 'ties', topPercent: 100, lambda: 0.5 },
    );
    close(flat(agree.weights), [0.15, 0, 0]); // (0.4 + 0.2) / 2 · 0.5; −0.1 disagrees
  });

  it('TIES trim keeps the top ⌈k%·D⌉ by magnitude and whatever ties with the last one kept', () => {
    close(trimTopPercent(Float32Array.from([0.3, -0.3, 0.1, 0]), 25), [0.3, -0.3, 0, 0]);
    close(trimTopPercent(Float32Array.from([0.3, -0.2, 0.1, 0.05]), 50), [0.3, -0.2, 0, 0]);
    close(trimTopPercent(Float32Array.from([0.3, -0.2, 0.1, 0.05]), 1), [0.3, 0, 0, 0]); // at least one entry stays
    close(trimTopPercent(Float32Array.from([0.3, -0.2, 0.1, 0.05]), 100), [0.3, -0.2, 0.1, 0.05]);
  });

  it('MagMax: per entry the task vector of largest magnitude (a tie goes to the later task), times λ', () => {
    const b3 = weights({ x: { shape: [3], data: [1, 1, 1] } });
    const m = (d: number[]) => weights({ x: { shape: [3], data: plus([1, 1, 1], d) } });
    const r = mergeTaskVectors(
      { base: b3, models: [m([0.5, -0.2, 0.3]), m([-0.6, 0.1, -0.3])] },
      { kind: 'magmax', lambda: 0.5 },
    );
    close(flat(r.weights), [0.7, 0.9, 0.85]);
    close(r.contributions[0], [0, 0.1, 0]);
    close(r.contributions[1], [0.3, 0, 0.15]);
  });

  it('Fisher averaging: Σ F·θ / Σ F per entry; where no model has Fisher mass (ε = 0) the models are averaged', () => {
    const b2 = weights({ x: { shape: [2], data: [0, 0] } });
    const m = (d: number[]) => weights({ x: { shape: [2], data: d } });
    const inputs = { base: b2, models: [m([1, 2]), m([3, 6])], fishers: [m([1, 0]), m([3, 0])] };
    close(flat(mergeTaskVectors(inputs, { kind: 'fisher', floor: 0 }).weights), [2.5, 4]);
    // A floor ε shifts the weights toward even: (1+ε)·1 + (3+ε)·3 over 4 + 2ε.
    const eps = 0.5;
    close(flat(mergeTaskVectors(inputs, { kind: 'fisher', floor: eps }).weights), [(1.5 * 1 + 3.5 * 3) / 5, 4]);
    // The base does not enter a Fisher average of the models themselves.
    close(flat(mergeTaskVectors({ ...inputs, base: m([10, -10]) }, { kind: 'fisher', floor: 0 }).weights), [2.5, 4]);
  });
});

// ---- an independent reference, written from the papers' equations on plain number arrays ----
const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);
function refTrim(tau: number[], k: number): number[] {
  const byMag = [...tau].map(Math.abs).sort((a, b) => b - a);
  const kth = byMag[Math.max(1, Math.ceil((k / 100) * tau.length - 1e-9)) - 1];
  return tau.map((x) => (Math.abs(x) >= kth ? x : 0));
}
function refTies(taus: number[][], k: number, lambda: number): number[] {
  const trimmed = taus.map((t) => refTrim(t, k));
  const elected = taus[0].map((_, i) => sign(trimmed.reduce((a, t) => a + t[i], 0)));
  const majority = sign(elected.reduce((a, b) => a + b, 0)) || 1;
  return taus[0].map((_, i) => {
    const g = elected[i] || majority;
    const agree = trimmed.map((t) => t[i]).filter((x) => x !== 0 && sign(x) === g);
    return agree.length ? (lambda * agree.reduce((a, b) => a + b, 0)) / agree.length : 0;
  });
}
function refMagmax(taus: number[][], lambda: number): number[] {
  return taus[0].map((_, i) => lambda * taus.reduce((best, t) => (Math.abs(t[i]) >= Math.abs(best) ? t[i] : best), 0));
}
function refFisher(models: number[][], fishers: number[][], eps: number): number[] {
  return models[0].map(
    (_, i) =>
      models.reduce((a, m, t) => a + (fishers[t][i] + eps) * m[i], 0) / fishers.reduce((a, f) => a + f[i] + eps, 0),
  );
}

describe('against the reference on random models', () => {
  const rng = makeRng(7);
  const rand = (n: number, scale: number) => Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
  const shapes = { 'a.weight': [4, 5], 'b.weight': [7], 'c.weight': [3, 2] };
  const size = 20 + 7 + 6;
  const toWeights = (v: number[]) => {
    let o = 0;
    return new Map(
      Object.entries(shapes).map(([n, s]) => {
        const k = s.reduce((x, y) => x * y, 1);
        const t = { shape: s, data: Float32Array.from(v.slice(o, o + k)) };
        o += k;
        return [n, t];
      }),
    );
  };
  // Float32 inputs, so the reference reads the same numbers the engine does.
  const f32 = (v: number[]) => [...Float32Array.from(v)];
  const b = f32(rand(size, 1));
  const ms = [0, 1, 2].map(() => f32(b.map((x, i) => x + rand(size, 0.1)[i])));
  const taus = ms.map((m) => m.map((x, i) => x - b[i]));
  const inputs = { base: toWeights(b), models: ms.map(toWeights) };

  it('task arithmetic and TIES for several k and λ', () => {
    close(
      flat(mergeTaskVectors(inputs, { kind: 'task-arithmetic', lambda: 0.7 }).weights),
      b.map((x, i) => x + 0.7 * taus.reduce((a, t) => a + t[i], 0)),
      1e-5,
    );
    for (const k of [5, 20, 50, 100]) {
      for (const lambda of [0.5, 1]) {
        close(
          flat(mergeTaskVectors(inputs, { kind: 'ties', topPercent: k, lambda }).weights),
          plus(b, refTies(taus, k, lambda)),
          1e-5,
        );
      }
    }
  });

  it('MagMax and Fisher averaging', () => {
    close(flat(mergeTaskVectors(inputs, { kind: 'magmax', lambda: 0.5 }).weights), plus(b, refMagmax(taus, 0.5)), 1e-5);
    const fs = ms.map(() => f32(rand(size, 1).map((x) => x * x)));
    const got = mergeTaskVectors({ ...inputs, fishers: fs.map(toWeights) }, { kind: 'fisher', floor: 1e-6 });
    close(flat(got.weights), refFisher(ms, fs, 1e-6), 1e-5);
  });

  it('DARE with p = 0 is its inner rule exactly; with p > 0 the same seed gives the same merge and another seed another', () => {
    const dare = (drop: number, seed: number, inner: 'ties' | 'task-arithmetic' | 'average') =>
      flat(mergeTaskVectors(inputs, { kind: 'dare', drop, inner, topPercent: 20, lambda: 0.8, seed }).weights);
    close(dare(0, 3, 'ties'), plus(b, refTies(taus, 20, 0.8)), 1e-5);
    close(
      dare(0, 3, 'task-arithmetic'),
      b.map((x, i) => x + 0.8 * taus.reduce((a, t) => a + t[i], 0)),
      1e-5,
    );
    close(
      dare(0, 3, 'average'),
      b.map((x, i) => x + taus.reduce((a, t) => a + t[i], 0) / 3),
      1e-5,
    );
    expect(dare(0.5, 3, 'average')).toEqual(dare(0.5, 3, 'average'));
    expect(dare(0.5, 3, 'average')).not.toEqual(dare(0.5, 4, 'average'));
  });
});

describe('DARE rescaling', () => {
  it('keeps each entry with probability 1 − p, rescaled by 1/(1 − p), so the dropped vector equals τ in expectation', () => {
    const tau = Float32Array.from({ length: 40 }, (_, i) => (i % 2 ? -1 : 1) * (0.1 + i / 40));
    const p = 0.9;
    const seeds = 4000;
    const mean = new Float64Array(tau.length);
    let kept = 0;
    for (let s = 0; s < seeds; s++) {
      const d = dareDrop(tau, p, s, 0);
      d.forEach((x, i) => {
        if (x !== 0) {
          kept++;
          expect(x).toBeCloseTo(tau[i] / (1 - p), 5);
        }
        mean[i] += x / seeds;
      });
    }
    expect(kept / (seeds * tau.length)).toBeCloseTo(1 - p, 2);
    // Each seed's entry is τ/(1−p) with probability 1−p, else 0: sd of the mean over N seeds is |τ|·sqrt(p/(1−p)/N).
    const sd = Math.sqrt(p / (1 - p) / seeds);
    tau.forEach((t, i) => expect(Math.abs(mean[i] - t)).toBeLessThan(4 * sd * Math.abs(t)));
    // Task t's mask depends on t: two tasks with the same vector are dropped differently.
    expect([...dareDrop(tau, p, 1, 0)]).not.toEqual([...dareDrop(tau, p, 1, 1)]);
  });

  it('DARE over task arithmetic merges to θ₀ + λ·Σ τ in expectation over seeds', () => {
    const mean = new Float64Array(8);
    const seeds = 3000;
    for (let s = 0; s < seeds; s++) {
      flat(
        mergeTaskVectors(two, {
          kind: 'dare',
          drop: 0.5,
          inner: 'task-arithmetic',
          topPercent: 100,
          lambda: 1,
          seed: s,
        }).weights,
      ).forEach((x, i) => (mean[i] += x / seeds));
    }
    const want = plus(
      flat(base),
      tauA.map((a, i) => a + tauB[i]),
    );
    // sd of one seed's entry: sqrt(Σ_t τ_t²·p/(1−p)); over 3000 seeds it shrinks by sqrt(3000).
    want.forEach((w, i) =>
      expect(Math.abs(mean[i] - w)).toBeLessThan(4 * Math.sqrt((tauA[i] ** 2 + tauB[i] ** 2) / seeds) + 1e-9),
    );
  });
});

describe('shares of each task in each unit', () => {
  it("sums each task's |part of the change| over the unit, and gives all zeros where the merge left the unit at the base", () => {
    const units: SkillUnit[] = [
      { name: 'w#row0', parts: [{ param: 'w', slice: { axis: 0, start: 0, end: 1 } }], combine: 'mean' },
      { name: 'w#row1', parts: [{ param: 'w', slice: { axis: 0, start: 1, end: 2 } }], combine: 'mean' },
      { name: 'b', parts: [{ param: 'b' }], combine: 'mean' },
    ];
    const r = mergeTaskVectors(two, { kind: 'ties', topPercent: 50, lambda: 1 });
    const shares = unitShares(units, r);
    close(shares.get('w#row0')!, [0.5 / 0.8, 0.3 / 0.8]); // A: w0 0.5; B: w1 0.3
    close(shares.get('w#row1')!, [0.3 / 0.7, 0.4 / 0.7]); // A: w3 0.3; B: w4 0.4
    close(shares.get('b')!, [0, 1]);
    const none = mergeTaskVectors(two, { kind: 'task-arithmetic', lambda: 0 });
    expect(unitShares(units, none).get('b')).toEqual([0, 0]);
  });
});

describe('bad input', () => {
  it('refuses models of another shape, a missing or extra parameter, and non-finite values, naming the model', () => {
    const wrong = weights({ w: { shape: [3, 2], data: [1, 1, 1, 1, 1, 1] }, b: { shape: [2], data: [0, 0] } });
    const names = ['A.safetensors', 'B.safetensors'];
    expect(() => mergeTaskVectors({ base, models: [model(tauA), wrong], names }, { kind: 'average' })).toThrow(
      /B\.safetensors: w is \[3, 2\], the base's is \[2, 3\]: not the same model/,
    );
    const missing = weights({ w: { shape: [2, 3], data: [1, 1, 1, 1, 1, 1] } });
    expect(() => mergeTaskVectors({ base, models: [missing], names }, { kind: 'average' })).toThrow(
      /A\.safetensors has no parameter b, which the base has/,
    );
    const extra = new Map([...model(tauA), ['c', { shape: [1], data: Float32Array.from([0]) }]]);
    expect(() => mergeTaskVectors({ base, models: [extra] }, { kind: 'average' })).toThrow(
      /model 1 has parameter\(s\) the base does not: c/,
    );
    const nan = weights({ w: { shape: [2, 3], data: [1, NaN, 1, 1, 1, 1] }, b: { shape: [2], data: [0, 0] } });
    expect(() => mergeTaskVectors({ base, models: [nan] }, { kind: 'average' })).toThrow(MergeInputError);
    expect(() => mergeTaskVectors({ base, models: [] }, { kind: 'average' })).toThrow(/no models to merge/);
  });

  it('Fisher averaging needs one non-negative Fisher of the same shape per model', () => {
    expect(() => mergeTaskVectors(two, { kind: 'fisher', floor: 0 })).toThrow(
      /one Fisher per model: 2 model\(s\), 0 Fisher/,
    );
    const negative = model(tauA.map((x) => -Math.abs(x) - 1));
    expect(() =>
      mergeTaskVectors({ ...two, fishers: [model(tauA.map(Math.abs)), negative] }, { kind: 'fisher', floor: 0 }),
    ).toThrow(/the Fisher of model 2 has a negative value/);
  });

  it('warns when the base is not the model the tasks started from, or a model equals the base', () => {
    // Small task vectors (4 % of the base's norm) are what fine-tuning makes: no warning.
    const small = { base, models: [model(tauA.map((x) => x / 10)), model(tauB.map((x) => x / 10))] };
    expect(mergeTaskVectors(small, { kind: 'average' }).warnings).toEqual([]);
    // Another model of the same shape: the task vectors against it are longer than it is.
    const other = weights({
      w: { shape: [2, 3], data: [-1, -1, -1, -1, -1, -1] },
      b: { shape: [2], data: [0.5, -0.5] },
    });
    const w = mergeTaskVectors(
      { base: other, models: small.models, names: ['A', 'B'] },
      { kind: 'ties', topPercent: 20, lambda: 1 },
    ).warnings;
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(
      /^A lies \d+% of the base's norm away from it .*the base is probably not the model it started from, and its task vector θ − θ₀ is then meaningless/,
    );
    expect(mergeTaskVectors({ base, models: [base, small.models[0]] }, { kind: 'average' }).warnings).toEqual([
      'model 1 equals the base: its task vector is zero, so it adds nothing to the merge',
    ]);
  });

  it('refuses k outside (0, 100], p outside [0, 1), λ < 0 and unknown rules, naming rule and knob', () => {
    const r = (rule: TaskVectorRule) => ruleProblems(rule);
    expect(r({ kind: 'ties', topPercent: 0, lambda: 1 })).toEqual([
      'ties: topPercent must be a number above 0 and at most 100 (got 0)',
    ]);
    expect(r({ kind: 'ties', topPercent: 101, lambda: 1 })).toEqual([
      'ties: topPercent must be a number above 0 and at most 100 (got 101)',
    ]);
    expect(r({ kind: 'ties', topPercent: 100, lambda: 1 })).toEqual([]);
    const dare = { kind: 'dare', inner: 'ties', topPercent: 100, lambda: 1, seed: 0 } as const;
    expect(r({ ...dare, drop: 1 })).toEqual(['dare: drop must be a number from 0 and below 1 (got 1)']);
    expect(r({ ...dare, drop: -0.1 })).toEqual(['dare: drop must be a number from 0 and below 1 (got -0.1)']);
    expect(r({ ...dare, drop: 0 })).toEqual([]);
    expect(r({ kind: 'task-arithmetic', lambda: -1 })).toEqual([
      'task-arithmetic: lambda must be a number from 0 to 10 (got -1)',
    ]);
    expect(() => mergeWithRule(two, { kind: 'ties', topPercent: 0, lambda: 1 })).toThrow(
      /ties: topPercent must be a number above 0/,
    );
    expect(ruleFromKnobs('ties', { top: 5 })).toEqual({
      ok: false,
      problems: ['ties: top: unknown knob; knobs: topPercent, lambda'],
    });
    expect(ruleFromKnobs('nope', {})).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/unknown fusion rule "nope"/)],
    });
  });
});

describe('the registry', () => {
  it("holds every rule with its knobs, defaulting to the papers' values", () => {
    for (const name of taskVectorRuleNames) expect(fusionRules[name].input).toBe('task-vectors');
    expect(fusionRules.hard.input).toBe('scores');
    const defaults = (name: keyof typeof fusionRuleInfo) => {
      const r = ruleFromKnobs(name, {});
      if (!r.ok) throw new Error(r.problems.join());
      return r.rule;
    };
    expect(defaults('ties')).toEqual({ kind: 'ties', topPercent: 20, lambda: 1 });
    expect(defaults('dare')).toEqual({ kind: 'dare', drop: 0.9, inner: 'ties', topPercent: 100, lambda: 1, seed: 0 });
    expect(defaults('magmax')).toEqual({ kind: 'magmax', lambda: 0.5 });
    expect(defaults('task-arithmetic')).toEqual({ kind: 'task-arithmetic', lambda: 0.4 });
    // The fusion variants default to the paper's rule: all units scored together, norms scored like any unit.
    expect(defaults('hard')).toEqual({ kind: 'hard', gamma: 0.7, topPercent: 20, within: 'all', norms: 'scored' });
  });
});
