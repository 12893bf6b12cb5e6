import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applyFusion,
  applyFusionHost,
  fusionDefaults,
  fusionRules,
  minmax,
  percentile,
  planFusion,
  type Coeff,
  type FusionCase,
  type HostTensor,
} from '../src/engine/kif/fusion';
import type { SkillUnit } from '../src/engine/kif/units';
import { hasShared, sharedPath } from './shared';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const vectors = hasShared ? JSON.parse(readFileSync(sharedPath('kif', 'test-vectors.json'), 'utf8')) : null;
const close = (got: ArrayLike<number>, want: ArrayLike<number>, digits = 6) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], digits);
};

describe.skipIf(!hasShared)('test vectors (kif/test-vectors.json)', () => {
  // The vectors name the cases after their meaning; the engine uses short names.
  const caseNames: Record<string, FusionCase> = {
    shared: 'shared',
    prev_specific: 'kept',
    cur_specific: 'taken',
    unimportant: 'averaged',
  };

  it('hard_fusion_example: normalisation, thresholds, cases, fused values and the new accumulation', async () => {
    const ex = vectors.hard_fusion_example;
    const n = ex.current_raw_scores.length;
    const names = Array.from({ length: n }, (_, i) => `u${i}`);
    const scores = (xs: number[]) => new Map(names.map((u, i) => [u, xs[i]]));
    close(minmax(ex.current_raw_scores), ex.current_norm);
    close(minmax(ex.accumulated_prev_scores), ex.prev_norm);

    const plan = planFusion(scores(ex.accumulated_prev_scores), scores(ex.current_raw_scores), fusionDefaults.hard);
    expect(plan.thresholds!.cur).toBeCloseTo(ex.threshold_cur, 6);
    expect(plan.thresholds!.prev).toBeCloseTo(ex.threshold_prev, 6);
    expect(names.map((u) => plan.cases.get(u))).toEqual(ex.cases.map((c: string) => caseNames[c]));
    close(
      names.map((u) => plan.accumulated.get(u)!),
      ex.new_accumulated,
    );

    // Each unit is one element of a single [10] parameter, so this also exercises sliced masks.
    const units: SkillUnit[] = names.map((u, i) => ({
      name: u,
      parts: [{ param: 'theta', slice: { axis: 0, start: i, end: i + 1 } }],
      combine: 'mean',
    }));
    const host = (xs: number[]): Map<string, HostTensor> =>
      new Map([['theta', { shape: [n], data: Float32Array.from(xs) }]]);
    close(applyFusionHost(host(ex.theta_prev), host(ex.theta_cur), units, plan.coeffs).get('theta')!.data, ex.fused);
    const [prev, cur] = [tf.tensor(ex.theta_prev), tf.tensor(ex.theta_cur)];
    const fused = applyFusion(new Map([['theta', prev]]), new Map([['theta', cur]]), units, plan.coeffs);
    close(await fused.get('theta')!.data(), ex.fused);
    tf.dispose([prev, cur, ...fused.values()]);
  });

  it('soft_fusion_example: c_prev = e^{Â/τ} / (e^{Â/τ} + e^{Ŝ/τ}), c_cur = 1 − c_prev', () => {
    const ex = vectors.soft_fusion_example;
    const pairs: Array<{ prev: number; cur: number; c_prev_c_cur: [number, number] }> = ex.pairs;
    const { coeffs } = fusionRules.soft.decide(
      pairs.map((p) => p.prev),
      pairs.map((p) => p.cur),
      { kind: 'soft', tau: ex.tau },
    );
    pairs.forEach((p, i) => close([coeffs[i].prev, coeffs[i].cur], p.c_prev_c_cur));
    // These scores already span [0, 1], so planFusion's normalisation keeps them and gives the same coefficients.
    const names = pairs.map((_, i) => `u${i}`);
    const plan = planFusion(
      new Map(names.map((u, i) => [u, pairs[i].prev])),
      new Map(names.map((u, i) => [u, pairs[i].cur])),
      { kind: 'soft', tau: ex.tau },
    );
    names.forEach((u, i) => close([plan.coeffs.get(u)!.prev, plan.coeffs.get(u)!.cur], pairs[i].c_prev_c_cur));
    expect(plan.cases.size).toBe(0);
    expect(plan.thresholds).toBeNull();
  });
});

describe('normalisation and percentile', () => {
  it('percentile matches numpy.percentile (linear) on values with ties', () => {
    const xs = [3.0, -1.5, 7.25, 0.0, 2.0, 2.0, 9.5];
    const numpy: Array<[number, number]> = [
      [0, -1.5],
      [20, 0.40000000000000036],
      [37.5, 2.0],
      [50, 2.0],
      [80, 6.400000000000003],
      [95, 8.825],
      [100, 9.5],
    ];
    for (const [q, want] of numpy) expect(percentile(xs, q)).toBeCloseTo(want, 12);
    expect(percentile([1], 80)).toBe(1);
  });

  it('minmax maps to [0, 1]; with no spread every unit maps to 0, so none is important', () => {
    expect(minmax([2, 4, 3])).toEqual([0, 1, 0.5]);
    expect(minmax([5, 5, 5])).toEqual([0, 0, 0]);
    const same = new Map([
      ['a', 1],
      ['b', 1],
    ]);
    const plan = planFusion(same, same, fusionDefaults.hard);
    expect([...plan.cases.values()]).toEqual(['averaged', 'averaged']);
  });

  it('the hard rule: strictly above the threshold is important; topPercent and gamma are knobs', () => {
    const names = ['a', 'b', 'c', 'd', 'e'];
    const s = (xs: number[]) => new Map(names.map((u, i) => [u, xs[i]]));
    const plan = planFusion(s([0, 1, 2, 3, 4]), s([4, 3, 2, 1, 0]), { kind: 'hard', gamma: 0.9, topPercent: 40 });
    // 60th percentile of [0, .25, .5, .75, 1] is 0.6: a, b important now; d, e important before.
    expect(plan.thresholds).toEqual({ prev: 0.6, cur: 0.6 });
    expect(names.map((u) => plan.cases.get(u))).toEqual(['taken', 'taken', 'averaged', 'kept', 'kept']);
    const both = planFusion(s([0, 1, 2, 3, 4]), s([0, 1, 2, 3, 4]), { kind: 'hard', gamma: 0.9, topPercent: 40 });
    expect(both.cases.get('e')).toBe('shared');
    expect(both.coeffs.get('e')!.prev).toBeCloseTo(0.9, 12);
    expect(both.coeffs.get('e')!.cur).toBeCloseTo(0.1, 12);
    expect(both.coeffs.get('a')).toEqual({ prev: 0.5, cur: 0.5 });
  });

  it('accumulation uses β: A_k = minmax(β·Â + (1−β)·Ŝ)', () => {
    const s = (xs: number[]) => new Map(['a', 'b', 'c'].map((u, i) => [u, xs[i]]));
    const plan = planFusion(s([0, 10, 5]), s([1, 0, 3]), fusionDefaults.soft, 0.5);
    // Â = [0, 1, .5], Ŝ = [1/3, 0, 1]; mix = [1/6, 1/2, 3/4]; minmax → [0, 4/7, 1].
    close([...plan.accumulated.values()], [0, 4 / 7, 1], 12);
  });

  it('bad knobs and mismatched unit sets are named', () => {
    const a = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    expect(() => planFusion(a, a, { kind: 'hard', gamma: 1.5, topPercent: 20 })).toThrow(
      'hard: gamma must be a number from 0 to 1 (got 1.5)',
    );
    expect(() => planFusion(a, a, { kind: 'soft', tau: 0 })).toThrow(
      'soft: tau must be a number above 0 and at most 100 (got 0)',
    );
    expect(() => planFusion(a, a, fusionDefaults.soft, 2)).toThrow(/accumulation beta/);
    expect(() =>
      planFusion(
        a,
        new Map([
          ['a', 1],
          ['c', 2],
        ]),
        fusionDefaults.hard,
      ),
    ).toThrow(/not in both: c, b/);
  });
});

describe('applying fusion to sliced units', () => {
  // Two heads of dKv 2: q [4, 2] rows 0-1 / 2-3, o [2, 4] columns 0-1 / 2-3; a norm as a tensor unit; an embedding
  // that no unit covers (taken from θ_k); a "kept" tensor unit.
  const shapes: Record<string, number[]> = { q: [4, 2], o: [2, 4], norm: [2], emb: [3, 2], kept: [2] };
  const units: SkillUnit[] = [
    {
      name: 'att#head0',
      combine: 'mean',
      parts: [
        { param: 'q', slice: { axis: 0, start: 0, end: 2 } },
        { param: 'o', slice: { axis: 1, start: 0, end: 2 } },
      ],
    },
    {
      name: 'att#head1',
      combine: 'mean',
      parts: [
        { param: 'q', slice: { axis: 0, start: 2, end: 4 } },
        { param: 'o', slice: { axis: 1, start: 2, end: 4 } },
      ],
    },
    { name: 'norm', combine: 'mean', parts: [{ param: 'norm' }] },
    { name: 'kept', combine: 'mean', parts: [{ param: 'kept' }] },
  ];
  const coeffs = new Map<string, Coeff>([
    ['att#head0', { prev: 0.7, cur: 0.3 }],
    ['att#head1', { prev: 1, cur: 0 }],
    ['norm', { prev: 0.5, cur: 0.5 }],
    ['kept', { prev: 1, cur: 0 }],
  ]);
  const values = (sign: number) =>
    new Map(
      Object.entries(shapes).map(([name, shape], k) => [
        name,
        Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => sign * (k + 1) + 0.25 * i),
      ]),
    );
  const prev = values(1);
  const cur = values(-1);
  // Written out per element: which head (row of q, column of o) decides the coefficient.
  const mix = (name: string, i: number, p: number) => p * prev.get(name)![i] + (1 - p) * cur.get(name)![i];
  const expected: Record<string, number[]> = {
    q: Array.from({ length: 8 }, (_, i) => mix('q', i, Math.floor(i / 2) < 2 ? 0.7 : 1)),
    o: Array.from({ length: 8 }, (_, i) => mix('o', i, i % 4 < 2 ? 0.7 : 1)),
    norm: [0, 1].map((i) => mix('norm', i, 0.5)),
    emb: [...cur.get('emb')!],
    kept: [...prev.get('kept')!],
  };

  it('host arrays', () => {
    const host = (m: Map<string, Float32Array>) => new Map([...m].map(([k, data]) => [k, { shape: shapes[k], data }]));
    const out = applyFusionHost(host(prev), host(cur), units, coeffs);
    for (const [name, want] of Object.entries(expected)) close(out.get(name)!.data, want);
  });

  it('on device, returning one new tensor per parameter and leaking nothing', async () => {
    const device = (m: Map<string, Float32Array>) =>
      new Map([...m].map(([k, data]) => [k, tf.tensor(data, shapes[k])]));
    const [p, c] = [device(prev), device(cur)];
    const before = tf.memory().numTensors;
    const out = applyFusion(p, c, units, coeffs);
    expect(tf.memory().numTensors).toBe(before + out.size);
    for (const [name, want] of Object.entries(expected)) {
      expect(out.get(name)!.shape).toEqual(shapes[name]);
      close(await out.get(name)!.data(), want);
    }
    tf.dispose([...out.values()]);
    expect((await c.get('emb')!.data()).length).toBe(6); // outputs share no ownership with the inputs
    tf.dispose([...p.values(), ...c.values()]);
  });

  it('a unit on a parameter the model lacks is an error', () => {
    const bad: SkillUnit[] = [{ name: 'x', combine: 'mean', parts: [{ param: 'missing' }] }];
    expect(() => applyFusionHost(new Map(), new Map(), bad, new Map([['x', { prev: 1, cur: 0 }]]))).toThrow(
      /parameter missing, which the model does not have/,
    );
  });
});
