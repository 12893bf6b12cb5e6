// The experiment runner: every strategy of the spec runs the task queue in turn, from the same initial weights, on the
// same data, with the same batch streams, so their numbers compare fairly. Pure engine code: the host (the app's worker,
// the CLI) picks the backend before calling and passes imported datasets in.
import * as tf from '@tensorflow/tfjs';
import { buildUnits, unitTable } from '../kif/units';
import type { T5Config } from '../model/config';
import { initWeights, type HostTensors } from '../model/init';
import { paramSpecs } from '../model/paramSpec';
import type { ExperimentSpec } from '../spec/experiment';
import { resolveStrategy } from '../strategies/registry';
import type { Knobs } from '../strategies/knobs';
import type { StrategyDef } from '../strategies/types';
import { buildRunTokenizer, byteTokenizerSpec } from '../tokenizers/runTokenizer';
import { encodeExamples, shapeFor } from '../train/batching';
import { reduceRun } from '../run/reduce';
import type { RunState } from '../run/state';
import type { RunEvent, RunHeader } from './events';
import type { ResultsDocument } from './results';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, resumeProblems, stepsBefore } from './resume';
import { runDefaults, type RunHooks, type RunOptions } from './runHooks';
import { planLanes, runInLanes } from './lanes';
import { memoryVerdict } from './memoryBudget';
import { experimentProblems, modelConfig } from './specCheck';
import { runStrategy, seconds, type ResolvedStrategy, type Shared } from './strategyRun';
import { majorityScore } from './majority';
import { fitTask, resolveTasks } from './taskData';

export { runDefaults, type RunHooks, type RunOptions } from './runHooks';

/** A spec that cannot run; `problems` name the spec fields. */
export class ExperimentError extends Error {
  override name = 'ExperimentError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** The name with every knob that differs from its default, e.g. "kif-hard (gamma=0.5)". */
export function strategyLabel(def: StrategyDef, knobs: Knobs): string {
  const changed = Object.entries(knobs).filter(([k, v]) => def.knobs[k].default !== v);
  return changed.length ? `${def.name} (${changed.map(([k, v]) => `${k}=${v}`).join(', ')})` : def.name;
}

// Checked on the page too, before the worker (and TF.js) has loaded; re-exported for the engine's other hosts.
export { experimentProblems, modelConfig };

function resolveStrategies(spec: ExperimentSpec): ResolvedStrategy[] {
  const context = { granularity: spec.units.granularity, tasks: spec.tasks.length };
  return spec.strategies.map((s, i) => {
    const r = resolveStrategy(s, `strategies[${i}]`, context);
    if (!r.ok) throw new ExperimentError(r.problems);
    return { def: r.def, knobs: r.knobs, label: strategyLabel(r.def, r.knobs) };
  });
}

/** Why base weights do not fit the config (first differing parameter), or undefined when they do. */
function baseMismatch(config: T5Config, base: HostTensors): string | undefined {
  const specs = paramSpecs(config);
  for (const s of specs) {
    const t = base.get(s.name);
    if (!t) return `it has no ${s.name}`;
    if (t.shape.join(',') !== s.shape.join(','))
      return `${s.name} is [${t.shape.join(', ')}], the model needs [${s.shape.join(', ')}]`;
  }
  return base.size === specs.length ? undefined : `it has ${base.size} tensors, the model ${specs.length}`;
}

/** The provenance of the queue's imported datasets that carry one, as the results document's `datasets` field. */
function datasetProvenance(spec: ExperimentSpec, datasets: RunOptions['datasets']): Pick<ResultsDocument, 'datasets'> {
  const entries = spec.tasks.flatMap((t) => {
    const about = typeof t.task === 'string' ? undefined : datasets?.(t.task.dataset)?.provenance;
    return about && typeof t.task !== 'string' ? [[t.task.dataset, about] as const] : [];
  });
  return entries.length ? { datasets: Object.fromEntries(entries) } : {};
}

/**
 * Task 0 trained once for the strategies still to start from θ₀ that train it as seqft does, where two or more do
 * (firstTask.ts); evaluation curves inside task 0 (evalEvery) would have to be recorded too, so they turn it off.
 */
function firstTaskShare(
  spec: ExperimentSpec,
  strategies: ResolvedStrategy[],
  resume: RunOptions['resume'],
  lane: RunOptions['lane'],
): Shared['firstTask'] {
  if (spec.training.evalEvery > 0) return undefined;
  const start = (resume?.done.length ?? 0) + (resume?.current ? 1 : 0);
  const eligible = strategies.flatMap((s, i) => (i >= start && s.def.firstTaskAsSeqft ? [i] : []));
  if (eligible.length < 2) return undefined;
  // A lane keeps records for its own strategies and trades them with the other lanes.
  const left = lane ? eligible.filter((i) => lane.only.includes(i)).length : eligible.length;
  return left >= 1 ? { left, ...(lane ? { relay: lane.relay } : {}) } : undefined;
}

/** Runs every strategy of the spec on its task queue and returns the results document. */
export async function runExperiment(
  spec: ExperimentSpec,
  hooks: RunHooks = {},
  options: RunOptions = {},
): Promise<ResultsDocument> {
  const lanes = planLanes(spec, options);
  if (lanes) return runInLanes(spec, hooks, options, lanes, runExperiment);
  const t0 = performance.now();
  const opts = { ...runDefaults, ...options };
  const { tokenizer: tok, record: tokenizerRecord } = buildRunTokenizer(options.tokenizer ?? byteTokenizerSpec);
  if ('checkpoint' in spec.model && !options.checkpoint)
    throw new ExperimentError([`model.checkpoint: ${spec.model.checkpoint} was not loaded by the host`]);
  const config = modelConfig(spec, options.checkpoint?.config);
  const problems = experimentProblems(spec, tok, config);
  const memory = memoryVerdict(spec, tf.getBackend(), config);
  if (memory.refusal) problems.push(memory.refusal);
  if (problems.length) throw new ExperimentError(problems);
  const strategies = resolveStrategies(spec);
  const resolved = resolveTasks(spec, options.datasets, options.evalSplit);
  const warnings = resolved.warnings;
  // Inputs fitted to training.maxInputLen once, so training, the matrix and the samples all see the same text.
  const fitted = resolved.tasks.map((t, i) => fitTask(t, i, tok, spec.training));
  const tasks = fitted.map((f) => f.task);
  const baseWeights = options.checkpoint?.weights ?? options.baseWeights;
  if (baseWeights) {
    const wrong = baseMismatch(config, baseWeights);
    if (wrong)
      throw new ExperimentError([
        `model: the ${options.checkpoint ? 'checkpoint' : 'pretrained base'} does not fit this model (${wrong})`,
      ]);
  }
  const resume = options.resume;
  if (resume) {
    const bad = resumeProblems(
      resume,
      strategies.map((s) => s.label),
      tasks.length,
    );
    if (bad.length) throw new ExperimentError(bad);
  }
  // Warnings before 'run-start' go into its header; later ones are events.
  let state: RunState | undefined;
  const emit = (e: RunEvent) => {
    state = reduceRun(state, e);
    hooks.onEvent?.(e);
  };
  const warn = (message: string) => (state ? emit({ type: 'warning', message }) : warnings.push(message));
  if (memory.warning) warn(memory.warning);

  let init: HostTensors;
  if (spec.init === 'pretrained' && baseWeights) init = baseWeights;
  else {
    if (spec.init === 'pretrained') {
      warn(
        `init "pretrained": no base checkpoint is available for this model yet, so every strategy starts from scratch (random weights from seed ${spec.seed})`,
      );
    }
    init = initWeights(config, spec.seed);
  }

  const { maxInputLen, maxOutputLen, batchSize } = spec.training;
  fitted.forEach((f) => f.warnings.forEach(warn));
  const encoded = tasks.map((t) => encodeExamples(tok, t.train, maxInputLen, maxOutputLen));
  // Fixed lengths per task (kernels are reused step after step) fitting that task and every earlier one, so replayed and
  // joint batches fit too; a short task early in the queue does not pay for a long one later.
  const shapes = encoded.map((_, k) => shapeFor(encoded.slice(0, k + 1).flat(), batchSize, maxInputLen, maxOutputLen));
  const units = buildUnits(spec.units.granularity, paramSpecs(config), {
    numHeads: config.numHeads,
    neuronBlock: spec.units.blockSize,
  });
  const plannedSteps = strategies.length * tasks.reduce((a, t) => a + t.steps, 0);
  const backend = tf.getBackend();
  const majority = tasks.map((t) => majorityScore(t));
  const header: RunHeader = {
    spec,
    backend,
    warnings: [...warnings],
    ...(options.evalSplit === 'val' ? { evaluatedOn: 'val' as const } : {}),
    model: { tokenizer: tokenizerRecord },
    tasks: tasks.map((t, i) => ({
      name: t.name,
      scorer: t.scorer,
      steps: t.steps,
      trainSize: t.train.length,
      testSize: t.test.length,
      majorityScore: majority[i],
    })),
    units: unitTable(spec.units.granularity, units),
    ...datasetProvenance(spec, options.datasets),
  };
  emit({
    type: 'run-start',
    strategies: strategies.map((s) => s.label),
    tasks: tasks.map((t) => t.name),
    majorityScores: majority,
    totalSteps: plannedSteps,
    backend,
    header,
    lossPoints: opts.lossPoints,
  });

  const doneSteps = resume
    ? stepsBefore(
        resume,
        tasks.map((t) => t.steps),
      )
    : 0;
  const current = () => state!;
  const compiles = backend === 'webgpu' || backend === 'webgl';
  const shared: Shared = {
    spec,
    tasks,
    encoded,
    shapes,
    units,
    tok,
    config,
    init,
    hooks,
    opts,
    emit,
    state: current,
    compiles,
    compiled: new Set(),
    plannedSteps,
    doneSteps,
    stopped: false,
    firstTask: firstTaskShare(spec, strategies, resume, options.lane),
  };
  resume?.done.forEach((result, i) => emit({ type: 'strategy-restored', strategy: i, result, done: true }));
  const stopNow = () => (shared.stopped ||= hooks.shouldStop?.() ?? false);
  const only = options.lane?.only;
  for (let i = resume?.done.length ?? 0; i < strategies.length && !stopNow(); i++) {
    if (only && !only.includes(i)) continue;
    await runStrategy(shared, i, strategies[i], resume?.current?.strategy === i ? resume.current : undefined);
    if (i + 1 < strategies.length && !shared.stopped) {
      const done = structuredClone(current().strategies.slice(0, i + 1)) as ResultsDocument['strategies'];
      await hooks.onCheckpoint?.({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, done, current: null });
    }
  }
  emit({ type: 'run-done', stopped: shared.stopped, seconds: seconds(performance.now() - t0) });
  // The fold of the run's events is its results document: 'run-done' leaves no live-only part.
  return current() as ResultsDocument;
}
