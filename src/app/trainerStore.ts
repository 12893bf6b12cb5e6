// What the page knows about the worker: whether it is up, the backend and why, what it is doing, and the messages it
// sent. Written only by the trainer client; read by components through selectors.
import { create } from 'zustand';
import type { BackendName, BackendPreference } from '../engine/backend';
import type { TrainerPhase } from '../worker/protocol';

export interface BackendInfo {
  name: BackendName;
  reason: string;
  fallbacks: string[];
}

export interface TrainerState {
  /** loading: TF.js is still loading in the worker; crashed: the worker died and must be restarted. */
  worker: 'loading' | 'ready' | 'crashed';
  preference: BackendPreference;
  /**
   * Train a run's strategies side by side, one per core, where the backend and memory allow (lanes), with the same
   * numbers as one at a time. Present mode's story trains them one at a time whatever this says.
   */
  sideBySide: boolean;
  /** A backend change is in flight. */
  switching: boolean;
  backend: BackendInfo | null;
  phase: TrainerPhase;
  /** Bytes of a checkpoint's weights downloaded so far before a run (model.checkpoint), while it downloads. */
  download: { loaded: number; total?: number } | null;
  errors: { id: number; text: string }[];
}

export const initialTrainerState: TrainerState = {
  worker: 'loading',
  preference: 'auto',
  sideBySide: true,
  switching: true,
  backend: null,
  phase: 'idle',
  download: null,
  errors: [],
};

export const useTrainerStore = create<TrainerState>()(() => initialTrainerState);

let nextErrorId = 1;

export function reportError(text: string): void {
  // The same message twice (a retry that fails the same way) is shown once.
  useTrainerStore.setState((s) =>
    s.errors.some((e) => e.text === text) ? s : { errors: [...s.errors, { id: nextErrorId++, text }] },
  );
}

export function dismissError(id: number): void {
  useTrainerStore.setState((s) => ({ errors: s.errors.filter((e) => e.id !== id) }));
}
