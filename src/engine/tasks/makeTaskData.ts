// Seeded train / val / test sets for a registered task, with no input shared between the sets.
import { deriveSeed, makeRng } from '../util/rng';
import { MIN_WORD_LEN } from './letters';
import { getTask } from './registry';
import type { Example, TaskDef } from './types';

export interface TaskDataOptions {
  seed: number;
  trainSize: number;
  testSize: number;
  valSize?: number;
  /** Longest letter string for string tasks (default 7). */
  maxLen?: number;
}

export interface TaskData {
  train: Example[];
  val: Example[];
  test: Example[];
}

export const DEFAULT_MAX_LEN = 7;
export const MAX_MAX_LEN = 32;
export const MAX_SPLIT_SIZE = 1_000_000;
// Draws allowed per wanted example before concluding the task cannot produce that many distinct inputs.
const DRAWS_PER_EXAMPLE = 20;

export function makeTaskData(name: string, opts: TaskDataOptions): TaskData {
  const task = getTask(name);
  const { seed, trainSize, testSize, valSize = 0, maxLen = DEFAULT_MAX_LEN } = opts;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer (got ${seed})`);
  for (const [key, v] of [
    ['trainSize', trainSize],
    ['testSize', testSize],
    ['valSize', valSize],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > MAX_SPLIT_SIZE)
      throw new Error(`${key} must be an integer from 0 to ${MAX_SPLIT_SIZE} (got ${v})`);
  }
  if (!Number.isInteger(maxLen) || maxLen < MIN_WORD_LEN || maxLen > MAX_MAX_LEN) {
    throw new Error(`maxLen must be an integer from ${MIN_WORD_LEN} to ${MAX_MAX_LEN} (got ${maxLen})`);
  }
  // Test first, each split from its own stream: the test set of a seed does not change when trainSize does.
  const seen = new Set<string>();
  const draw = (split: string, n: number) =>
    drawDistinct(task, makeRng(deriveSeed(seed, `${name}/${split}`)), n, maxLen, seen, opts);
  const test = draw('test', testSize);
  const val = draw('val', valSize);
  const train = draw('train', trainSize);
  return { train, val, test };
}

function drawDistinct(
  task: TaskDef,
  rng: () => number,
  n: number,
  maxLen: number,
  seen: Set<string>,
  opts: TaskDataOptions,
): Example[] {
  const out: Example[] = [];
  for (let tries = n * DRAWS_PER_EXAMPLE; out.length < n; tries--) {
    if (tries <= 0) {
      const asked = opts.trainSize + opts.testSize + (opts.valSize ?? 0);
      throw new Error(
        `task "${task.name}" ran out of distinct inputs at ${seen.size} (asked for ${asked}); ask for fewer examples (or, for a letter task, a larger maxLen)`,
      );
    }
    const ex = task.generate(rng, { maxLen });
    const input = task.instruction + ex.input;
    if (seen.has(input)) continue;
    seen.add(input);
    out.push({ input, output: ex.output });
  }
  return out;
}
