// Where the run under way was, kept in localStorage about once a second, so after a reload the page can say where it
// was cut short ("task 2 of 3, step 120"), not only the task boundary it resumes from. Cleared when a run ends.
import { trainer } from '../trainerClient';

const KEY = 'kif-playground:last-progress';
const EVERY_MS = 1000;

export interface LastProgress {
  strategy: number;
  task: number;
  step: number;
  steps: number;
}

let last = 0;
let installed = false;

function write(p: LastProgress | null): void {
  try {
    if (p) localStorage.setItem(KEY, JSON.stringify(p));
    else localStorage.removeItem(KEY);
  } catch {
    // storage refused: the resume offer then names only the task boundary
  }
}

export function trackProgress(): void {
  if (installed) return;
  installed = true;
  trainer.listen((ev) => {
    if (ev.type === 'steps') {
      const e = ev.steps.filter((x) => x.phase === 'train').at(-1);
      if (!e) return;
      const now = Date.now();
      if (now - last < EVERY_MS && e.step !== e.steps) return;
      last = now;
      write({ strategy: e.strategy, task: e.task, step: e.step, steps: e.steps });
    } else if (ev.type === 'done' || (ev.type === 'error' && ev.runId !== undefined)) write(null);
  });
}

/** The last progress saved, when it reads as one. */
export function readProgress(): LastProgress | null {
  try {
    const p = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<LastProgress> | null;
    const ok = p && [p.strategy, p.task, p.step, p.steps].every((x) => Number.isInteger(x) && (x as number) >= 0);
    return ok ? (p as LastProgress) : null;
  } catch {
    return null;
  }
}

/**
 * "Interrupted at task 2 of 3, step 120": the saved progress when it is of the interrupted run's strategy and not
 * before its resume point (else an older run's), otherwise the resume point alone.
 */
export function interruptedAt(
  resumeAt: { strategy: number; task: number },
  tasks: number,
  strategies: number,
  p: LastProgress | null,
): string {
  const seen = p && p.strategy === resumeAt.strategy && p.task >= resumeAt.task && p.task < tasks ? p : null;
  const task = seen ? seen.task : resumeAt.task;
  const where = `task ${task + 1} of ${tasks}${seen ? `, step ${seen.step}` : ''}`;
  return strategies > 1 ? `${where} (strategy ${resumeAt.strategy + 1} of ${strategies})` : where;
}
