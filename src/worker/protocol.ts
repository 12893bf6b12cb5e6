// The typed messages between the page and the training worker. The page only sends commands and renders events;
// everything computed lives in the worker.
import type { BackendName, BackendPreference } from '../engine/backend';
import type { RunEvent, StepEvent } from '../engine/experiment/events';
import type { ResultsDocument } from '../engine/experiment/results';
import type { RunCheckpoint } from '../engine/experiment/resume';
import type { WhatIfResult } from '../engine/experiment/whatIf';
import type { WhatIfKnobs } from '../engine/experiment/whatIfKnobs';
import type { ExperimentSpec } from '../engine/spec/experiment';
import type { ModelExport } from '../engine/export/finalModels';
import type { DatasetData } from '../engine/experiment/taskData';
import type { HostTensors } from '../engine/model/init';
import type { RunTokenizerSpec } from '../engine/tokenizers/runTokenizer';

/** Merge strategy `strategy`'s task models of the last run again with this rule and these knobs (what-if). */
export interface RecomputeFusionRequest extends WhatIfKnobs {
  /** Counts requests so the page can drop answers to ones it has since replaced. */
  id: number;
  strategy: number;
}

export interface StartCommand {
  type: 'start';
  /** Chosen by the page; every event of this run carries it, so events of a run reset since are dropped by id. */
  runId: number;
  spec: ExperimentSpec;
  /** Go on from this checkpoint of an earlier run of the same spec (a reloaded page). */
  resume?: RunCheckpoint;
  /** Imported datasets the spec's tasks name as {dataset: id}. */
  datasets?: Record<string, DatasetData>;
  /** Weights of an imported checkpoint, for a model given as a config with init "pretrained". */
  baseWeights?: HostTensors;
  /** That checkpoint's own tokenizer: training, evaluation, decoding and what-if fusion use it. */
  tokenizer?: RunTokenizerSpec;
  /** The page's `?fault=` parameter, for tests only (faultSwitch.ts). */
  fault?: string;
  /** Train the strategies side by side, one per core, where the backend and memory allow (default true; lanes.ts). */
  sideBySide?: boolean;
}

export type TrainerCommand =
  | { type: 'init'; backend: BackendPreference }
  | StartCommand
  | { type: 'pause' }
  | { type: 'resume' }
  /** While paused: let exactly one more training step run. */
  | { type: 'step' }
  | { type: 'stop' }
  /** Forget the last run (the fusion inputs kept for what-if). */
  | { type: 'reset' }
  | { type: 'recompute-fusion'; request: RecomputeFusionRequest }
  /** Share: the last run's trained model of strategy `strategy` as Hugging Face files (answered by 'model-export'). */
  | { type: 'export-model'; id: number; strategy: number };

/** The worker's own state; what the run does inside 'training' comes as the runner's 'phase' events. */
export type TrainerPhase = 'idle' | 'loading-base' | 'training' | 'paused' | 'stopping' | 'recomputing-fusion';

/** Training steps, throttled: every step event since the last message, in order (strategies in lanes interleave). */
export interface StepsEvent {
  type: 'steps';
  runId: number;
  steps: StepEvent[];
}

export type TrainerEvent =
  | { type: 'ready'; backend: BackendName; reason: string; fallbacks: string[] }
  | { type: 'status'; phase: TrainerPhase }
  /** Progress of a checkpoint download before a run (model.checkpoint), in bytes of weights. */
  | { type: 'download'; loaded: number; total?: number }
  /** Something the user should know about run `runId` that is not an error (e.g. the pretrained base is missing). */
  | { type: 'notice'; runId: number; message: string }
  /** The backend failed during the run: `to` is active now and the run goes on from its last task boundary. */
  | { type: 'fallback'; runId: number; from: BackendName; to: BackendName; message: string }
  /** A runner event other than 'step' (those come as 'steps'). */
  | { type: 'run'; runId: number; event: Exclude<RunEvent, StepEvent> }
  | StepsEvent
  | { type: 'done'; runId: number; results: ResultsDocument }
  /** At each task boundary: what resuming the run from here needs (the page saves it). */
  | { type: 'checkpoint'; runId: number; checkpoint: RunCheckpoint }
  /** Strategies of the last run whose task models any merging rule can merge; `kif`: those whose KIF fusion can be recomputed. */
  | { type: 'recomputable'; runId: number; strategies: number[]; kif: number[] }
  | { type: 'fusion-recomputed'; id: number; result: WhatIfResult }
  | { type: 'model-export'; id: number; result: ModelExport }
  /** `runId`: the error ended that run (other errors leave a run going); `requestId`: that what-if request failed. */
  | { type: 'error'; message: string; runId?: number; requestId?: number };
