// Where the run under way was, kept in localStorage about once a second, so after a reload the page can say where it
// was cut short ("task 2 of 3, step 120"), not only the task boundary it resumes from. One entry per strategy that
// trained (lanes train two at once), the latest step of each. Cleared when a run ends.
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
let latest: LastProgress[] = [];

function write(p: LastProgress[] | null): void {
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
    // A new run starts a new list: a stale entry of the last run's other strategy must not outlive it.
    if (ev.type === 'run' && ev.event.type === 'run-start') latest = [];
    else if (ev.type === 'steps') {
      const train = ev.steps.filter((x) => x.phase === 'train');
      for (const e of train) {
        const p = { strategy: e.strategy, task: e.task, step: e.step, steps: e.steps };
        latest = [...latest.filter((x) => x.strategy !== e.strategy), p];
      }
      const now = Date.now();
      if (train.length === 0 || (now - last < EVERY_MS && !train.some((e) => e.step === e.steps))) return;
      last = now;
      write(latest);
    } else if (ev.type === 'done' || (ev.type === 'error' && ev.runId !== undefined)) {
      latest = [];
      write(null);
    }
  });
}

const isProgress = (p: Partial<LastProgress> | null): p is LastProgress =>
  !!p && [p.strategy, p.task, p.step, p.steps].every((x) => Number.isInteger(x) && (x as number) >= 0);

/** The last progress saved, the entries that read as one (none when it does not read as a list). */
export function readProgress(): LastProgress[] {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(saved) ? saved.filter(isProgress) : [];
  } catch {
    return [];
  }
}

/**
 * "Interrupted at task 2 of 3, step 120": the saved progress of the interrupted run's strategy when it is not before
 * its resume point (else an older run's), otherwise the resume point alone.
 */
export function interruptedAt(
  resumeAt: { strategy: number; task: number },
  tasks: number,
  strategies: number,
  saved: readonly LastProgress[],
): string {
  const p = saved.find((x) => x.strategy === resumeAt.strategy);
  const seen = p && p.task >= resumeAt.task && p.task < tasks ? p : null;
  const task = seen ? seen.task : resumeAt.task;
  const where = `task ${task + 1} of ${tasks}${seen ? `, step ${seen.step}` : ''}`;
  return strategies > 1 ? `${where} (strategy ${resumeAt.strategy + 1} of ${strategies})` : where;
}
