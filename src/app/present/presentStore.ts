// Present mode: which step of the story is on screen, what an embed hides, and the pause at each task boundary (so the
// teacher talks before the next task trains). The state is mirrored into the query string, so a copied link or an
// embed opens the same view.
import { create } from 'zustand';
import { trainer } from '../trainerClient';
import { isDone } from '../../engine/run/state';
import { useRunStore } from '../runStore';
import { PRESENT_STEPS, readPresent, tellsStory, writePresent, type Hideable, type PresentState } from './presentState';

interface PresentStore extends PresentState {
  /** Why the run is paused at a task boundary, while it is. */
  pausedAt: string | null;
}

export const usePresentStore = create<PresentStore>()(() => ({ ...readPresent(location.search), pausedAt: null }));

function write(s: PresentState): void {
  usePresentStore.setState(s);
  history.replaceState(history.state, '', `${location.pathname}${writePresent(location.search, s)}${location.hash}`);
}

export const startPresenting = () => write({ step: 0, hide: usePresentStore.getState().hide });
export const stopPresenting = () => write({ step: null, hide: [] });
export const goToStep = (step: number) =>
  write({ step: Math.max(0, Math.min(PRESENT_STEPS.length - 1, step)), hide: usePresentStore.getState().hide });
export const setHidden = (hide: Hideable[]) => write({ step: usePresentStore.getState().step, hide });

/** Goes on after a boundary pause. */
export function continueRun(): void {
  usePresentStore.setState({ pausedAt: null });
  trainer.resume();
}

let installed = false;

/**
 * Pauses the run at each task boundary while presenting, except after the very last task of the run. The pause is
 * asked for at the task's last training step, so it reaches the worker during the evaluation rather than after the
 * next task has begun; the message naming the task is set then too.
 */
export function pauseAtBoundaries(): void {
  if (installed) return;
  installed = true;
  const presenting = () => tellsStory(usePresentStore.getState());
  // The run's end: a strategy's last task with every other strategy done (with lanes the last to finish may not be the
  // last in the queue).
  const lastOfRun = (strategy: number, task: number) => {
    const run = useRunStore.getState().run;
    const othersDone = run?.strategies.every((s, i) => i === strategy || isDone(s)) ?? true;
    return othersDone && task === (run?.tasks.length ?? 0) - 1;
  };
  trainer.listen((ev) => {
    if ((ev.type === 'run' && ev.event.type === 'run-start') || ev.type === 'done')
      usePresentStore.setState({ pausedAt: null });
    if (!presenting()) return;
    if (ev.type !== 'steps') return;
    const end = ev.steps.find((e) => e.phase === 'train' && e.step === e.steps && !lastOfRun(e.strategy, e.task));
    if (!end) return;
    trainer.pause();
    // Said when the pause is asked for, not at the task's evaluation: a strategy with a phase after training (kif-replay)
    // pauses before its evaluation arrives.
    const run = useRunStore.getState().run;
    const tasks = run?.tasks.map((t) => t.name) ?? [];
    const label = run?.strategies[end.strategy]?.label ?? `strategy ${end.strategy + 1}`;
    usePresentStore.setState({
      pausedAt: `${label} has learned task ${end.task + 1} of ${tasks.length} (${tasks[end.task] ?? '?'}). Paused for you: Continue when the class is ready.`,
    });
  });
}
