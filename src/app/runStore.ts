// The run the page shows, as its events arrive: progress, per-strategy matrices, importance, fusions and loss curves.
// The trainer client writes it (steps arrive at most ~10 times a second); components read slices of it.
import { create } from 'zustand';
import type { WhatIfResult } from '../engine/experiment/whatIf';
import type { ExperimentSpec } from '../engine/spec/experiment';
import type { FusionReport, UnitScores } from '../engine/strategies/types';
import type { StrategyResult } from '../engine/experiment/results';

export interface LiveStrategy {
  name: string;
  label: string;
  /** Accuracy matrix rows so far (row 0 untrained, row k + 1 after task k), in percent. */
  matrix: number[][];
  /** Latest live importance of the task in training (KIF strategies). */
  live: { task: number; step: number; scores: UnitScores } | null;
  /** S_k of every finished task. */
  taskScores: UnitScores[];
  /** A_k after every finished task. */
  accumulated: UnitScores[];
  fusions: FusionReport[];
  /** Predictions of the latest evaluation (refreshed at every matrix row), and that row's index. */
  samples: StrategyResult['samples'];
  samplesRow: number;
  /** Loss of every training step of this strategy, in order: [index, loss]. */
  losses: [number, number][];
  error?: string;
  done: boolean;
}

export interface RunProgress {
  strategy: number;
  task: number;
  phase: string;
  step: number;
  steps: number;
  /** Share of the run's planned training steps done, 0..1. */
  fraction: number;
  loss: number;
  /** performance.now() when this task's training started. */
  taskStartedAt: number;
}

export type RunOutcome = { kind: 'finished' | 'stopped' | 'failed'; seconds: number | null };

export interface WhatIfState {
  /** Id of the request in flight, or null. */
  pending: number | null;
  result: WhatIfResult | null;
  error: string | null;
}

export interface RunState {
  /** From start until the worker reports the run over. */
  active: boolean;
  /** The spec of the run shown (the edited spec may have changed since). */
  spec: ExperimentSpec | null;
  tasks: string[];
  /** Each task's best constant answer's score: the floor its matrix column is read against. */
  majority: number[];
  units: string[];
  totalSteps: number;
  strategies: LiveStrategy[];
  progress: RunProgress | null;
  /** performance.now() at start. */
  startedAt: number | null;
  warnings: string[];
  outcome: RunOutcome | null;
  /** Strategies whose task models the worker can merge with any merging rule (what-if). */
  refusable: number[];
  /** Those of them whose last KIF fusion it can recompute (KIF's rules need importance scores). */
  refusableKif: number[];
  whatIf: WhatIfState;
}

export const initialRunState: RunState = {
  active: false,
  spec: null,
  tasks: [],
  majority: [],
  units: [],
  totalSteps: 0,
  strategies: [],
  progress: null,
  startedAt: null,
  warnings: [],
  outcome: null,
  refusable: [],
  refusableKif: [],
  whatIf: { pending: null, result: null, error: null },
};

export const useRunStore = create<RunState>()(() => initialRunState);

/** Replaces strategy i with f(it). */
export function updateStrategy(i: number, f: (s: LiveStrategy) => LiveStrategy): void {
  useRunStore.setState((s) => ({ strategies: s.strategies.map((x, j) => (j === i ? f(x) : x)) }));
}
