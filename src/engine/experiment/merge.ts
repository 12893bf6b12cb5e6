// Joins results of one experiment run under several seeds (sweep shards): mean and sample standard deviation of every
// metric per strategy label.
import type { ResultsDocument } from './results';
import { fmt, formatTable, metricColumns, metricKeys } from './table';

export interface MetricSummary {
  mean: number | null;
  /** Sample standard deviation (n − 1); null with fewer than two values. */
  sd: number | null;
  n: number;
}

export interface MergedRow {
  label: string;
  seeds: number[];
  metrics: Record<(typeof metricKeys)[number], MetricSummary>;
}

export function summarize(xs: readonly number[]): MetricSummary {
  const n = xs.length;
  if (n === 0) return { mean: null, sd: null, n };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : null;
  return { mean, sd, n };
}

/** What must agree between documents for their numbers to be averaged: the spec without seed and strategies. */
const experimentKey = (d: ResultsDocument) => JSON.stringify({ ...d.spec, seed: undefined, strategies: undefined, name: undefined });

/** Rows in order of first appearance; throws when the documents come from different experiments. */
export function mergeResults(docs: readonly { file: string; doc: ResultsDocument }[]): MergedRow[] {
  if (docs.length === 0) throw new Error('no results documents to merge');
  const key = experimentKey(docs[0].doc);
  const odd = docs.find((d) => experimentKey(d.doc) !== key);
  if (odd) throw new Error(`${odd.file} comes from a different experiment than ${docs[0].file} (model, tasks, training or units differ); merge only results of one spec`);
  const groups = new Map<string, { seeds: number[]; values: Record<string, number[]> }>();
  for (const { doc } of docs) {
    for (const s of doc.strategies) {
      if (!s.metrics) continue;
      let g = groups.get(s.label);
      if (!g) groups.set(s.label, (g = { seeds: [], values: Object.fromEntries(metricKeys.map((k) => [k, [] as number[]])) }));
      g.seeds.push(doc.spec.seed);
      for (const k of metricKeys) {
        const v = s.metrics[k];
        if (v !== null) g.values[k].push(v);
      }
    }
  }
  return [...groups].map(([label, g]) => ({
    label,
    seeds: g.seeds,
    metrics: Object.fromEntries(metricKeys.map((k) => [k, summarize(g.values[k])])) as MergedRow['metrics'],
  }));
}

const meanSd = (m: MetricSummary) => (m.mean === null ? '–' : m.sd === null ? fmt(m.mean) : `${fmt(m.mean)} ± ${fmt(m.sd)}`);

export function mergedTable(rows: readonly MergedRow[]): string {
  return formatTable(
    ['strategy', 'seeds', ...metricColumns],
    rows.map((r) => [r.label, String(r.seeds.length), ...metricKeys.map((k) => meanSd(r.metrics[k]))]),
  );
}
