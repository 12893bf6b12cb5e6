// Per-example text scores in [0, 1] and the registry of per-task scorers (KIF.md §6).
//
// exact-match   prediction and reference equal after trimming (case-sensitive: tasks such as "upper" depend on case).
// rouge-l       ROUGE-L F-measure (F1 of the longest common subsequence) over whitespace tokens, the usual choice for
//               free generation (Long Sequence / SuperNI report it this way).
// rouge-l-char  the same over characters: partial credit for one-word answers (e.g. a reversed string with one letter
//               wrong), where token ROUGE-L degenerates to exact match.
// Both empty counts as a perfect match for every scorer; exactly one empty scores 0.

export interface TextScorer {
  label: string;
  score(prediction: string, reference: string): number;
}

/** Length of the longest common subsequence, O(n·m) time and O(m) memory. */
export function lcsLength<T>(a: readonly T[], b: readonly T[]): number {
  let row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const next = new Array<number>(b.length + 1).fill(0);
    for (let j = 0; j < b.length; j++) next[j + 1] = x === b[j] ? row[j] + 1 : Math.max(row[j + 1], next[j]);
    row = next;
  }
  return row[b.length];
}

/** ROUGE-L F-measure (β = 1) of two token sequences. */
export function rougeLOf<T>(prediction: readonly T[], reference: readonly T[]): number {
  if (prediction.length === 0 && reference.length === 0) return 1;
  const lcs = lcsLength(prediction, reference);
  if (lcs === 0) return 0;
  const precision = lcs / prediction.length;
  const recall = lcs / reference.length;
  return (2 * precision * recall) / (precision + recall);
}

const words = (s: string) =>
  s
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);

export const textScorers: Record<string, TextScorer> = {
  'exact-match': { label: 'exact match (trimmed)', score: (p, r) => (p.trim() === r.trim() ? 1 : 0) },
  'rouge-l': { label: 'ROUGE-L F1 over words', score: (p, r) => rougeLOf(words(p), words(r)) },
  'rouge-l-char': { label: 'ROUGE-L F1 over characters', score: (p, r) => rougeLOf([...p.trim()], [...r.trim()]) },
};

export function textScorer(name: string): TextScorer {
  const s = textScorers[name];
  if (!s) throw new Error(`unknown text scorer "${name}"; known: ${Object.keys(textScorers).join(', ')}`);
  return s;
}

/**
 * The score of a prediction against an example with several acceptable outputs: the best over them (so exact match is
 * 1 when any one matches, ROUGE-L the highest F1), as SuperNI scores its reference lists.
 */
export function bestScore(
  score: TextScorer['score'],
  prediction: string,
  ex: { output: string; accepted?: readonly string[] },
): number {
  const refs = ex.accepted?.length ? ex.accepted : [ex.output];
  return refs.reduce((best, r) => Math.max(best, score(prediction, r)), 0);
}

/** A task's score in percent: the mean per-example score over (prediction, reference) pairs. */
export function taskScorePercent(
  scorer: string,
  pairs: ReadonlyArray<{ prediction: string; reference: string }>,
): number {
  if (pairs.length === 0) throw new Error('a task score needs at least one example');
  const s = textScorer(scorer);
  return (100 * pairs.reduce((a, p) => a + s.score(p.prediction, p.reference), 0)) / pairs.length;
}
