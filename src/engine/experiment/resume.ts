// Resuming a run from its last task boundary. Every phase of task k draws its batches and dropout from seeds derived
// from the spec's seed and the task's label, and starts fresh optimizer moments, so a task's training is fixed by the
// weights at its start and the strategy's state (StrategyRun.snapshot). A checkpoint keeps exactly that, plus the
// results so far; runExperiment(spec, hooks, { resume: checkpoint }) then ends with the numbers an uninterrupted run
// gives.
import type { HostTensors } from '../model/init';
import type { StrategyState } from '../strategies/types';
import { strategyResultProblems, type StrategyResult } from './results';

export const CHECKPOINT_FORMAT = 'kif-playground-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** The strategy under way at a task boundary. */
export interface StrategyCheckpoint {
  /** Index in the spec's strategy list. */
  strategy: number;
  /** The next task to train (1..T−1): tasks before it are trained, fused and evaluated. */
  nextTask: number;
  /** The model's weights after task nextTask − 1, as evaluated. */
  weights: HostTensors;
  state: StrategyState;
  /** The strategy's results so far (matrix rows 0..nextTask, losses, importance, fusions, timings). */
  result: StrategyResult;
}

/**
 * A run at a task boundary: the finished strategies' results, in spec order, and the one under way (none between two
 * strategies). Structured-cloneable (typed arrays and Maps), not JSON.
 */
export interface RunCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  version: typeof CHECKPOINT_VERSION;
  done: StrategyResult[];
  current: StrategyCheckpoint | null;
}

/** Where a resumed run starts, 0-based: strategy `strategy` at task `task`. */
export function resumePoint(cp: RunCheckpoint): { strategy: number; task: number } {
  return cp.current
    ? { strategy: cp.current.strategy, task: cp.current.nextTask }
    : { strategy: cp.done.length, task: 0 };
}

/** Training steps of the run's plan that a checkpoint has behind it (the progress fraction goes on from there). */
export function stepsBefore(cp: RunCheckpoint, taskSteps: readonly number[]): number {
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  return cp.done.length * sum(taskSteps) + (cp.current ? sum(taskSteps.slice(0, cp.current.nextTask)) : 0);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const kindOf = (v: unknown) =>
  v === null ? 'null' : v === undefined ? 'nothing' : Array.isArray(v) ? 'a list' : typeof v;
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Problems of weights kept in a checkpoint: a Map of name → { shape, data: Float32Array } whose sizes agree. */
function weightsProblems(w: unknown, at: string): string[] {
  if (!(w instanceof Map)) return [`${at}: must be a map of tensors`];
  for (const [name, t] of w) {
    const shape = isObject(t) ? t.shape : undefined;
    if (!isObject(t) || !(t.data instanceof Float32Array) || !Array.isArray(shape) || !shape.every(isIndex))
      return [`${at}: tensor "${String(name)}" is not { shape, data: Float32Array }`];
    const n = (shape as number[]).reduce((a, b) => a * b, 1);
    if (n !== t.data.length)
      return [
        `${at}: tensor "${String(name)}" has ${t.data.length} values for shape [${(shape as number[]).join(', ')}]`,
      ];
  }
  return [];
}

/**
 * Problems of a checkpoint as it came back from storage (any value): the right format, results that validate, the
 * strategy under way with its weights. A damaged record is reported with these, never used.
 */
export function checkpointShapeProblems(cp: unknown): string[] {
  if (!isObject(cp)) return ['checkpoint: not an object'];
  if (cp.format !== CHECKPOINT_FORMAT || cp.version !== CHECKPOINT_VERSION)
    return [`checkpoint: not a version ${CHECKPOINT_VERSION} run checkpoint`];
  if (!Array.isArray(cp.done))
    return [`checkpoint.done: must be the list of finished strategies' results (got ${kindOf(cp.done)})`];
  const problems = cp.done.flatMap((r, i) => strategyResultProblems(r, `checkpoint.done[${i}]`)).slice(0, 3);
  const c = cp.current;
  if (c === null) return problems;
  if (!isObject(c))
    return [...problems, `checkpoint.current: must be the strategy under way or null (got ${kindOf(c)})`];
  if (!isIndex(c.strategy)) problems.push('checkpoint.current.strategy: must be a strategy index');
  if (!isIndex(c.nextTask)) problems.push('checkpoint.current.nextTask: must be a task index');
  if (c.state !== undefined && !isObject(c.state)) problems.push('checkpoint.current.state: must be an object');
  problems.push(
    ...weightsProblems(c.weights, 'checkpoint.current.weights'),
    ...strategyResultProblems(c.result, 'checkpoint.current.result'),
  );
  return problems;
}

/** Why a checkpoint cannot resume a run of these strategies (labels, in order) over `tasks` tasks; none when it can. */
export function resumeProblems(cp: RunCheckpoint, labels: readonly string[], tasks: number): string[] {
  const damaged = checkpointShapeProblems(cp);
  if (damaged.length) return damaged.map((p) => `resume: ${p}`);
  const problems: string[] = [];
  if (cp.done.length > labels.length)
    problems.push(`resume: ${cp.done.length} finished strategies, but the spec has ${labels.length}`);
  cp.done.forEach((r, i) => {
    if (i < labels.length && r.label !== labels[i])
      problems.push(`resume: finished strategy ${i} is "${r.label}", the spec's is "${labels[i]}"`);
  });
  const c = cp.current;
  if (c) {
    if (c.strategy !== cp.done.length)
      problems.push(
        `resume: the strategy under way is ${c.strategy}, expected ${cp.done.length} (after the finished ones)`,
      );
    else if (c.strategy >= labels.length) problems.push(`resume: strategy ${c.strategy} is not in the spec`);
    else if (c.result.label !== labels[c.strategy])
      problems.push(`resume: strategy ${c.strategy} is "${c.result.label}", the spec's is "${labels[c.strategy]}"`);
    if (!(c.nextTask >= 1 && c.nextTask < tasks))
      problems.push(`resume: next task ${c.nextTask} is outside 1..${tasks - 1}`);
    else if (c.result.matrix.length !== c.nextTask + 1)
      problems.push(`resume: ${c.result.matrix.length} matrix rows, expected ${c.nextTask + 1}`);
  }
  return problems;
}
