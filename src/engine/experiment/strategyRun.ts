// One strategy's run of the task queue: the model, the training loop the strategy hooks into, the evaluation rows,
// and everything the results keep about it.
import { continualMetrics } from '../metrics/continual';
import { textScorer } from '../metrics/text';
import type { T5Config } from '../model/config';
import type { HostTensors } from '../model/init';
import { T5Model } from '../model/t5';
import type { ExperimentSpec } from '../spec/experiment';
import { buildUnits, type SkillUnit } from '../kif/units';
import type { Knobs } from '../strategies/knobs';
import type { BatchSampler, PhaseOptions, StrategyDef, StrategyEnv, StrategyEvent, TaskRun } from '../strategies/types';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { disposeBatch, packBatch, type BatchShape, type Encoded } from '../train/batching';
import { evaluate, type Prediction } from '../train/evaluate';
import { batchOrder, NonFiniteLossError, Trainer, type StepInfo, type TrainSettings } from '../train/trainer';
import { deriveSeed, makeRng } from '../util/rng';
import { downsample } from './downsample';
import type { RunEvent, StepEvent } from './events';
import type { LossCurve, StrategyResult } from './results';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type StrategyCheckpoint } from './resume';
import type { RunHooks, runDefaults, RunOptions } from './runner';

export interface ResolvedStrategy {
  def: StrategyDef;
  knobs: Knobs;
  label: string;
}

export const seconds = (ms: number) => Math.round(ms) / 1000;

/** What every strategy of one run shares. */
export interface Shared {
  spec: ExperimentSpec;
  tasks: TaskRun[];
  encoded: Encoded[][];
  shapes: BatchShape[];
  units: SkillUnit[];
  tok: Tokenizer;
  config: T5Config;
  init: HostTensors;
  hooks: RunHooks;
  opts: typeof runDefaults & RunOptions;
  plannedSteps: number;
  doneSteps: number;
  stopped: boolean;
  /** The finished strategies' results, in spec order (checkpoints carry them). */
  results: StrategyResult[];
  /**
   * Row 0 of the matrix, evaluated once: every strategy starts from the same weights (LoRA adapters start at zero),
   * so the untrained model's scores are the same for all of them.
   */
  untrained?: { scores: number[]; predictions: Prediction[][] };
}

/** Runs strategy `index` on the task queue, from the start or, given `from`, from that task boundary. */
export async function runStrategy(sh: Shared, index: number, s: ResolvedStrategy, from?: StrategyCheckpoint): Promise<StrategyResult> {
  const t0 = performance.now();
  const { spec, tasks, hooks } = sh;
  const emit = (e: RunEvent) => hooks.onEvent?.(e);
  const stopNow = () => (sh.stopped ||= hooks.shouldStop?.() ?? false);
  const model = new T5Model(sh.config, from?.weights ?? sh.init);
  const result: StrategyResult = from ? structuredClone(from.result) : {
    name: s.def.name,
    label: s.label,
    knobs: s.knobs,
    matrix: [],
    metrics: null,
    ...(s.def.tracksImportance ? { importance: { tasks: [], accumulated: [] } } : {}),
    fusions: [],
    losses: [],
    curves: [],
    samples: [],
    timings: { trainSeconds: 0, afterTaskSeconds: 0, evalSeconds: 0, totalSeconds: 0 },
  };
  const time = async <T>(key: 'trainSeconds' | 'afterTaskSeconds' | 'evalSeconds', f: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await f();
    } finally {
      result.timings[key] += (performance.now() - start) / 1000;
    }
  };

  const evalAll = async (): Promise<{ scores: number[]; predictions: Prediction[][] }> => {
    const scores: number[] = [];
    const predictions: Prediction[][] = [];
    for (const t of tasks) {
      const r = await evaluate(model, sh.tok, t.test, {
        batchSize: sh.opts.evalBatchSize,
        maxInputLen: spec.training.maxInputLen,
        maxOutputLen: spec.training.maxOutputLen,
        score: textScorer(t.scorer).score,
      });
      scores.push(r.score);
      predictions.push(r.predictions);
    }
    return { scores, predictions };
  };
  const evalRow = (known?: Shared['untrained']) =>
    time('evalSeconds', async () => {
      const { scores, predictions } = known ?? (await evalAll());
      result.matrix.push([...scores]);
      result.samples = predictions.map((p, task) => ({ task, predictions: p.slice(0, sh.opts.samplesPerTask) }));
      emit({ type: 'eval-row', strategy: index, row: result.matrix.length - 1, scores, samples: result.samples });
    });

  const trainPhase = async (k: number, phase: PhaseOptions, onStep?: (info: StepInfo) => Promise<void>) => {
    const settings: TrainSettings = {
      steps: phase.steps,
      lr: spec.training.lr,
      warmupSteps: spec.training.warmupSteps,
      weightDecay: spec.training.weightDecay,
      batchSize: spec.training.batchSize,
      clipNorm: spec.training.clipNorm,
      seed: deriveSeed(spec.seed, `train/${k}/${phase.phase}`),
      ...phase.settings,
    };
    const trainer = new Trainer(model, settings);
    model.setDropoutSeed(settings.seed);
    const losses: number[] = [];
    try {
      for (let i = 0; i < settings.steps && !stopNow(); i++) {
        await hooks.beforeStep?.();
        if (stopNow()) break;
        const batch = packBatch(phase.sampler(), sh.shapes[k]);
        let info: StepInfo;
        try {
          info = await trainer.step(batch, i, settings.steps, phase.hooks);
        } finally {
          disposeBatch(batch);
        }
        losses.push(info.loss);
        if (phase.phase === 'train') sh.doneSteps++;
        const ev: StepEvent = {
          type: 'step', strategy: index, task: k, phase: phase.phase, step: i + 1, steps: settings.steps,
          loss: info.loss, lr: info.lr, gradNorm: info.gradNorm, fraction: Math.min(1, sh.doneSteps / sh.plannedSteps),
        };
        emit(ev);
        hooks.onProgress?.(ev);
        await phase.hooks?.onStep?.(info);
        await onStep?.(info);
      }
    } finally {
      trainer.dispose();
      if (losses.length) {
        const curve: LossCurve = { task: k, phase: phase.phase, ...downsample(losses, sh.opts.lossPoints) };
        result.losses.push(curve);
      }
    }
  };

  const samplerOf = (rows: readonly Encoded[], label: string, size = spec.training.batchSize): BatchSampler => {
    if (rows.length === 0) throw new Error(`${s.label}: nothing to train on for ${label}`);
    const order = batchOrder(rows.length, size, makeRng(deriveSeed(spec.seed, label)));
    return () => (order.next().value as number[]).map((r) => rows[r]);
  };

  const onStrategyEvent = (e: StrategyEvent) => {
    if (e.type === 'importance') {
      if (e.final) result.importance?.tasks.push(e.scores);
      emit({ ...e, strategy: index });
    } else if (e.type === 'accumulated') {
      result.importance?.accumulated.push(e.scores);
      emit({ ...e, strategy: index });
    } else {
      result.fusions.push(e.fusion);
      emit({ type: 'fusion', strategy: index, task: e.fusion.afterTask, fusion: e.fusion });
    }
  };

  const env: StrategyEnv = {
    model,
    config: sh.config,
    tasks,
    encoded: sh.encoded,
    units: sh.units,
    unitsFor: (params) => buildUnits(spec.units.granularity, params, { numHeads: sh.config.numHeads, neuronBlock: spec.units.blockSize }),
    granularity: spec.units.granularity,
    batchSize: spec.training.batchSize,
    shape: (k) => sh.shapes[k],
    importanceEvery: sh.opts.importanceEvery,
    rng: (label) => makeRng(deriveSeed(spec.seed, label)),
    sampler: samplerOf,
    train: (k, phase) => trainPhase(k, phase),
    emit: onStrategyEvent,
    inspect: async (task, stage) => {
      await hooks.onModel?.({ strategy: index, task, stage }, model);
    },
  };

  // At a task boundary: the weights, the strategy's state and a copy of the results so far (they go on changing).
  const checkpoint = async (nextTask: number) => {
    if (!hooks.onCheckpoint) return;
    const current = { strategy: index, nextTask, weights: await model.exportWeights(), state: (await run.snapshot?.()) ?? {}, result: structuredClone(result) };
    await hooks.onCheckpoint({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, done: [...sh.results], current });
  };

  emit({ type: 'strategy-start', strategy: index, name: s.def.name, label: s.label });
  const run = s.def.create(env, s.knobs);
  try {
    if (from) {
      if (run.restore) run.restore(from.state);
      else if (Object.keys(from.state).length) throw new Error(`${s.label}: the checkpoint has strategy state, but the strategy cannot restore it`);
      // A checkpoint keeps the predictions of its last evaluation only.
      result.matrix.forEach((scores, row) => emit({ type: 'eval-row', strategy: index, row, scores, samples: result.samples }));
    } else {
      await env.inspect(0, 'start');
      await evalRow(sh.untrained);
      sh.untrained ??= { scores: result.matrix[0], predictions: result.samples.map((x) => x.predictions) };
    }
    for (let k = from?.nextTask ?? 0; k < tasks.length && !stopNow(); k++) {
      emit({ type: 'task-start', strategy: index, task: k, steps: tasks[k].steps });
      await run.beforeTask?.(k);
      const evalEvery = spec.training.evalEvery;
      const curvePoint = async ({ step }: StepInfo) => {
        if (evalEvery <= 0 || (step + 1) % evalEvery !== 0 || step + 1 >= tasks[k].steps || stopNow()) return;
        const { scores } = await time('evalSeconds', evalAll);
        result.curves.push({ task: k, step: step + 1, scores });
        emit({ type: 'eval-curve', strategy: index, task: k, step: step + 1, scores });
      };
      const sampler = run.sampler?.(k) ?? samplerOf(sh.encoded[k], `batches/${k}`);
      await time('trainSeconds', () => trainPhase(k, { phase: 'train', steps: tasks[k].steps, sampler, hooks: run.hooks?.(k), settings: run.trainSettings?.(k, spec.training) }, curvePoint));
      if (sh.stopped) break;
      await env.inspect(k, 'trained');
      await time('afterTaskSeconds', async () => run.afterTask?.(k));
      if (sh.stopped) break;
      await env.inspect(k, 'final');
      await evalRow();
      if (k + 1 < tasks.length) await checkpoint(k + 1);
    }
  } catch (e) {
    if (!(e instanceof NonFiniteLossError)) throw e;
    result.error = `${s.label}: ${e.message}`;
    emit({ type: 'error', strategy: index, message: result.error });
  } finally {
    run.dispose();
    model.dispose();
  }
  result.metrics = result.matrix.length >= 2 ? continualMetrics(result.matrix) : null;
  for (const key of ['trainSeconds', 'afterTaskSeconds', 'evalSeconds'] as const) result.timings[key] = seconds(result.timings[key] * 1000);
  result.timings.totalSeconds = seconds(performance.now() - t0);
  return result;
}
