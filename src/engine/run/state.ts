// The run model: one shape behind every view of a run. The reducer (reduce.ts) builds it from the runner's events; the
// worker, the page, saved runs, result files and links hold it. A finished run's state is its results document: the
// live-only parts (`live` on the run and on each strategy) are gone once 'run-done' is reduced.
import type { ResultsDocument, StrategyResult } from '../experiment/results';
import type { UnitTable } from '../kif/units';
import type { UnitScores } from '../strategies/types';

/** A running strategy's latest training step, as its row in the run bar shows it. */
export interface RunProgress {
  strategy: number;
  task: number;
  phase: string;
  step: number;
  steps: number;
  loss: number;
  lr: number;
  gradNorm: number;
}

/**
 * What the runner is doing now, told by 'phase' events (never guessed from steps): 'compiling' is a shader backend's
 * first step of a new batch shape, 'fusing' a KIF strategy's work after a task, 'finishing' any other strategy's.
 */
export type RunPhase = 'compiling' | 'training' | 'evaluating' | 'fusing' | 'finishing';

export interface RunLive {
  totalSteps: number;
  /** Most points a finished phase's loss curve keeps (bucket means beyond that). */
  lossPoints: number;
  /** One per running strategy (started, not done), in spec order: lanes train two side by side. */
  progress: RunProgress[];
  /** Share of the run's planned training steps done, 0..1: the latest step's, which counts every lane. */
  fraction: number;
  /** The latest 'phase' event's phase, whichever strategy it was for. */
  phase: RunPhase | null;
  /** Each strategy's latest phase: lanes do different things at once (one evaluates while the other trains). */
  phases?: Record<number, RunPhase>;
}

export interface StrategyLive {
  /** Not started yet: a stopped run's document leaves it out. */
  pending?: true;
  /** The last loss curve is still the raw per-step curve of the phase in training. */
  openCurve?: true;
  /** Latest live importance of the task in training (KIF strategies). */
  importance?: { task: number; step: number; scores: UnitScores };
}

export interface StrategyState extends StrategyResult {
  /** Absent once the strategy is done. */
  live?: StrategyLive;
}

export interface RunState extends Omit<ResultsDocument, 'strategies'> {
  strategies: StrategyState[];
  /** Absent once the run is done: the state is then a results document. */
  live?: RunLive;
}

export const isDone = (s: StrategyState): boolean => s.live === undefined;

/** Row whose predictions `samples` holds: the last evaluated one. */
export const samplesRow = (s: StrategyState): number => Math.max(0, s.matrix.length - 1);

/** The importance map a view opens on: the live one while training, else the last finished task's. */
export function shownImportance(s: StrategyState, taskSteps: readonly number[]): StrategyLive['importance'] | null {
  if (s.live?.importance) return s.live.importance;
  const scores = s.importance?.tasks ?? [];
  const last = scores.length - 1;
  return last >= 0 ? { task: last, step: taskSteps[last] ?? 0, scores: scores[last] } : null;
}

/** The units a strategy's scores and fusions are over: its own (kif-lora's adapter ranks) or the run's. */
export const unitsOf = (run: Pick<ResultsDocument, 'units'>, s: StrategyResult): UnitTable => s.units ?? run.units;

/** Loss curves of all phases end to end, as the loss chart numbers its steps: [step of the run, loss]. */
export function lossPoints(s: StrategyResult): [number, number][] {
  const out: [number, number][] = [];
  let offset = 0;
  for (const c of s.losses) {
    c.steps.forEach((step, i) => out.push([offset + step, c.losses[i]]));
    offset += c.steps.at(-1) ?? 0;
  }
  return out;
}
