// What the page knows about the worker and the current run. Written only by the trainer client, at a
// throttled rate for fast-changing parts; read by components through selectors.
import { create } from 'zustand';
import type { BackendName, BackendPreference } from '../engine/backend';
import type { QuickTrainEval, TrainerPhase } from '../worker/protocol';
import type { CurvePoint } from './liveCurve';

export interface BackendInfo {
  name: BackendName;
  reason: string;
  fallbacks: string[];
}

export interface RunProgress {
  step: number;
  total: number;
  loss: number;
  /** performance.now() when the run was started, for elapsed time and the estimate of time left. */
  startedAt: number;
}

export interface RunResult {
  outcome: 'finished' | 'stopped' | 'failed';
  /** Wall time of the run as the worker measured it; unknown when it failed. */
  seconds: number | null;
  /** The last step reported. */
  step: number;
}

export interface TrainerState {
  /** loading: TF.js is still loading in the worker; crashed: the worker died and must be restarted. */
  worker: 'loading' | 'ready' | 'crashed';
  preference: BackendPreference;
  /** A backend change is in flight. */
  switching: boolean;
  backend: BackendInfo | null;
  phase: TrainerPhase;
  progress: RunProgress | null;
  curve: CurvePoint[];
  lastEval: QuickTrainEval | null;
  result: RunResult | null;
  errors: { id: number; text: string }[];
}

export const initialTrainerState: TrainerState = {
  worker: 'loading',
  preference: 'auto',
  switching: true,
  backend: null,
  phase: 'idle',
  progress: null,
  curve: [],
  lastEval: null,
  result: null,
  errors: [],
};

export const useTrainerStore = create<TrainerState>()(() => initialTrainerState);

let nextErrorId = 1;

export function reportError(text: string): void {
  useTrainerStore.setState((s) => ({ errors: [...s.errors, { id: nextErrorId++, text }] }));
}

export function dismissError(id: number): void {
  useTrainerStore.setState((s) => ({ errors: s.errors.filter((e) => e.id !== id) }));
}
