// The typed messages between the page and the training worker. The page only sends commands and renders
// events; everything computed lives in the worker.
import type { BackendName, BackendPreference } from '../engine/backend';
import type { QuickTrainEval, QuickTrainOptions } from '../engine/demo/quickTrain';

export type TrainerCommand =
  | { type: 'init'; backend: BackendPreference }
  | { type: 'start'; options: QuickTrainOptions }
  | { type: 'pause' }
  | { type: 'resume' }
  /** While paused: let exactly one more training step run. */
  | { type: 'step' }
  | { type: 'stop' };

export type TrainerPhase = 'idle' | 'training' | 'paused' | 'stopping';

export type TrainerEvent =
  | { type: 'ready'; backend: BackendName; reason: string; fallbacks: string[] }
  | { type: 'status'; phase: TrainerPhase }
  | { type: 'progress'; step: number; total: number; loss: number }
  | ({ type: 'eval' } & QuickTrainEval)
  | { type: 'done'; final: QuickTrainEval; stopped: boolean; seconds: number }
  /** `endedRun`: the error stopped the training run (other errors leave a run going). */
  | { type: 'error'; message: string; endedRun?: boolean };

export type { QuickTrainEval, QuickTrainOptions };
