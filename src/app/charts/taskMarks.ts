// Where each task began on the loss chart's step axis, per strategy: recorded from the run's task-start events (the
// chart's x is the count of loss points so far, extra phases such as replay included), or, for results opened from a
// link or a file, the end-to-end steps of the tasks as the results carry them.
import { create } from 'zustand';
import { trainer } from '../trainerClient';
import { useRunStore } from '../runStore';

interface TaskMarks {
  /** starts[strategy][task] = x of the task's first step, minus one. */
  starts: number[][];
}

export const useTaskMarks = create<TaskMarks>()(() => ({ starts: [] }));

let installed = false;

export function recordTaskMarks(): void {
  if (installed) return;
  installed = true;
  trainer.listen((ev) => {
    if (ev.type !== 'run') return;
    const e = ev.event;
    if (e.type === 'run-start') useTaskMarks.setState({ starts: [] });
    if (e.type !== 'task-start') return;
    const x = useRunStore.getState().strategies[e.strategy]?.losses.length ?? 0;
    useTaskMarks.setState((s) => {
      const starts = s.starts.map((r) => [...r]);
      while (starts.length <= e.strategy) starts.push([]);
      starts[e.strategy][e.task] = x;
      return { starts };
    });
  });
}

/** Task starts from the tasks' step counts (results without a live run): 0, n1, n1+n2, … */
export const startsFromSteps = (steps: readonly number[]) => steps.map((_, t) => steps.slice(0, t).reduce((a, b) => a + b, 0));

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
  if (fused.has(starts.length - 1) && lastX > (starts.at(-1) ?? 0)) marks.push({ x: lastX, label: 'fusion', fusion: true });
  return marks;
}
