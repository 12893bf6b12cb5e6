// The run the page shows: the engine's run model (engine/run) for a run in progress, a finished one, or a document
// brought in (a link, a file, a saved run), plus what only the page knows (clock times, the what-if requests).
// The trainer client folds the worker's events into `run` (steps arrive about twice a second, stepThrottle.ts).
import { create } from 'zustand';
import type { WhatIfResult } from '../engine/experiment/whatIf';
import type { RunState } from '../engine/run/state';

export type RunOutcome = { kind: 'finished' | 'stopped' | 'failed'; seconds: number | null };

export interface WhatIfState {
  /** Id of the request in flight, or null. */
  pending: number | null;
  result: WhatIfResult | null;
  error: string | null;
}

export interface RunViewState {
  /** From start until the worker reports the run over. */
  active: boolean;
  /** Id of the run in progress: the worker's events of any other run (one reset away) are dropped. */
  runId: number | null;
  /** The run shown; null before any. */
  run: RunState | null;
  /** Worker notices of this run that came before its first event (loading the base, a backend fallback). */
  notices: string[];
  /** performance.now() at start, and when each running strategy's task in training started (by strategy index). */
  startedAt: number | null;
  taskStartedAt: Record<number, number>;
  outcome: RunOutcome | null;
  /** Strategies whose task models the worker can merge with any merging rule (what-if). */
  recomputable: number[];
  /** Those of them whose last KIF fusion it can recompute (KIF's rules need importance scores). */
  recomputableKif: number[];
  whatIf: WhatIfState;
}

export const initialRunState: RunViewState = {
  active: false,
  runId: null,
  run: null,
  notices: [],
  startedAt: null,
  taskStartedAt: {},
  outcome: null,
  recomputable: [],
  recomputableKif: [],
  whatIf: { pending: null, result: null, error: null },
};

export const useRunStore = create<RunViewState>()(() => initialRunState);
