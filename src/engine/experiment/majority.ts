// The floor an accuracy-matrix column should be read against: the best score a model gets by giving one constant
// answer to every test example. On a classification task a model that learned only the label words' spelling (or the
// most common label) scores exactly this, so a strategy's column means something only above it.
import { textScorer } from '../metrics/text';
import type { TaskRun } from '../strategies/types';

/** Candidates tried: the task's most frequent outputs (train and test); every label of a classification task. */
const MAX_CANDIDATES = 32;

/** The best constant answer's score on `task.test`, in percent, with the task's own scorer. */
export function majorityScore(task: Pick<TaskRun, 'train' | 'test' | 'scorer'>): number {
  if (!task.test.length) return 0;
  const counts = new Map<string, number>();
  for (const e of [...task.train, ...task.test]) counts.set(e.output, (counts.get(e.output) ?? 0) + 1);
  const candidates = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_CANDIDATES)
    .map(([o]) => o);
  const { score } = textScorer(task.scorer);
  let best = 0;
  for (const c of candidates)
    best = Math.max(
      best,
      task.test.reduce((a, e) => a + score(c, e.output), 0),
    );
  return (100 * best) / task.test.length;
}
