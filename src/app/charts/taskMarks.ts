// Where each task began on the loss chart's step axis, per strategy: read from the run model's loss curves (one per
// task and phase, numbered end to end as the chart draws them, extra phases such as replay included), or, for results
// that carry no curves, the end-to-end steps of the tasks.
import type { LossCurve } from '../../engine/experiment/results';

/** starts[task] = x where the task's first curve begins (the end of the curves before it); tasks not begun are left out. */
export function curveTaskStarts(curves: readonly LossCurve[]): number[] {
  const starts: number[] = [];
  let offset = 0;
  for (const c of curves) {
    if (starts[c.task] === undefined) starts[c.task] = offset;
    offset += c.steps.at(-1) ?? 0;
  }
  return starts;
}

/** Task starts from the tasks' step counts (results without a live run): 0, n1, n1+n2, … */
export const startsFromSteps = (steps: readonly number[]) =>
  steps.map((_, t) => steps.slice(0, t).reduce((a, b) => a + b, 0));

export interface ChartMark {
  x: number;
  label: string;
  fusion: boolean;
}

/**
 * The dotted lines of the loss chart: each task's start after the first ("task 2"), and each fusion at the end of task
 * `afterTask` (0-based), which is the next task's start ("fusion · task 3") or, after the last task, the end of the curve.
 * Marks past the curve drawn so far are left out.
 */
export function chartMarks(starts: readonly number[], fusedAfter: readonly number[], lastX: number): ChartMark[] {
  const fused = new Set(fusedAfter);
  const marks: ChartMark[] = [];
  starts.forEach((x, t) => {
    if (t === 0 || x > lastX) return;
    const fusion = fused.has(t - 1);
    marks.push({ x, label: fusion ? `fusion · task ${t + 1}` : `task ${t + 1}`, fusion });
  });
  if (fused.has(starts.length - 1) && lastX > (starts.at(-1) ?? 0))
    marks.push({ x: lastX, label: 'fusion', fusion: true });
  return marks;
}
