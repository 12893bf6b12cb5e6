// What a host gives the runner: hooks into the run as it goes and the options of one run. Its own file so the runner
// and each strategy's run both import it without importing each other.
import type { T5Config } from '../model/config';
import type { HostTensors } from '../model/init';
import type { T5Model } from '../model/t5';
import type { RunTokenizerSpec } from '../tokenizers/runTokenizer';
import type { RunEvent, StepEvent } from './events';
import type { FirstTaskRelay } from './firstTask';
import type { LaneHost } from './laneProtocol';
import type { RunCheckpoint } from './resume';
import type { PauseSignal } from '../util/pauseGate';
import type { DatasetResolver, EvalSplit } from './taskData';

export type { PauseSignal } from '../util/pauseGate';

/** What onModel sees of a strategy's model: enough to copy it, not to change it (a lane's model is a copy sent over). */
export type ModelSnapshot = Pick<T5Model, 'config' | 'exportWeights'>;

export interface RunHooks {
  onEvent?(event: RunEvent): void;
  /** Every training step (the same object as the 'step' event). */
  onProgress?(progress: StepEvent): void;
  /** Checked before every step and evaluation; a stopped run returns the results so far, marked `stopped`. */
  shouldStop?(): boolean;
  /** Awaited before every training step: a host's pause gate (the app's worker holds the run here while paused). */
  beforeStep?(): Promise<void>;
  /**
   * Sees strategy `strategy`'s model at a stage: 'start' (task 0, before any training: θ₀), after task `task`'s training
   * 'trained' (before the strategy's after-task work), 'fused' (KIF strategies, right after fusion), 'final' (as
   * evaluated for the matrix row).
   */
  onModel?(at: ModelAt, model: ModelSnapshot): void | Promise<void>;
  /**
   * At every task boundary but the last of each strategy, and between strategies: what `RunOptions.resume` needs to go
   * on from here (resume.ts). Only built when this hook is given.
   */
  onCheckpoint?(checkpoint: RunCheckpoint): void | Promise<void>;
}

/** Where onModel is called: strategy `strategy`, task `task`, stage 'start' | 'trained' | 'fused' | 'final'. */
export interface ModelAt {
  strategy: number;
  task: number;
  stage: string;
}

export interface RunOptions {
  /** Imported datasets by id, for tasks given as {dataset}. */
  datasets?: DatasetResolver;
  /** Weights of a pretrained base for init "pretrained"; without them the run starts from scratch, with a warning. */
  baseWeights?: HostTensors;
  /** The model of a spec naming a checkpoint (model.checkpoint), as the host loaded it: its config and weights. */
  checkpoint?: { config: T5Config; weights: HostTensors };
  /** The tokenizer of training, evaluation and decoding: a checkpoint's own; default the byte tokenizer. */
  tokenizer?: RunTokenizerSpec;
  /** The held-out set the matrix scores (taskData.ts); 'val' is for choosing settings. Default 'test'. */
  evalSplit?: EvalSplit;
  /** Steps between live importance snapshots of KIF strategies; 0: only at the end of each task. */
  importanceEvery?: number;
  evalBatchSize?: number;
  /** Predictions kept per task in the results. */
  samplesPerTask?: number;
  /** Most points kept per loss curve (bucket means beyond that). */
  lossPoints?: number;
  /** Go on from this checkpoint of an earlier run of the same spec: finished strategies are taken as given. */
  resume?: RunCheckpoint;
  /**
   * Threads the host can lend: the strategies are split over lanes where that helps and fits (lanes.ts), with the
   * results document of one lane, bit for bit.
   */
  lanes?: LaneHost;
  /**
   * The host's pause control, for a run in lanes: the other lanes hold, step and resume as it says (lanes.ts). This
   * thread's lane holds in hooks.beforeStep as before; a run in one lane does not read it.
   */
  pause?: PauseSignal;
  /** This run is one lane of a run in lanes: it runs strategies `only` (spec indices) and shares task 0 through `relay`. */
  lane?: { only: number[]; relay: FirstTaskRelay };
}

export const runDefaults = { importanceEvery: 25, evalBatchSize: 64, samplesPerTask: 5, lossPoints: 100 };
