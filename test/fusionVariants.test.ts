// The fusion variants (extensions, not the paper's rule): scoring within module kinds, and layer norms left out of the
// scored set. Cases and coefficients checked against thresholds worked by hand (numpy's percentile, linear).
import { describe, expect, it } from 'vitest';
import { planFusion } from '../src/engine/kif/fusion';
import { unitKindOf } from '../src/engine/kif/unitKindRegistry';
import { unitInfoFromName } from '../src/engine/kif/unitNames';

const head = (h: number) => `encoder.block.0.layer.0.SelfAttention#head${h}`;
const ffn = (b: number) => `encoder.block.0.layer.1.DenseReluDense#neurons${16 * b}-${16 * b + 15}`;
const norm = (l: number) => `encoder.block.0.layer.${l}.layer_norm.weight`;
const names = [head(0), head(1), head(2), head(3), ffn(0), ffn(1), norm(0), norm(1)];
const prev = new Map(names.map((n, i) => [n, [1, 2, 3, 4, 10, 20, 100, 200][i]]));
const cur = new Map(names.map((n, i) => [n, [4, 3, 2, 1, 20, 10, 200, 100][i]]));
const kinds = new Map(names.map((n) => [n, unitKindOf(unitInfoFromName(n))]));
const hard = { kind: 'hard', gamma: 0.7, topPercent: 20 } as const;
const casesOf = (p: ReturnType<typeof planFusion>) => names.map((n) => p.cases.get(n));

describe('fusion variants', () => {
  it("the paper's rule: over all units the two norms take the top 20% before and now", () => {
    // minmax over 1..200: norms at 0.497 and 1; the 80th percentile of the eight is 0.337.
    const p = planFusion(prev, cur, hard);
    expect(casesOf(p)).toEqual([
      'averaged',
      'averaged',
      'averaged',
      'averaged',
      'averaged',
      'averaged',
      'shared',
      'shared',
    ]);
    expect(planFusion(prev, cur, { ...hard, within: 'all', norms: 'scored' })).toEqual(p);
  });

  it('within kind: each kind has its own minmax and 80th percentile, so heads and FFN blocks populate every case', () => {
    // Heads: before 0, 1/3, 2/3, 1 (cut 0.8: head 3), now 1, 2/3, 1/3, 0 (head 0). FFN and norms: two each, cut 0.8.
    const p = planFusion(prev, cur, { ...hard, within: 'kind' }, 0.7, kinds);
    expect(casesOf(p)).toEqual(['taken', 'averaged', 'averaged', 'kept', 'taken', 'kept', 'taken', 'kept']);
    expect(p.coeffs.get(head(3))).toEqual({ prev: 1, cur: 0 });
    expect(p.thresholds).toBeNull(); // one pair per kind: not one to report
    // A_k within heads: minmax(0.7·[0, 1/3, 2/3, 1] + 0.3·[1, 2/3, 1/3, 0]) = [0, 1/3, 2/3, 1].
    [0, 1 / 3, 2 / 3, 1].forEach((x, h) => expect(p.accumulated.get(head(h))).toBeCloseTo(x, 12));
    expect([...p.coeffs.keys()]).toEqual(names);
  });

  it('norms out of the scored set: taken from θ_k or averaged; the rest scored without them', () => {
    // Without norms, minmax over 1..20 and the 80th percentile of six is exactly the fifth value (9/19): FFN 1 before, FFN 0 now.
    const taken = planFusion(prev, cur, { ...hard, norms: 'current' }, 0.7, kinds);
    expect(casesOf(taken)).toEqual(['averaged', 'averaged', 'averaged', 'averaged', 'taken', 'kept', 'taken', 'taken']);
    expect(taken.coeffs.get(norm(0))).toEqual({ prev: 0, cur: 1 });
    expect(taken.thresholds).toEqual({ prev: 9 / 19, cur: 9 / 19 });
    const averaged = planFusion(prev, cur, { ...hard, norms: 'average' }, 0.7, kinds);
    expect(averaged.coeffs.get(norm(1))).toEqual({ prev: 0.5, cur: 0.5 });
    expect(averaged.cases.get(norm(1))).toBe('averaged');
    // Soft rule: norms get the fixed blend, the others the softmax over their own minmax.
    const soft = planFusion(prev, cur, { kind: 'soft', tau: 0.25, norms: 'current' }, 0.7, kinds);
    expect(soft.coeffs.get(norm(0))).toEqual({ prev: 0, cur: 1 });
    expect(soft.coeffs.get(ffn(1))!.prev).toBeCloseTo(1 / (1 + Math.exp((9 / 19 - 1) / 0.25)), 12);
    expect(soft.cases.size).toBe(0);
  });

  it("a variant that treats kinds apart needs every unit's kind", () => {
    expect(() => planFusion(prev, cur, { ...hard, within: 'kind' })).toThrow(
      `fusion: the rule treats unit kinds apart but these units have no kind: ${names.slice(0, 5).join(', ')}`,
    );
    expect(() => planFusion(prev, cur, { ...hard, norms: 'current' }, 0.7, new Map([[head(0), 'attention']]))).toThrow(
      /have no kind: .*#head1/,
    );
  });

  it('refuses an unknown variant', () => {
    expect(() => planFusion(prev, cur, { ...hard, within: 'layer' as never })).toThrow(
      'hard: within must be one of "all", "kind" (got',
    );
    expect(() => planFusion(prev, cur, { ...hard, norms: 'none' as never })).toThrow(
      'hard: norms must be one of "scored", "current", "average"',
    );
  });
});
