// Joins results of one experiment run under several seeds (sweep shards): per strategy label, the mean, the sample
// standard deviation and the 95% t interval of every metric and of every matrix cell; and per seed the paired
// differences of KIF against sequential fine-tuning and against weight averaging.
import { excludesZero, fmtInterval, tInterval, type Interval } from './intervals';
import type { ResultsDocument } from './results';
import { fmt, formatTable, metricColumns, metricKeys } from './table';

type MetricKey = (typeof metricKeys)[number];

export interface MetricSummary {
  mean: number | null;
  /** Sample standard deviation (n − 1); null with fewer than two values. */
  sd: number | null;
  n: number;
}

export interface MergedRow {
  label: string;
  seeds: number[];
  metrics: Record<MetricKey, MetricSummary>;
  /** The 95% t interval of each metric over seeds. */
  intervals: Record<MetricKey, Interval | null>;
  /** Per matrix cell, its 95% interval over the seeds whose matrix has that cell. */
  cells: (Interval | null)[][];
}

export function summarize(xs: readonly number[]): MetricSummary {
  const n = xs.length;
  if (n === 0) return { mean: null, sd: null, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : null;
  return { mean, sd, n };
}

/** What must agree between documents for their numbers to be averaged: the spec without seed and strategies. */
const experimentKey = (d: ResultsDocument) =>
  JSON.stringify({ ...d.spec, seed: undefined, strategies: undefined, name: undefined });

/** Rows in order of first appearance; throws when the documents come from different experiments. */
export function mergeResults(docs: readonly { file: string; doc: ResultsDocument }[]): MergedRow[] {
  if (docs.length === 0) throw new Error('no results documents to merge');
  const key = experimentKey(docs[0].doc);
  const odd = docs.find((d) => experimentKey(d.doc) !== key);
  if (odd)
    throw new Error(
      `${odd.file} comes from a different experiment than ${docs[0].file} (model, tasks, training or units differ); merge only results of one spec`,
    );
  const groups = new Map<string, { seeds: number[]; values: Record<string, number[]>; matrices: number[][][] }>();
  for (const { doc } of docs) {
    for (const s of doc.strategies) {
      if (!s.metrics) continue;
      let g = groups.get(s.label);
      if (!g)
        groups.set(
          s.label,
          (g = { seeds: [], values: Object.fromEntries(metricKeys.map((k) => [k, [] as number[]])), matrices: [] }),
        );
      g.seeds.push(doc.spec.seed);
      g.matrices.push(s.matrix);
      for (const k of metricKeys) {
        const v = s.metrics[k];
        if (v !== null) g.values[k].push(v);
      }
    }
  }
  return [...groups].map(([label, g]) => {
    const rows = Math.max(...g.matrices.map((m) => m.length));
    const cols = Math.max(...g.matrices.flatMap((m) => m.map((r) => r.length)));
    return {
      label,
      seeds: g.seeds,
      metrics: Object.fromEntries(metricKeys.map((k) => [k, summarize(g.values[k])])) as MergedRow['metrics'],
      intervals: Object.fromEntries(metricKeys.map((k) => [k, tInterval(g.values[k])])) as MergedRow['intervals'],
      cells: Array.from({ length: rows }, (_, r) =>
        Array.from({ length: cols }, (_, c) =>
          tInterval(g.matrices.map((m) => m[r]?.[c]).filter((x): x is number => x !== undefined)),
        ),
      ),
    };
  });
}

export interface PairedDifference {
  /** "kif-hard − seqft". */
  label: string;
  metric: MetricKey;
  /** One difference per seed both strategies have, in seed order. */
  perSeed: { seed: number; diff: number }[];
  interval: Interval | null;
  /** The 95% interval lies wholly on one side of 0. */
  excludesZero: boolean;
}

/** Baselines KIF is measured against, by strategy name. */
export const pairedBaselines = ['seqft', 'weight-avg'] as const;

/**
 * Per seed, each KIF strategy's metric minus each baseline's (sequential fine-tuning, weight averaging) on the same seed,
 * with the 95% t interval of the mean difference.
 */
export function pairedDifferences(
  docs: readonly { doc: ResultsDocument }[],
  metrics: readonly MetricKey[] = ['ap', 'bwt'],
): PairedDifference[] {
  const bySeed = docs
    .map(({ doc }) => ({ seed: doc.spec.seed, strategies: doc.strategies.filter((s) => s.metrics) }))
    .sort((a, b) => a.seed - b.seed);
  const kif = [
    ...new Set(bySeed.flatMap((d) => d.strategies.filter((s) => s.name.startsWith('kif')).map((s) => s.label))),
  ];
  const baselines = [
    ...new Set(
      bySeed.flatMap((d) =>
        d.strategies.filter((s) => (pairedBaselines as readonly string[]).includes(s.name)).map((s) => s.label),
      ),
    ),
  ];
  const out: PairedDifference[] = [];
  for (const a of kif) {
    for (const b of baselines) {
      for (const metric of metrics) {
        const perSeed = bySeed.flatMap(({ seed, strategies }) => {
          const [x, y] = [a, b].map((l) => strategies.find((s) => s.label === l)?.metrics?.[metric]);
          return typeof x === 'number' && typeof y === 'number' ? [{ seed, diff: x - y }] : [];
        });
        const interval = tInterval(perSeed.map((p) => p.diff));
        out.push({ label: `${a} − ${b}`, metric, perSeed, interval, excludesZero: excludesZero(interval) });
      }
    }
  }
  return out;
}

/** Metrics per strategy: mean ± the half-width of the 95% t interval over seeds. */
export function mergedTable(rows: readonly MergedRow[]): string {
  return formatTable(
    ['strategy', 'seeds', ...metricColumns],
    rows.map((r) => [r.label, String(r.seeds.length), ...metricKeys.map((k) => fmtInterval(r.intervals[k]))]),
  );
}

/** Each strategy's accuracy matrix, every cell mean ± the half-width of its 95% interval. */
export function mergedMatrices(rows: readonly MergedRow[], tasks: readonly string[]): string {
  return rows
    .map((r) =>
      [
        `${r.label} (${r.seeds.length} seeds)`,
        formatTable(
          ['after ↓ / test on →', ...tasks],
          r.cells.map((row, i) => [
            i === 0 ? 'untrained' : `task ${i}: ${tasks[i - 1] ?? ''}`,
            ...row.map(fmtInterval),
          ]),
        ),
      ].join('\n'),
    )
    .join('\n\n');
}

/** Paired differences per seed with their interval; "*" marks those whose 95% interval excludes 0. */
export function pairedTable(diffs: readonly PairedDifference[]): string {
  const seeds = [...new Set(diffs.flatMap((d) => d.perSeed.map((p) => p.seed)))].sort((a, b) => a - b);
  return formatTable(
    ['difference', 'metric', ...seeds.map((s) => `seed ${s}`), 'mean ± 95% CI', 'excludes 0'],
    diffs.map((d) => [
      d.label,
      d.metric.toUpperCase(),
      ...seeds.map((s) => fmt(d.perSeed.find((p) => p.seed === s)?.diff)),
      fmtInterval(d.interval),
      d.excludesZero ? '*' : '',
    ]),
  );
}
