// What a continual-learning strategy is, and what the runner lends it while a task queue runs.
//
// The runner drives every strategy the same way, task after task k = 0..T-1:
//   beforeTask(k)  → training phase on sampler(k) with hooks(k) → afterTask(k) (fusion, replay) → evaluation row.
// A strategy changes only what it needs: which rows fill a batch (replay, multi-task), the trainer hooks (importance
// tracking, penalties, distillation, freezing), and what happens to the weights after a task (fusion).
import type { FusionCase } from '../kif/fusion';
import type { BuiltUnit, ParamShape } from '../kif/units';
import type { T5Config } from '../model/config';
import type { HostTensors } from '../model/init';
import type { T5Model } from '../model/t5';
import type { TrainingSpec } from '../spec/experiment';
import type { Example } from '../tasks/types';
import type { BatchShape, Encoded } from '../train/batching';
import type { TrainHooks, TrainSettings } from '../train/trainer';
import type { Rng } from '../util/rng';
import type { KnobDefs, Knobs } from './knobs';

/** One entry of the task queue, resolved to data. */
export interface TaskRun {
  /** Built-in task name or imported dataset id. */
  name: string;
  /** Key of textScorers ('exact-match', 'rouge-l', ...). */
  scorer: string;
  steps: number;
  train: Example[];
  test: Example[];
}

/** Returns the rows of the next batch (batchSize of them). */
export type BatchSampler = () => Encoded[];

export interface PhaseOptions {
  /** 'train' is the task's own training; strategies name their extra phases (e.g. 'replay'). */
  phase: string;
  steps: number;
  sampler: BatchSampler;
  hooks?: TrainHooks;
  /** Overrides of the spec's training settings for this phase (e.g. no weight decay while units are frozen). */
  settings?: Partial<TrainSettings>;
}

/** A unit-score table: unit name → score. */
export type UnitScores = Record<string, number>;

export interface FusionReport {
  afterTask: number;
  rule: string;
  /** Per unit, the weight of θ̂_{k−1} in the fused unit (the rest is θ_k). */
  prevWeight: UnitScores;
  /** Hard rule: the four-case label of every unit. */
  cases?: Record<string, FusionCase>;
  thresholds?: { prev: number; cur: number } | null;
  /** Units that later phases kept frozen (kif-replay). */
  frozen?: string[];
  /**
   * Merging rules over task vectors: per unit, each task's share (tasks 0..afterTask) of the merged change in that unit;
   * all zeros where the merge left the unit at the base.
   */
  shares?: Record<string, number[]>;
}

export type StrategyEvent =
  | { type: 'importance'; task: number; step: number; final: boolean; scores: UnitScores }
  | { type: 'accumulated'; task: number; scores: UnitScores }
  | { type: 'fusion'; fusion: FusionReport };

/** Lent to a strategy for one run of the task queue. */
export interface StrategyEnv {
  readonly model: T5Model;
  readonly config: T5Config;
  readonly tasks: readonly TaskRun[];
  /** Train sets, tokenized, one list per task. */
  readonly encoded: readonly Encoded[][];
  readonly units: readonly BuiltUnit[];
  readonly granularity: string;
  /** The spec's granularity applied to parameters a strategy brings (LoRA adapters): units over those. */
  unitsFor(params: readonly ParamShape[]): BuiltUnit[];
  readonly batchSize: number;
  /** The batch shape of task k's phases: its lengths fit tasks 0..k, all a strategy may train on then. */
  shape(k: number): BatchShape;
  /** Steps between live importance snapshots (0: only at the end of a task). */
  readonly importanceEvery: number;
  /** A seeded stream; the same label gives the same stream to every strategy of a run. */
  rng(label: string): Rng;
  /** The shuffled-epoch sampler over `rows` that seqft uses, seeded by `label`. */
  sampler(rows: readonly Encoded[], label: string, batchSize?: number): BatchSampler;
  /** Runs an extra training phase for task k in the runner's loop (events, stop, non-finite check). */
  train(k: number, options: PhaseOptions): Promise<void>;
  emit(event: StrategyEvent): void;
  /** Lets an observer see the model at a named stage (tests, checkpoint export). */
  inspect(k: number, stage: string): Promise<void>;
}

export interface StrategyRun {
  /** Batches for task k's training (default: the task's own train set, as seqft). */
  sampler?(k: number): BatchSampler;
  beforeTask?(k: number): Promise<void> | void;
  /** Trainer hooks for task k's training phase. */
  hooks?(k: number): TrainHooks;
  /** Overrides of the spec's training settings (`training`) for task k's training phase (e.g. LoRA's larger lr). */
  trainSettings?(k: number, training: TrainingSpec): Partial<TrainSettings>;
  /** After training task k: fusion, replay. */
  afterTask?(k: number): Promise<void>;
  /**
   * At a task boundary (after afterTask and the evaluation), what the strategy carries into the next task beyond the
   * model's weights, copied to the host (resuming a run). Absent: the weights are all it carries.
   */
  snapshot?(): Promise<StrategyState> | StrategyState;
  /** Takes back a snapshot() on a fresh run of the same strategy and knobs, before the next task's beforeTask. */
  restore?(state: StrategyState): void;
  dispose(): void;
}

/** A strategy's state between tasks, on the host, structured-cloneable (worker messages, IndexedDB). */
export interface StrategyState {
  /** Named groups of weight-shaped tensors (EWC: Fisher and anchor). */
  tensors?: Record<string, HostTensors>;
  /** Named unit-score tables (KIF: the accumulated scores). */
  scores?: Record<string, UnitScores>;
}

/** What the page needs of a strategy (catalog.ts): everything but its implementation. */
export interface StrategyInfo {
  name: string;
  title: string;
  /** One paragraph: what it does and what it stands for in the comparison. */
  description: string;
  knobs: KnobDefs;
  /** Problems of a knob combination that single-knob bounds cannot express, and of the run's settings. */
  problems?(knobs: Knobs, context: { granularity: string; tasks: number }): string[];
  /** Whether the results keep importance tables (KIF strategies). */
  tracksImportance?: boolean;
  /** 'lora': trains LoRA adapters on a frozen base (model/lora.ts); absent: trains the full model. Demos group by it. */
  family?: 'lora';
}

export interface StrategyDef extends StrategyInfo {
  /**
   * Task 0 trains exactly as seqft trains it, whatever the knobs: the default sampler, no hooks, no setting overrides,
   * and beforeTask(0) leaves the model alone. The runner then trains task 0 once for all such strategies of a run
   * (experiment/firstTask.ts).
   */
  firstTaskAsSeqft?: boolean;
  create(env: StrategyEnv, knobs: Knobs): StrategyRun;
}
