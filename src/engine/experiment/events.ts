// The events a running experiment emits, for the UI (through the worker) and the CLI. Every event carries `type`;
// events about one strategy carry its index in the spec's strategy list (`strategy`) and, where it applies, the task
// index in the queue (`task`).
import type { RunPhase } from '../run/state';
import type { Knobs } from '../strategies/knobs';
import type { FusionReport, UnitScores } from '../strategies/types';
import type { UnitTable } from '../kif/units';
import type { ResultsDocument, StrategyResult } from './results';

/** What a results document says about the run as a whole, known when it starts. */
export type RunHeader = Omit<ResultsDocument, 'format' | 'version' | 'stopped' | 'strategies' | 'timings'>;

export interface StepEvent {
  type: 'step';
  strategy: number;
  task: number;
  /** 'train' for the task's own training; strategies add phases (kif-replay: 'replay'). */
  phase: string;
  /** 1-based step within the phase. */
  step: number;
  steps: number;
  loss: number;
  lr: number;
  gradNorm: number;
  /** Share of the run's planned training steps done, 0..1 (extra phases are not planned, so it may pause at a value). */
  fraction: number;
}

export type RunEvent =
  /**
   * majorityScores: each task's best constant answer's score on its test examples (majority.ts). `header`: the results
   * document's run-wide fields; `lossPoints`: most points a finished phase's loss curve keeps.
   */
  | {
      type: 'run-start';
      strategies: string[];
      tasks: string[];
      majorityScores: number[];
      totalSteps: number;
      backend: string;
      header: RunHeader;
      lossPoints: number;
    }
  | { type: 'warning'; message: string }
  /** `tracksImportance`: its results keep importance maps (KIF strategies). */
  | { type: 'strategy-start'; strategy: number; name: string; label: string; knobs: Knobs; tracksImportance: boolean }
  /** Resuming: a strategy's results up to the checkpoint (`done`: it had finished). */
  | { type: 'strategy-restored'; strategy: number; result: StrategyResult; done: boolean }
  /** Units of the strategy's own (kif-lora's adapter ranks): its scores and fusions are over these, not the run's. */
  | { type: 'strategy-units'; strategy: number; units: UnitTable }
  /** What the runner does now for strategy `strategy` on task `task`. */
  | { type: 'phase'; strategy: number; task: number; phase: RunPhase }
  | { type: 'task-start'; strategy: number; task: number; steps: number }
  | StepEvent
  /** Unit scores S(u) of the task so far: every `importanceEvery` steps (final: false) and at the task's end (final: true). */
  | { type: 'importance'; strategy: number; task: number; step: number; final: boolean; scores: UnitScores }
  /** The accumulated scores A_k after task k (A_0 = S_0). */
  | { type: 'accumulated'; strategy: number; task: number; scores: UnitScores }
  | { type: 'fusion'; strategy: number; task: number; fusion: FusionReport }
  /**
   * A row of the accuracy matrix: row 0 before training, row k + 1 after task k; scores in percent, one per task.
   * `samples`: the first predictions on each task's test set at this evaluation (RunOptions.samplesPerTask per task).
   */
  | { type: 'eval-row'; strategy: number; row: number; scores: number[]; samples: StrategyResult['samples'] }
  /** An evaluation inside task `task` at `step` (spec.training.evalEvery), on every task's test set. */
  | { type: 'eval-curve'; strategy: number; task: number; step: number; scores: number[] }
  | { type: 'strategy-done'; strategy: number; timings: StrategyResult['timings'] }
  /** The strategy stopped on an error (a non-finite loss); the run goes on with the next strategy. */
  | { type: 'error'; strategy: number; message: string }
  | { type: 'run-done'; stopped: boolean; seconds: number };
