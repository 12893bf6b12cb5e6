// Sweeps: a grid of strategies × knob values × seeds over one spec, cut into shards that any job scheduler can run on
// separate machines. Points are listed in a fixed order and dealt round-robin, so shard I of N is the same set of points
// on every machine.
import { z } from 'zod';
import type { ExperimentSpec, StrategySpec } from '../spec/experiment';
import type { KnobValue } from '../strategies/knobs';
import { resolveStrategy } from '../strategies/registry';

const knobValue = z.union([z.number(), z.string(), z.boolean()]);

export const gridSchema = z.strictObject({
  /** Strategy names to sweep; default: the spec's strategies with their knobs. */
  strategies: z.array(z.string().min(1)).min(1).optional(),
  seeds: z.array(z.int().min(0).max(0xffffffff)).min(1),
  /** Per strategy name, per knob, the values to try (every combination is a point). */
  knobs: z.record(z.string(), z.record(z.string(), z.array(knobValue).min(1))).default({}),
});

export type Grid = z.output<typeof gridSchema>;

export interface GridPoint {
  /** File-name-safe and unique, e.g. "kif-hard_gamma=0.5_seed=1". */
  id: string;
  strategy: StrategySpec;
  seed: number;
}

export function parseGrid(json: unknown): { ok: true; grid: Grid } | { ok: false; errors: string[] } {
  const r = gridSchema.safeParse(json);
  if (r.success) return { ok: true, grid: r.data };
  return { ok: false, errors: r.error.issues.map((i) => `${i.path.map(String).join('.') || '(grid)'}: ${i.message}`) };
}

/** Every combination of the listed values, keys in sorted order, the last key varying fastest. */
function combinations(lists: Record<string, KnobValue[]>): Record<string, KnobValue>[] {
  return Object.keys(lists)
    .sort()
    .reduce<Record<string, KnobValue>[]>(
      (acc, key) => acc.flatMap((c) => lists[key].map((v) => ({ ...c, [key]: v }))),
      [{}],
    );
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9.=+-]/g, '_');

/** The grid's points in their fixed order (strategy, then knob combination, then seed); throws naming bad entries. */
export function expandGrid(spec: ExperimentSpec, grid: Grid): GridPoint[] {
  const bases: StrategySpec[] = grid.strategies
    ? grid.strategies.map((name) => ({ name, knobs: {} }))
    : spec.strategies;
  const named = new Set(bases.map((b) => b.name));
  const problems = Object.keys(grid.knobs)
    .filter((n) => !named.has(n))
    .map((n) => `knobs.${n}: the grid does not run strategy "${n}" (it runs ${[...named].join(', ')})`);
  const points: GridPoint[] = [];
  const context = { granularity: spec.units.granularity, tasks: spec.tasks.length };
  for (const base of bases) {
    for (const combo of combinations(grid.knobs[base.name] ?? {})) {
      const strategy: StrategySpec = { name: base.name, knobs: { ...base.knobs, ...combo } };
      const knobText = Object.keys(strategy.knobs)
        .sort()
        .map((k) => `_${k}=${strategy.knobs[k]}`)
        .join('');
      const r = resolveStrategy(strategy, `strategy ${base.name}${knobText}`, context);
      if (!r.ok) problems.push(...r.problems);
      for (const seed of grid.seeds) points.push({ id: safe(`${base.name}${knobText}_seed=${seed}`), strategy, seed });
    }
  }
  const seen = new Set<string>();
  for (const p of points) {
    if (seen.has(p.id))
      problems.push(
        `grid point ${p.id} appears twice (a strategy listed twice with the same knobs, or a repeated seed)`,
      );
    seen.add(p.id);
  }
  if (problems.length) throw new Error([...new Set(problems)].join('\n'));
  return points;
}

/** "I/N" with 0 ≤ I < N. */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new Error(`shard must be I/N with 0 ≤ I < N, e.g. 0/4 (got "${text}")`);
  return { index, count };
}

export const shardPoints = (points: readonly GridPoint[], index: number, count: number) =>
  points.filter((_, i) => i % count === index);

/** The spec of one point: the grid's seed and the single strategy. */
export const pointSpec = (spec: ExperimentSpec, p: GridPoint): ExperimentSpec => ({
  ...spec,
  seed: p.seed,
  strategies: [p.strategy],
});
