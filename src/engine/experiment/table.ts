// Plain-text tables of results, for the CLI (and anything else that prints them).
import type { ResultsDocument } from './results';

/** Columns padded to their widest cell; the first column left-aligned, the others right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const fmt = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined ? '–' : x.toFixed(digits);

export const metricColumns = ['AP', 'BWT', 'FWT', 'FWT(0-shot)', 'forgetting'] as const;
export const metricKeys = ['ap', 'bwt', 'fwt', 'fwtZeroShot', 'forgetting'] as const;

/** One row per strategy: its metrics, its final row of the matrix and its time. */
export function resultsTable(doc: ResultsDocument): string {
  const rows = doc.strategies.map((s) => [
    s.label,
    ...metricKeys.map((k) => fmt(s.metrics?.[k])),
    s.matrix.length ? s.matrix[s.matrix.length - 1].map((x) => fmt(x, 0)).join(' / ') : '–',
    `${s.timings.totalSeconds.toFixed(1)}s`,
  ]);
  return formatTable(
    ['strategy', ...metricColumns, `final row (${doc.tasks.map((t) => t.name).join(' / ')})`, 'time'],
    rows,
  );
}
