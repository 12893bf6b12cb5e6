// The card of an imported dataset: where it came from, how many records were used and skipped, what the outputs look
// like (label distribution and the score of always answering the best single answer, the floor a model must beat),
// and how long inputs and outputs are in the active tokenizer's tokens against the current length caps.
import { bestScore, textScorer } from '../metrics/text';
import type { Example } from '../tasks/types';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { reasonCounts, type SkipReport } from './records';

export interface DatasetProvenance {
  /** File name, URL or Hub name and split. */
  source: string;
  /** Records the source held, usable or not. */
  records: number;
  skipped: number;
  /** Why records were skipped, e.g. "6 with an empty field". */
  skippedWhy?: string;
}

export function provenanceOf(source: string, report: SkipReport): DatasetProvenance {
  return {
    source,
    records: report.records,
    skipped: report.skipped,
    ...(report.skipped ? { skippedWhy: reasonCounts(report) } : {}),
  };
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface DatasetCard {
  provenance?: DatasetProvenance;
  train: number;
  test: number;
  distinctOutputs: number;
  /** The most frequent outputs over train and test with their counts (at most LABELS_SHOWN), most frequent first. */
  labels: { output: string; count: number }[];
  /** The single answer that scores best on the test set when given to every input, and that score in percent. */
  constant: { answer: string; score: number };
  scorer: string;
  tokenizer: string;
  inputTokens: Percentiles;
  outputTokens: Percentiles;
  caps: { maxInputLen: number; maxOutputLen: number };
  /** Examples (train and test) whose input / output the caps cut. */
  truncatedInputs: number;
  truncatedOutputs: number;
}

const LABELS_SHOWN = 12;
/** Candidate constant answers tried: the most frequent training outputs. */
const CONSTANT_CANDIDATES = 20;

/** Nearest-rank percentile of sorted values: the smallest value with at least q of them at or below it. */
export function percentile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function percentiles(values: number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 0.5), p90: percentile(s, 0.9), p99: percentile(s, 0.99), max: s[s.length - 1] ?? 0 };
}

function counts(outputs: readonly string[]): { output: string; count: number }[] {
  const m = new Map<string, number>();
  for (const o of outputs) m.set(o, (m.get(o) ?? 0) + 1);
  return [...m]
    .map(([output, count]) => ({ output, count }))
    .sort((a, b) => b.count - a.count || (a.output < b.output ? -1 : 1));
}

export interface CardInput {
  train: readonly Example[];
  test: readonly Example[];
  scorer?: string;
  provenance?: DatasetProvenance;
}

export function datasetCard(
  data: CardInput,
  tok: Tokenizer,
  caps: { maxInputLen: number; maxOutputLen: number },
): DatasetCard {
  const all = [...data.train, ...data.test];
  const scorerName = data.scorer ?? 'exact-match';
  const score = textScorer(scorerName).score;
  const byOutput = counts(all.map((e) => e.output));
  const candidates = counts(data.train.map((e) => e.output))
    .slice(0, CONSTANT_CANDIDATES)
    .map((c) => c.output);
  let constant = { answer: '', score: 0 };
  for (const answer of candidates) {
    const s = data.test.length
      ? (100 * data.test.reduce((a, e) => a + bestScore(score, answer, e), 0)) / data.test.length
      : 0;
    if (s > constant.score || !constant.answer) constant = { answer, score: s };
  }
  const inLens = all.map((e) => tok.encode(e.input).length);
  const outLens = all.map((e) => tok.encode(e.output).length);
  return {
    ...(data.provenance ? { provenance: data.provenance } : {}),
    train: data.train.length,
    test: data.test.length,
    distinctOutputs: byOutput.length,
    labels: byOutput.slice(0, LABELS_SHOWN),
    constant,
    scorer: scorerName,
    tokenizer: tok.name,
    inputTokens: percentiles(inLens),
    outputTokens: percentiles(outLens),
    caps,
    truncatedInputs: inLens.filter((n) => n > caps.maxInputLen).length,
    truncatedOutputs: outLens.filter((n) => n > caps.maxOutputLen).length,
  };
}
