// How much of each task the sequence caps cut, for the task queue: the share of inputs longer than
// training.maxInputLen and of outputs longer than training.maxOutputLen (train and test examples together).
import type { ExperimentSpec } from '../spec/experiment';
import type { Example } from '../tasks/types';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { makeTaskData } from '../tasks/makeTaskData';
import type { DatasetData } from './taskData';

export interface CutShare {
  /** Fractions in [0, 1]. */
  inputs: number;
  outputs: number;
  examples: number;
}

/** One entry per task; null where the task's data is not at hand (an imported dataset not loaded). */
export function cutShares(
  spec: ExperimentSpec,
  datasets: Record<string, DatasetData>,
  tok: Tokenizer,
): (CutShare | null)[] {
  const { maxInputLen, maxOutputLen } = spec.training;
  return spec.tasks.map((t) => {
    let rows: Example[];
    if (typeof t.task === 'string') {
      const d = makeTaskData(t.task, { seed: spec.seed, trainSize: t.trainSize, testSize: t.testSize });
      rows = [...d.train, ...d.test];
    } else {
      const d = datasets[t.task.dataset];
      if (!d) return null;
      rows = [...d.train.slice(0, t.trainSize), ...d.test.slice(0, t.testSize)];
    }
    if (!rows.length) return null;
    const over = (pick: (e: Example) => string, max: number) =>
      rows.filter((e) => tok.encode(pick(e)).length > max).length / rows.length;
    return {
      inputs: over((e) => e.input, maxInputLen),
      outputs: over((e) => e.output, maxOutputLen),
      examples: rows.length,
    };
  });
}
