// Views of unit importance for people: the raw unit means of KIF.md §2 are dominated by the layer norms (a norm weight
// scales a whole activation vector, so each of its few elements gets a large |w·g|, while most of a head's thousands of
// weights matter little), so a heatmap of raw means shows norms, not skills. These views compare like with like.
import type { UnitScores } from '../strategies/types';
import type { UnitKind } from './unitKindRegistry';

export const importanceViewNames = ['normalised', 'task-specific', 'rank', 'raw'] as const;
export type ImportanceView = (typeof importanceViewNames)[number];

export const importanceViewInfo: Record<ImportanceView, { label: string; meaning: string }> = {
  normalised: {
    label: 'normalised within module kind',
    meaning:
      "each unit's score divided by the mean score of its kind (attention heads, FFN blocks, norms, embeddings, relative bias) in the same task: 1 is a typical unit of its kind",
  },
  'task-specific': {
    label: 'task-specific',
    meaning:
      "this task's normalised score minus the mean of the other tasks' normalised scores: above 0, the unit matters more for this task than for the others",
  },
  rank: {
    label: 'rank',
    meaning: 'the position of the unit when all units are sorted by their normalised score, 1 the highest',
  },
  raw: {
    label: 'raw unit means',
    meaning: "the mean of Ī·Ū over the unit's elements, as KIF scores and fuses it (colours on a log scale)",
  },
};

/** Each unit's score over the mean score of the units of its kind (a kind whose mean is 0 maps to 0). */
export function normaliseWithinKind(scores: UnitScores, kindOf: (unit: string) => UnitKind): UnitScores {
  const sums = new Map<UnitKind, { sum: number; n: number }>();
  for (const [u, s] of Object.entries(scores)) {
    const k = kindOf(u);
    const g = sums.get(k) ?? { sum: 0, n: 0 };
    g.sum += s;
    g.n += 1;
    sums.set(k, g);
  }
  return Object.fromEntries(
    Object.entries(scores).map(([u, s]) => {
      const g = sums.get(kindOf(u))!;
      const mean = g.sum / g.n;
      return [u, mean > 0 ? s / mean : 0];
    }),
  );
}

/**
 * Task `task`'s normalised score minus the mean over the other tasks of theirs, for the units every task scored; null
 * with fewer than two tasks.
 */
export function taskSpecific(
  tasks: readonly UnitScores[],
  task: number,
  kindOf: (unit: string) => UnitKind,
): UnitScores | null {
  if (tasks.length < 2 || !tasks[task]) return null;
  const norm = tasks.map((t) => normaliseWithinKind(t, kindOf));
  const others = norm.filter((_, j) => j !== task);
  const out: UnitScores = {};
  for (const [u, s] of Object.entries(norm[task])) {
    if (others.some((o) => o[u] === undefined)) continue;
    out[u] = s - others.reduce((a, o) => a + o[u], 0) / others.length;
  }
  return out;
}

/** Rank of every unit by value, 1 the largest; ties share the best rank among them (competition ranking). */
export function ranks(values: UnitScores): Record<string, number> {
  const sorted = Object.values(values).sort((a, b) => b - a);
  const first = new Map<number, number>();
  sorted.forEach((v, i) => {
    if (!first.has(v)) first.set(v, i + 1);
  });
  return Object.fromEntries(Object.entries(values).map(([u, v]) => [u, first.get(v)!]));
}

export interface ViewValues {
  view: ImportanceView;
  /** The value each unit shows in this view. */
  values: UnitScores;
  /** Rank of every unit by its normalised score (1 the highest), whatever the view. */
  rank: Record<string, number>;
}

/**
 * The values of `view` for `scores`; the task-specific view needs every finished task's scores and the index of the one
 * shown (null when that is not a finished task or there is only one: the caller falls back to another view).
 */
export function importanceView(
  view: ImportanceView,
  scores: UnitScores,
  context: { tasks: readonly UnitScores[]; task: number | null; kindOf: (unit: string) => UnitKind },
): ViewValues | null {
  const norm = normaliseWithinKind(scores, context.kindOf);
  const rank = ranks(norm);
  if (view === 'raw') return { view, values: scores, rank };
  if (view === 'normalised') return { view, values: norm, rank };
  if (view === 'rank') return { view, values: Object.fromEntries(Object.entries(rank)), rank };
  const spec = context.task === null ? null : taskSpecific(context.tasks, context.task, context.kindOf);
  return spec ? { view, values: spec, rank } : null;
}
