// One strategy's run of the task queue: the model, the training loop the strategy hooks into, the evaluation rows,
// and everything the results keep about it.
import { textScorer } from '../metrics/text';
import type { T5Config } from '../model/config';
import type { HostTensors } from '../model/init';
import { T5Model } from '../model/t5';
import type { ExperimentSpec } from '../spec/experiment';
import { buildUnits, unitTable, type BuiltUnit } from '../kif/units';
import type { Knobs } from '../strategies/knobs';
import type { BatchSampler, PhaseOptions, StrategyDef, StrategyEnv, StrategyEvent, TaskRun } from '../strategies/types';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { disposeBatch, packBatch, type BatchShape, type Encoded } from '../train/batching';
import { evaluate, type Prediction } from '../train/evaluate';
import { batchOrder, NonFiniteLossError, Trainer, type StepInfo, type TrainSettings } from '../train/trainer';
import { deriveSeed, makeRng } from '../util/rng';
import type { RunPhase, RunState } from '../run/state';
import type { RunEvent, StepEvent } from './events';
import type { StrategyResult } from './results';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type StrategyCheckpoint } from './resume';
import type { RunHooks, RunOptions } from './runHooks';
import { copyWeights, sameWeights, type FirstTaskRecord, type FirstTaskShare } from './firstTask';

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
  units: BuiltUnit[];
  tok: Tokenizer;
  config: T5Config;
  init: HostTensors;
  hooks: RunHooks;
  opts: Required<Pick<RunOptions, 'importanceEvery' | 'evalBatchSize' | 'samplesPerTask' | 'lossPoints'>> & RunOptions;
  /** Emits a run event: the run's state (the results so far) is the fold of every event emitted. */
  emit: (e: RunEvent) => void;
  state: () => RunState;
  /** Shader backends compile each new batch shape's kernels at its first step ('compiling' phase). */
  compiles: boolean;
  compiled: Set<string>;
  plannedSteps: number;
  doneSteps: number;
  stopped: boolean;
  /**
   * Row 0 of the matrix, evaluated once: every strategy starts from the same weights (LoRA adapters start at zero),
   * so the untrained model's scores are the same for all of them.
   */
  untrained?: { scores: number[]; predictions: Prediction[][] };
  /** Task 0 trained once for the strategies that train it as seqft does (firstTask.ts); absent: each trains its own. */
  firstTask?: FirstTaskShare;
}

type TimingKey = 'trainSeconds' | 'afterTaskSeconds' | 'evalSeconds';

/** One strategy's run in progress: what its steps below share. */
interface Ctx {
  sh: Shared;
  index: number;
  s: ResolvedStrategy;
  model: T5Model;
  /** Seconds so far (a resumed strategy goes on from its checkpoint's). */
  timings: StrategyResult['timings'];
}

/** Tells what the runner does now, once per change (a 'phase' event per step would flood the page). */
function setPhase(c: Ctx, task: number, phase: RunPhase): void {
  if (c.sh.state().live?.phase !== phase) c.sh.emit({ type: 'phase', strategy: c.index, task, phase });
}

const stopNow = (sh: Shared) => (sh.stopped ||= sh.hooks.shouldStop?.() ?? false);

/** The strategy's results so far, as the run's state holds them (without the live-only parts). */
function resultSoFar(c: Ctx): StrategyResult {
  const { live: _, ...result } = c.sh.state().strategies[c.index];
  return { ...structuredClone(result), timings: { ...c.timings } };
}

async function timed<T>(c: Ctx, key: TimingKey, f: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await f();
  } finally {
    c.timings[key] += (performance.now() - start) / 1000;
  }
}

/** Scores of every task's test set (and the predictions) for the model as it is now. */
async function evalAll(c: Ctx, task: number): Promise<{ scores: number[]; predictions: Prediction[][] }> {
  const { sh } = c;
  setPhase(c, task, 'evaluating');
  const scores: number[] = [];
  const predictions: Prediction[][] = [];
  for (const t of sh.tasks) {
    const r = await evaluate(c.model, sh.tok, t.test, {
      batchSize: sh.opts.evalBatchSize,
      maxInputLen: sh.spec.training.maxInputLen,
      maxOutputLen: sh.spec.training.maxOutputLen,
      score: textScorer(t.scorer).score,
    });
    scores.push(r.score);
    predictions.push(r.predictions);
  }
  return { scores, predictions };
}

/** The next row of the accuracy matrix (row 0 may be the run's shared untrained row). */
const evalRow = (c: Ctx, task: number, known?: Shared['untrained']) =>
  timed(c, 'evalSeconds', async () => {
    const evaluated = known ?? (await evalAll(c, task));
    const row = c.sh.state().strategies[c.index].matrix.length;
    const samples = evaluated.predictions.map((p, t) => ({
      task: t,
      predictions: p.slice(0, c.sh.opts.samplesPerTask),
    }));
    c.sh.emit({ type: 'eval-row', strategy: c.index, row, scores: [...evaluated.scores], samples });
    return evaluated;
  });

/** One training phase of task k: `phase.steps` steps on the strategy's sampler, every step an event. */
async function trainPhase(
  c: Ctx,
  k: number,
  phase: PhaseOptions,
  onStep?: (info: StepInfo) => Promise<void>,
  record?: StepEvent[],
): Promise<void> {
  const { sh, index } = c;
  const training = sh.spec.training;
  const settings: TrainSettings = {
    steps: phase.steps,
    lr: training.lr,
    warmupSteps: training.warmupSteps,
    weightDecay: training.weightDecay,
    batchSize: training.batchSize,
    clipNorm: training.clipNorm,
    seed: deriveSeed(sh.spec.seed, `train/${k}/${phase.phase}`),
    ...phase.settings,
  };
  const trainer = new Trainer(c.model, settings);
  c.model.setDropoutSeed(settings.seed);
  try {
    for (let i = 0; i < settings.steps && !stopNow(sh); i++) {
      await sh.hooks.beforeStep?.();
      if (stopNow(sh)) break;
      const shape = sh.shapes[k];
      const shapeKey = `${shape.batchSize}x${shape.inLen}x${shape.outLen}`;
      setPhase(c, k, sh.compiles && !sh.compiled.has(shapeKey) ? 'compiling' : 'training');
      const batch = packBatch(phase.sampler(), shape);
      let info: StepInfo;
      try {
        info = await trainer.step(batch, i, settings.steps, phase.hooks);
      } finally {
        disposeBatch(batch);
      }
      sh.compiled.add(shapeKey);
      if (phase.phase === 'train') sh.doneSteps++;
      const ev: StepEvent = {
        type: 'step',
        strategy: index,
        task: k,
        phase: phase.phase,
        step: i + 1,
        steps: settings.steps,
        loss: info.loss,
        lr: info.lr,
        gradNorm: info.gradNorm,
        fraction: Math.min(1, sh.doneSteps / sh.plannedSteps),
      };
      sh.emit(ev);
      record?.push(ev);
      sh.hooks.onProgress?.(ev);
      await phase.hooks?.onStep?.(info);
      await onStep?.(info);
    }
  } finally {
    trainer.dispose();
  }
}

function samplerOf(c: Ctx, rows: readonly Encoded[], label: string, size = c.sh.spec.training.batchSize): BatchSampler {
  if (rows.length === 0) throw new Error(`${c.s.label}: nothing to train on for ${label}`);
  const order = batchOrder(rows.length, size, makeRng(deriveSeed(c.sh.spec.seed, label)));
  return () => (order.next().value as number[]).map((r) => rows[r]);
}

/** What the strategy sees of the run: the model, the data, training phases and a way to report importance and fusions. */
function strategyEnv(c: Ctx): StrategyEnv {
  const { sh, index } = c;
  const spec = sh.spec;
  return {
    model: c.model,
    config: sh.config,
    tasks: sh.tasks,
    encoded: sh.encoded,
    units: sh.units,
    unitsFor: (params) => {
      const { granularity, blockSize } = spec.units;
      const units = buildUnits(granularity, params, { numHeads: sh.config.numHeads, neuronBlock: blockSize });
      sh.emit({ type: 'strategy-units', strategy: index, units: unitTable(granularity, units) });
      return units;
    },
    granularity: spec.units.granularity,
    batchSize: spec.training.batchSize,
    shape: (k) => sh.shapes[k],
    importanceEvery: sh.opts.importanceEvery,
    rng: (label) => makeRng(deriveSeed(spec.seed, label)),
    sampler: (rows, label, size) => samplerOf(c, rows, label, size),
    train: (k, phase) => trainPhase(c, k, phase),
    emit: (e: StrategyEvent) => {
      if (e.type === 'fusion') sh.emit({ type: 'fusion', strategy: index, task: e.fusion.afterTask, fusion: e.fusion });
      else sh.emit({ ...e, strategy: index });
    },
    inspect: async (task, stage) => {
      await sh.hooks.onModel?.({ strategy: index, task, stage }, c.model);
    },
  };
}

/** Trains, finishes and evaluates task k; false when the run stopped on the way. */
async function runTask(c: Ctx, run: ReturnType<StrategyDef['create']>, env: StrategyEnv, k: number): Promise<boolean> {
  const { sh, index } = c;
  const task = sh.tasks[k];
  sh.emit({ type: 'task-start', strategy: index, task: k, steps: task.steps });
  await run.beforeTask?.(k);
  const evalEvery = sh.spec.training.evalEvery;
  const curvePoint = async ({ step }: StepInfo) => {
    if (evalEvery <= 0 || (step + 1) % evalEvery !== 0 || step + 1 >= task.steps || stopNow(sh)) return;
    const { scores } = await timed(c, 'evalSeconds', () => evalAll(c, k));
    sh.emit({ type: 'eval-curve', strategy: index, task: k, step: step + 1, scores });
  };
  const sampler = run.sampler?.(k) ?? samplerOf(c, sh.encoded[k], `batches/${k}`);
  const phase: PhaseOptions = {
    phase: 'train',
    steps: task.steps,
    sampler,
    hooks: run.hooks?.(k),
    settings: run.trainSettings?.(k, sh.spec.training),
  };
  const share = k === 0 && c.s.def.firstTaskAsSeqft ? sh.firstTask : undefined;
  if (share) share.record ??= share.relay?.take();
  const recorded = share?.record;
  if (recorded) await timed(c, 'trainSeconds', () => replayFirstTask(c, recorded));
  else {
    const steps: StepEvent[] | undefined = share ? [] : undefined;
    await timed(c, 'trainSeconds', () => trainPhase(c, k, phase, curvePoint, steps));
    if (share && steps && !sh.stopped) share.record = { weights: copyWeights(await c.model.exportWeights()), steps };
  }
  if (sh.stopped) return false;
  await env.inspect(k, 'trained');
  if (run.afterTask) setPhase(c, k, c.s.def.tracksImportance ? 'fusing' : 'finishing');
  await timed(c, 'afterTaskSeconds', async () => run.afterTask?.(k));
  if (sh.stopped) return false;
  await env.inspect(k, 'final');
  if (share?.record) await firstRow(c, share.record);
  else await evalRow(c, k);
  // Offered once it holds its evaluated row too; a record taken from another lane is not sent back.
  if (share?.record && !recorded) share.relay?.publish(share.record);
  if (share && --share.left <= 0) share.record = undefined;
  return true;
}

/** Task 0 from the record: the recorded steps re-emitted as this strategy's, then the trained weights. */
async function replayFirstTask(c: Ctx, record: FirstTaskRecord): Promise<void> {
  const { sh, index } = c;
  for (const recorded of record.steps) {
    await sh.hooks.beforeStep?.();
    if (stopNow(sh)) return;
    setPhase(c, 0, 'training');
    sh.doneSteps++;
    const ev: StepEvent = { ...recorded, strategy: index, fraction: Math.min(1, sh.doneSteps / sh.plannedSteps) };
    sh.emit(ev);
    sh.hooks.onProgress?.(ev);
  }
  c.model.loadWeights(record.weights);
}

/** Row 1 of the matrix: the recorded one where the weights are those it scored, bit for bit; else evaluated (and kept). */
async function firstRow(c: Ctx, record: FirstTaskRecord): Promise<void> {
  const weights = await c.model.exportWeights();
  const row = record.row;
  if (row && sameWeights(weights, row.weights)) {
    await evalRow(c, 0, row);
    return;
  }
  const evaluated = await evalRow(c, 0);
  if (!row) {
    const kept = sameWeights(weights, record.weights) ? record.weights : copyWeights(weights);
    record.row = { weights: kept, ...evaluated };
  }
}

/**
 * Runs strategy `index` on the task queue, from the start or, given `from`, from that task boundary; its results are
 * the run state's strategy `index` once 'strategy-done' is emitted.
 */
export async function runStrategy(
  sh: Shared,
  index: number,
  s: ResolvedStrategy,
  from?: StrategyCheckpoint,
): Promise<void> {
  const t0 = performance.now();
  const model = new T5Model(sh.config, from?.weights ?? sh.init);
  const c: Ctx = {
    sh,
    index,
    s,
    model,
    timings: from
      ? { ...from.result.timings }
      : { trainSeconds: 0, afterTaskSeconds: 0, evalSeconds: 0, totalSeconds: 0 },
  };
  const env = strategyEnv(c);
  // At a task boundary: the weights, the strategy's state and a copy of the results so far (they go on changing).
  const checkpoint = async (nextTask: number) => {
    if (!sh.hooks.onCheckpoint) return;
    const done = sh.state().strategies.slice(0, index) as StrategyResult[];
    const current = {
      strategy: index,
      nextTask,
      weights: await model.exportWeights(),
      state: (await run.snapshot?.()) ?? {},
      result: resultSoFar(c),
    };
    await sh.hooks.onCheckpoint({
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      done: structuredClone(done),
      current,
    });
  };

  sh.emit({
    type: 'strategy-start',
    strategy: index,
    name: s.def.name,
    label: s.label,
    knobs: s.knobs,
    tracksImportance: !!s.def.tracksImportance,
  });
  const run = s.def.create(env, s.knobs);
  try {
    if (from) {
      if (run.restore) run.restore(from.state);
      else if (Object.keys(from.state).length)
        throw new Error(`${s.label}: the checkpoint has strategy state, but the strategy cannot restore it`);
      sh.emit({ type: 'strategy-restored', strategy: index, result: from.result, done: false });
    } else {
      await env.inspect(0, 'start');
      const untrained = await evalRow(c, 0, sh.untrained);
      sh.untrained ??= untrained;
    }
    for (let k = from?.nextTask ?? 0; k < sh.tasks.length && !stopNow(sh); k++) {
      if (!(await runTask(c, run, env, k))) break;
      if (k + 1 < sh.tasks.length) await checkpoint(k + 1);
    }
  } catch (e) {
    if (!(e instanceof NonFiniteLossError)) throw e;
    sh.emit({ type: 'error', strategy: index, message: `${s.label}: ${e.message}` });
  } finally {
    run.dispose();
    model.dispose();
  }
  const t = c.timings;
  sh.emit({
    type: 'strategy-done',
    strategy: index,
    timings: {
      trainSeconds: seconds(t.trainSeconds * 1000),
      afterTaskSeconds: seconds(t.afterTaskSeconds * 1000),
      evalSeconds: seconds(t.evalSeconds * 1000),
      totalSeconds: seconds(performance.now() - t0),
    },
  });
}
