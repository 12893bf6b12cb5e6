// What-if fusion: after a run, any fusion rule with any knobs over the models the run recorded, re-evaluated on every
// task's test set, without retraining.
// - KIF's rules (hard, soft) recompute a KIF strategy's last fusion from the same inputs with other knobs (γ, top %, τ,
//   β). Exact for that fusion; the earlier fusions and the training after them are as the run made them.
// - The model-merging rules (average, task arithmetic, TIES, DARE, MagMax, Fisher) merge the task vectors of every
//   task model the strategy trained, τ_t = θ_t − θ₀, t = 0..T−1. For a merging strategy with its own rule and knobs this
//   is exactly its last merge; over seqft's run it is what MagMax (which trains the same chain) merges.
//
// The inputs come from a finished run through hooks it already has (no strategy change): the model the runner shows at
// stage 'start' is θ₀, at stage 'trained' of task k is θ_k, at stage 'final' of task k−1 is θ̂_{k−1} (KIF takes its
// snapshot right after), and the 'importance' (final) and 'accumulated' events carry S_k and A_{k−1}.
import {
  applyFusionHost,
  mergeWithRule,
  planFusion,
  unitKindsOf,
  type FusionCase,
  type FusionPlan,
  type FusionRule,
  type ScoreRule,
} from '../kif/fusion';
import { isTaskVectorRule } from '../kif/fusionRuleKnobs';
import { unitShares, type TaskVectorRule } from '../kif/taskVectors';
import { buildUnits, type BuiltUnit } from '../kif/units';
import { textScorer } from '../metrics/text';
import type { T5Config } from '../model/config';
import type { HostTensors } from '../model/init';
import { paramSpecs } from '../model/paramSpec';
import { T5Model } from '../model/t5';
import type { ExperimentSpec } from '../spec/experiment';
import { strategyCatalog } from '../strategies/catalog';
import { diagonalFisher } from '../strategies/ewc';
import { sharesReport } from '../strategies/taskVectorMerge';
import type { FusionReport, UnitScores } from '../strategies/types';
import { snapshotToHost, disposeSnapshot } from '../strategies/weights';
import { buildRunTokenizer, byteTokenizerSpec, type RunTokenizerSpec } from '../tokenizers/runTokenizer';
import { encodeExamples, shapeFor } from '../train/batching';
import type { Prediction } from '../train/evaluate';
import { evaluate } from '../train/evaluate';
import { batchOrder } from '../train/trainer';
import { deriveSeed, makeRng } from '../util/rng';
import type { RunEvent } from './events';
import { modelConfig, runDefaults, type RunHooks } from './runner';
import type { ModelAt, ModelSnapshot } from './runHooks';
import { fitTask, resolveTasks, type DatasetResolver } from './taskData';

/** Everything a KIF strategy's fusion after task `task` used, on the host. */
export interface FusionInputs {
  strategy: number;
  /** k ≥ 1: the fusion merged θ̂_{k−1} and θ_k. */
  task: number;
  /** θ̂_{k−1}: the model after task k−1 (fused, replayed), where task k's training started. */
  prev: HostTensors;
  /** θ_k: the model right after task k's training. */
  cur: HostTensors;
  /** A_{k−1}: the accumulated scores of tasks 0..k−1. */
  prevAccumulated: UnitScores;
  /** S_k: task k's unit scores. */
  scores: UnitScores;
}

/**
 * What re-running every fusion of a KIF run needs besides its task models θ_k: θ̂_0 (the model after task 0, where the
 * chain starts) and every task's unit scores S_k. The θ_k stay as trained: what-if does not retrain.
 */
export interface KifChain {
  start: HostTensors;
  scores: UnitScores[];
}

/** KIF strategies whose fused model is the one the next task trains from (kif-replay trains on a memory after fusing). */
const chainStrategies = new Set(['kif-hard', 'kif-soft']);

/** What one strategy's run left for what-if: its base, every task model, and KIF's last fusion inputs if it fused. */
export interface RecordedRun {
  strategy: number;
  /** θ₀: the model before the first task. */
  base: HostTensors;
  /** θ_t right after task t's training, t = 0..T−1. */
  models: HostTensors[];
  kif?: FusionInputs;
  /** Present when every fusion of a KIF run can be re-run (all task models kept, no replay between fusions). */
  chain?: KifChain;
  /** Diagonal Fishers of the task models, by the number of batches they were estimated on (computed on first use). */
  fishers?: Map<number, HostTensors[]>;
}

interface StrategyLog {
  name?: string;
  tracksImportance: boolean;
  /** LoRA strategies train adapters, not the model's weights: their task vectors are not recorded. */
  lora: boolean;
  models: HostTensors[];
  /** Its task models would pass the recorder's memory budget: only KIF's latest fusion inputs are kept. */
  overBudget: boolean;
  /** Weights at stage 'final' of the latest task. */
  final?: { task: number; weights: HostTensors };
  scores: Map<number, UnitScores>;
  accumulated: Map<number, UnitScores>;
  last?: FusionInputs;
  /** S_k of every task and θ̂_0, for re-running every fusion. */
  allScores: UnitScores[];
  start?: HostTensors;
}

/**
 * Keeps, per strategy of a run, its base and task models, and for KIF strategies the inputs of their latest fusion. Give
 * `hooks` to runExperiment (merged with yours).
 */
export class FusionInputsRecorder {
  private readonly logs = new Map<number, StrategyLog>();
  /** Bytes of task models kept, against `maxBytes`. */
  private bytes = 0;

  /** Task models (one weight copy per strategy and task) are kept up to `maxBytes`: a large model in a page must not run out of memory. */
  constructor(private readonly maxBytes = 1024 * 2 ** 20) {}
  /** θ₀, the same for every strategy (they all start from the run's initial weights). */
  private base: HostTensors | null = null;
  private tasks = 0;

  private log(strategy: number): StrategyLog {
    let l = this.logs.get(strategy);
    if (!l)
      this.logs.set(
        strategy,
        (l = {
          tracksImportance: false,
          lora: false,
          models: [],
          overBudget: false,
          scores: new Map(),
          accumulated: new Map(),
          allScores: [],
        }),
      );
    return l;
  }

  readonly onEvent = (e: RunEvent): void => {
    if (e.type === 'run-start') {
      this.tasks = e.tasks.length;
    } else if (e.type === 'strategy-start') {
      const l = this.log(e.strategy);
      l.lora = strategyCatalog.find((s) => s.name === e.name)?.family === 'lora';
      l.name = e.name;
    } else if (e.type === 'importance') {
      const l = this.log(e.strategy);
      l.tracksImportance = true;
      if (e.final) {
        l.scores.set(e.task, e.scores);
        l.allScores[e.task] = e.scores;
      }
    } else if (e.type === 'accumulated') {
      this.log(e.strategy).accumulated.set(e.task, e.scores);
    } else if (e.type === 'fusion') {
      const l = this.log(e.strategy);
      const k = e.task;
      const prevAccumulated = l.accumulated.get(k - 1);
      const scores = l.scores.get(k);
      if (l.final?.task === k - 1 && l.models[k] && prevAccumulated && scores) {
        l.last = { strategy: e.strategy, task: k, prev: l.final.weights, cur: l.models[k], prevAccumulated, scores };
      }
      // Only the latest fusion is kept: older tables are no longer needed.
      for (const t of [...l.scores.keys()]) if (t < k) l.scores.delete(t);
      for (const t of [...l.accumulated.keys()]) if (t < k - 1) l.accumulated.delete(t);
    }
  };

  readonly onModel = async (at: ModelAt, model: ModelSnapshot): Promise<void> => {
    const l = this.log(at.strategy);
    if (l.lora) return;
    this.runs.delete(at.strategy);
    if (at.stage === 'start' && !this.base) this.base = await model.exportWeights();
    else if (at.stage === 'trained') {
      const weights = await model.exportWeights();
      const size = [...weights.values()].reduce((a, t) => a + t.data.byteLength, 0);
      if (!l.overBudget && this.bytes + size > this.maxBytes) {
        l.overBudget = true;
        this.bytes -= l.models.reduce((a, m) => a + [...m.values()].reduce((b, t) => b + t.data.byteLength, 0), 0);
        l.models = [];
      }
      if (l.overBudget) l.models = l.tracksImportance ? Object.assign([], { [at.task]: weights }) : [];
      else {
        l.models[at.task] = weights;
        this.bytes += size;
      }
    }
    // Task 0's final importance comes before its stage 'final', so only KIF strategies pay for this copy.
    else if (at.stage === 'final' && l.tracksImportance) {
      l.final = { task: at.task, weights: await model.exportWeights() };
      if (at.task === 0) l.start = l.final.weights;
    }
  };

  get hooks(): Pick<RunHooks, 'onEvent' | 'onModel'> {
    return { onEvent: this.onEvent, onModel: this.onModel };
  }

  private readonly runs = new Map<number, RecordedRun>();

  /** What strategy `strategy` left for what-if: every task model (two or more tasks), and KIF's last fusion inputs. */
  run(strategy: number): RecordedRun | undefined {
    const l = this.logs.get(strategy);
    const complete =
      this.base &&
      this.tasks >= 2 &&
      l &&
      !l.overBudget &&
      l.models.length === this.tasks &&
      Array.from(l.models).every(Boolean);
    if (!complete && !l?.last) return undefined;
    let r = this.runs.get(strategy);
    if (!r) {
      const chained =
        complete &&
        l!.start &&
        chainStrategies.has(l!.name ?? '') &&
        l!.allScores.length === this.tasks &&
        Array.from(l!.allScores).every(Boolean);
      r = {
        strategy,
        base: this.base!,
        models: complete ? l!.models : [],
        kif: l!.last,
        ...(chained ? { chain: { start: l!.start!, scores: l!.allScores } } : {}),
      };
      this.runs.set(strategy, r);
    }
    return r;
  }

  /** Strategies whose task models can be merged with any rule (or, for KIF, whose last fusion can be recomputed). */
  strategies(): number[] {
    return [...this.logs.keys()].filter((i) => this.run(i));
  }

  /** Strategies with a KIF fusion to recompute (the hard and soft rules need its importance scores). */
  kifStrategies(): number[] {
    return [...this.logs].filter(([, l]) => l.last).map(([i]) => i);
  }

  clear(): void {
    this.logs.clear();
    this.runs.clear();
    this.base = null;
    this.tasks = 0;
    this.bytes = 0;
  }
}

const toMap = (s: UnitScores) => new Map(Object.entries(s));

function unitsOf(spec: ExperimentSpec, loaded?: T5Config): BuiltUnit[] {
  const config = modelConfig(spec, loaded);
  return buildUnits(spec.units.granularity, paramSpecs(config), {
    numHeads: config.numHeads,
    neuronBlock: spec.units.blockSize,
  });
}

/** The fusion plan and the fused weights for a KIF rule and accumulation β on the recorded inputs. */
export function fuseInputs(
  spec: ExperimentSpec,
  inputs: FusionInputs,
  rule: ScoreRule,
  beta: number,
  loaded?: T5Config,
): { plan: FusionPlan; weights: HostTensors } {
  const units = unitsOf(spec, loaded);
  const plan = planFusion(toMap(inputs.prevAccumulated), toMap(inputs.scores), rule, beta, unitKindsOf(units));
  return { plan, weights: applyFusionHost(inputs.prev, inputs.cur, units, plan.coeffs) };
}

/** Every fusion of a KIF run re-run with `rule` and β from the recorded θ̂_0, θ_k and S_k: θ̂_k = fuse(θ̂_{k−1}, θ_k). */
export function fuseChain(
  spec: ExperimentSpec,
  run: RecordedRun,
  chain: KifChain,
  rule: ScoreRule,
  beta: number,
  loaded?: T5Config,
): { plan: FusionPlan; weights: HostTensors }[] {
  const units = unitsOf(spec, loaded);
  const kinds = unitKindsOf(units);
  const out: { plan: FusionPlan; weights: HostTensors }[] = [];
  let acc: ReadonlyMap<string, number> = toMap(chain.scores[0]);
  let prev = chain.start;
  for (let k = 1; k < run.models.length; k++) {
    const plan = planFusion(acc, toMap(chain.scores[k]), rule, beta, kinds);
    prev = applyFusionHost(prev, run.models[k], units, plan.coeffs);
    acc = plan.accumulated;
    out.push({ plan, weights: prev });
  }
  return out;
}

const reportOf = (task: number, rule: ScoreRule, plan: FusionPlan): FusionReport => ({
  afterTask: task,
  rule: rule.kind,
  prevWeight: Object.fromEntries([...plan.coeffs].map(([u, c]) => [u, c.prev])),
  ...(plan.cases.size ? { cases: Object.fromEntries(plan.cases) } : {}),
  thresholds: plan.thresholds,
});

/** EWC's and fisher-merge's default number of batches for a diagonal Fisher. */
const FISHER_BATCHES = 8;

/**
 * The diagonal Fisher of every task model on its own train set, from the batches the fisher-merge strategy draws (same
 * seed labels and batch shapes), so a what-if Fisher merge equals that strategy's. Cached on the recorded run.
 */
async function fishersOf(
  spec: ExperimentSpec,
  run: RecordedRun,
  batches: number,
  options: MergeOptions,
): Promise<HostTensors[]> {
  const cached = run.fishers?.get(batches);
  if (cached) return cached;
  const { tok, tasks } = runTasks(spec, options);
  const { maxInputLen, maxOutputLen, batchSize } = spec.training;
  const encoded = tasks.map((t) => encodeExamples(tok, t.train, maxInputLen, maxOutputLen));
  const out: HostTensors[] = [];
  for (const [k, weights] of run.models.entries()) {
    const shape = shapeFor(encoded.slice(0, k + 1).flat(), batchSize, maxInputLen, maxOutputLen);
    const order = batchOrder(encoded[k].length, batchSize, makeRng(deriveSeed(spec.seed, `fisher/${k}`)));
    const model = new T5Model(modelConfig(spec, options.config), weights);
    try {
      const f = diagonalFisher(model, () => (order.next().value as number[]).map((r) => encoded[k][r]), shape, batches);
      out.push(await snapshotToHost(f));
      disposeSnapshot(f);
    } finally {
      model.dispose();
    }
  }
  (run.fishers ??= new Map()).set(batches, out);
  return out;
}

type MergeOptions = Pick<WhatIfOptions, 'datasets' | 'tokenizer' | 'config'>;

/** The merged weights and fusion report of a task-vector rule over the run's task models. */
export async function mergeRecorded(
  spec: ExperimentSpec,
  run: RecordedRun,
  rule: TaskVectorRule,
  options: MergeOptions = {},
): Promise<{ weights: HostTensors; fusion: FusionReport; warnings: string[] }> {
  if (run.models.length < 2)
    throw new Error(
      'no task models were kept for this strategy (fewer than two tasks, or over the memory budget of what-if): nothing to merge',
    );
  const batches = Number(spec.strategies[run.strategy]?.knobs?.fisherBatches ?? FISHER_BATCHES);
  const fishers = rule.kind === 'fisher' ? await fishersOf(spec, run, batches, options) : undefined;
  const merged = mergeWithRule(
    { base: run.base, models: run.models, fishers, names: spec.tasks.map((_, t) => `the task-${t + 1} model`) },
    rule,
  );
  return {
    weights: merged.weights,
    fusion: sharesReport(run.models.length - 1, rule.kind, unitShares(unitsOf(spec, options.config), merged)),
    warnings: merged.warnings,
  };
}

export interface WhatIfResult {
  strategy: number;
  task: number;
  /** The fused model's score on every task's test set, in percent (the matrix's last row, recomputed). */
  scores: number[];
  fusion: FusionReport;
  /** Hard rule: how many units fell in each case; null for the other rules. */
  caseCounts: Record<FusionCase, number> | null;
  /** Signs that the merge's inputs do not fit the rule (e.g. a model equal to the base). */
  warnings: string[];
  /** Mean over units of the weight of θ̂_{k−1}. */
  meanPrevWeight: number;
  samples: { task: number; predictions: Prediction[] }[];
  /** 'whole': every fusion of a KIF run was re-run; 'last': only the last one (or a merge of the task models). */
  recomputed: 'whole' | 'last';
  /** Whole chain: the matrix rows after tasks 1..T−1 (row k + 1 of the matrix), and every fusion's report. */
  rows?: number[][];
  fusions?: FusionReport[];
}

export interface WhatIfOptions {
  datasets?: DatasetResolver;
  evalBatchSize?: number;
  samplesPerTask?: number;
  /** The run's tokenizer (a checkpoint's own); default the byte tokenizer. */
  tokenizer?: RunTokenizerSpec;
  /** The config of a spec naming a checkpoint (model.checkpoint), as the run loaded it. */
  config?: T5Config;
}

/** The fused weights and report of `rule` (β: KIF's accumulation) over a recorded run. */
async function fuseRecorded(
  spec: ExperimentSpec,
  run: RecordedRun,
  rule: FusionRule,
  beta: number,
  options: WhatIfOptions,
) {
  if (isTaskVectorRule(rule.kind))
    return {
      ...(await mergeRecorded(spec, run, rule as TaskVectorRule, options)),
      task: run.models.length - 1,
      plan: null,
    };
  if (!run.kif)
    throw new Error(
      `the ${rule.kind} rule needs importance scores, which only KIF strategies record; pick a merging rule`,
    );
  const { plan, weights } = fuseInputs(spec, run.kif, rule as ScoreRule, beta, options.config);
  return { weights, fusion: reportOf(run.kif.task, rule as ScoreRule, plan), warnings: [], task: run.kif.task, plan };
}

/** The run's tasks as it trained and scored them: cut to its caps with its tokenizer. */
function runTasks(spec: ExperimentSpec, options: Pick<WhatIfOptions, 'datasets' | 'tokenizer'>) {
  const tok = buildRunTokenizer(options.tokenizer ?? byteTokenizerSpec).tokenizer;
  const tasks = resolveTasks(spec, options.datasets).tasks.map((t, i) => fitTask(t, i, tok, spec.training).task);
  return { tok, tasks };
}

/** Fuses the recorded run with `rule` (and β for KIF's rules) and evaluates the result on every task of the spec. */
export async function whatIfFusion(
  spec: ExperimentSpec,
  run: RecordedRun,
  rule: FusionRule,
  beta: number,
  options: WhatIfOptions = {},
): Promise<WhatIfResult> {
  const { tok, tasks } = runTasks(spec, options);
  const evalWeights = async (weights: HostTensors) => {
    const model = new T5Model(modelConfig(spec, options.config), weights);
    const scores: number[] = [];
    const samples: WhatIfResult['samples'] = [];
    try {
      for (const [task, t] of tasks.entries()) {
        const r = await evaluate(model, tok, t.test, {
          batchSize: options.evalBatchSize ?? runDefaults.evalBatchSize,
          maxInputLen: spec.training.maxInputLen,
          maxOutputLen: spec.training.maxOutputLen,
          score: textScorer(t.scorer).score,
        });
        scores.push(r.score);
        samples.push({
          task,
          predictions: r.predictions.slice(0, options.samplesPerTask ?? runDefaults.samplesPerTask),
        });
      }
    } finally {
      model.dispose();
    }
    return { scores, samples };
  };
  let whole: { rows: number[][]; fusions: FusionReport[] } | null = null;
  let fused: Awaited<ReturnType<typeof fuseRecorded>>;
  if (!isTaskVectorRule(rule.kind) && run.chain) {
    const chain = fuseChain(spec, run, run.chain, rule as ScoreRule, beta, options.config);
    const rows: number[][] = [];
    for (const c of chain.slice(0, -1)) rows.push((await evalWeights(c.weights)).scores);
    const last = chain.at(-1)!;
    whole = { rows, fusions: chain.map((c, i) => reportOf(i + 1, rule as ScoreRule, c.plan)) };
    fused = { weights: last.weights, fusion: whole.fusions.at(-1)!, warnings: [], task: chain.length, plan: last.plan };
  } else {
    fused = await fuseRecorded(spec, run, rule, beta, options);
  }
  const { fusion, warnings, task, plan } = fused;
  const { scores, samples } = await evalWeights(fused.weights);
  if (whole) whole.rows.push(scores);
  const weightsList = Object.values(fusion.prevWeight);
  let caseCounts: Record<FusionCase, number> | null = null;
  if (plan?.cases.size) {
    caseCounts = { shared: 0, kept: 0, taken: 0, averaged: 0 };
    for (const c of plan.cases.values()) caseCounts[c]++;
  }
  return {
    strategy: run.strategy,
    task,
    scores,
    fusion,
    caseCounts,
    warnings,
    meanPrevWeight: weightsList.length ? weightsList.reduce((a, b) => a + b, 0) / weightsList.length : 0,
    samples,
    recomputed: whole ? 'whole' : 'last',
    ...(whole ? whole : {}),
  };
}
