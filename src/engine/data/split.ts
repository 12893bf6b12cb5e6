// Train / val / test splits of imported records: the file's own, or a seeded fraction that keeps every repeated input
// on one side.
import type { Example } from '../tasks/types';
import { makeRng, shuffle } from '../util/rng';
import type { ImportedExample } from './types';

export type SplitChoice =
  /** Use the split each record carries (from a split field, or from importing train and test files separately). */
  | { kind: 'file' }
  /** A seeded random fraction for test (and optionally val); identical inputs always land on the same side. */
  | { kind: 'fraction'; seed: number; testFraction: number; valFraction?: number };

export interface DatasetSplits {
  train: Example[];
  val: Example[];
  test: Example[];
  warnings: string[];
}

export function splitDataset(examples: readonly ImportedExample[], choice: SplitChoice): DatasetSplits {
  const out: DatasetSplits = { train: [], val: [], test: [], warnings: [] };
  // Keeps what training and scoring use (the accepted outputs too), drops the id and split tags.
  const strip = ({ input, output, accepted }: ImportedExample): Example =>
    accepted ? { input, output, accepted } : { input, output };
  if (choice.kind === 'file') {
    examples.forEach((ex, i) => {
      if (!ex.split)
        throw new Error(
          `record at index ${i} has no split; import train and test files with a split, or split by fraction`,
        );
      out[ex.split].push(strip(ex));
    });
    if (!out.train.length || !out.test.length)
      throw new Error(
        `the file's own split needs train and test records (got ${out.train.length} train, ${out.test.length} test)`,
      );
    const trainInputs = new Set(out.train.map((e) => e.input));
    const leaked = [...out.val, ...out.test].filter((e) => trainInputs.has(e.input)).length;
    if (leaked) out.warnings.push(`${leaked} val/test records have an input that is also in train`);
    return out;
  }
  const { seed, testFraction, valFraction = 0 } = choice;
  if (!(testFraction > 0 && valFraction >= 0 && testFraction + valFraction < 1)) {
    throw new Error(
      `testFraction must be in (0, 1), valFraction ≥ 0 and their sum below 1 (got ${testFraction}, ${valFraction})`,
    );
  }
  // Group by input so that a repeated input never ends up in both train and test.
  const groups = new Map<string, Example[]>();
  for (const ex of examples) {
    const g = groups.get(ex.input);
    if (g) g.push(strip(ex));
    else groups.set(ex.input, [strip(ex)]);
  }
  if (groups.size < 2) throw new Error('a split needs at least two distinct inputs');
  const order = shuffle(makeRng(seed), [...groups.values()]);
  const nTest = Math.max(1, Math.round(examples.length * testFraction));
  const nVal = Math.round(examples.length * valFraction);
  for (const g of order) {
    const target = out.test.length < nTest ? out.test : out.val.length < nVal ? out.val : out.train;
    target.push(...g);
  }
  if (!out.train.length)
    throw new Error(`nothing left for train after taking ${out.test.length} test and ${out.val.length} val records`);
  return out;
}
