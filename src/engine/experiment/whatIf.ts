// What-if fusion: a KIF strategy's last fusion recomputed from the same inputs with other knobs (γ, top %, τ, β, the
// rule), and the fused model re-evaluated on every task's test set, without retraining. Exact for that fusion; the
// earlier fusions and the training after them are as the run made them.
//
// The inputs come from a finished run through hooks it already has (no strategy change): the model the runner shows at
// stage 'final' of task k−1 is θ̂_{k−1} (KIF takes its snapshot right after), the one at stage 'trained' of task k is θ_k,
// and the 'importance' (final) and 'accumulated' events carry S_k and A_{k−1}.
import { applyFusionHost, planFusion, type FusionCase, type FusionPlan, type FusionRule } from '../kif/fusion';
import { buildUnits } from '../kif/units';
import { textScorer } from '../metrics/text';
import type { T5Config } from '../model/config';
import type { HostTensors } from '../model/init';
import { paramSpecs } from '../model/paramSpec';
import { T5Model } from '../model/t5';
import type { ExperimentSpec } from '../spec/experiment';
import type { FusionReport, UnitScores } from '../strategies/types';
import { buildRunTokenizer, byteTokenizerSpec, type RunTokenizerSpec } from '../tokenizers/runTokenizer';
import type { Prediction } from '../train/evaluate';
import { evaluate } from '../train/evaluate';
import type { RunEvent } from './events';
import { modelConfig, runDefaults, type RunHooks } from './runner';
import { fitTask, resolveTasks, type DatasetResolver } from './taskData';

/** Everything the fusion after task `task` used, on the host. */
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

interface StrategyLog {
  tracksImportance: boolean;
  /** Weights at stage 'final' of the latest task. */
  final?: { task: number; weights: HostTensors };
  trained?: { task: number; weights: HostTensors };
  scores: Map<number, UnitScores>;
  accumulated: Map<number, UnitScores>;
  last?: FusionInputs;
}

/** Keeps, per KIF strategy of a run, the inputs of its latest fusion. Give `hooks` to runExperiment (merged with yours). */
export class FusionInputsRecorder {
  private readonly logs = new Map<number, StrategyLog>();

  private log(strategy: number): StrategyLog {
    let l = this.logs.get(strategy);
    if (!l) this.logs.set(strategy, (l = { tracksImportance: false, scores: new Map(), accumulated: new Map() }));
    return l;
  }

  readonly onEvent = (e: RunEvent): void => {
    if (e.type === 'importance') {
      const l = this.log(e.strategy);
      l.tracksImportance = true;
      if (e.final) l.scores.set(e.task, e.scores);
    } else if (e.type === 'accumulated') {
      this.log(e.strategy).accumulated.set(e.task, e.scores);
    } else if (e.type === 'fusion') {
      const l = this.log(e.strategy);
      const k = e.task;
      const prevAccumulated = l.accumulated.get(k - 1);
      const scores = l.scores.get(k);
      if (l.final?.task === k - 1 && l.trained?.task === k && prevAccumulated && scores) {
        l.last = { strategy: e.strategy, task: k, prev: l.final.weights, cur: l.trained.weights, prevAccumulated, scores };
      }
      // Only the latest fusion is kept: older tables are no longer needed.
      for (const t of [...l.scores.keys()]) if (t < k) l.scores.delete(t);
      for (const t of [...l.accumulated.keys()]) if (t < k - 1) l.accumulated.delete(t);
    }
  };

  readonly onModel = async (at: { strategy: number; task: number; stage: string }, model: T5Model): Promise<void> => {
    const l = this.log(at.strategy);
    // Task 0's final importance comes before its stage 'final', so only KIF strategies pay for these copies.
    if (!l.tracksImportance) return;
    if (at.stage === 'final') l.final = { task: at.task, weights: await model.exportWeights() };
    else if (at.stage === 'trained' && at.task > 0) l.trained = { task: at.task, weights: await model.exportWeights() };
  };

  get hooks(): Pick<RunHooks, 'onEvent' | 'onModel'> {
    return { onEvent: this.onEvent, onModel: this.onModel };
  }

  /** The inputs of strategy `strategy`'s latest fusion, if it fused. */
  latest(strategy: number): FusionInputs | undefined {
    return this.logs.get(strategy)?.last;
  }

  /** Strategies that have a fusion to recompute. */
  strategies(): number[] {
    return [...this.logs].filter(([, l]) => l.last).map(([i]) => i);
  }

  clear(): void {
    this.logs.clear();
  }
}

const toMap = (s: UnitScores) => new Map(Object.entries(s));

/** The fusion plan and the fused weights for `rule` and accumulation β on the recorded inputs. */
export function fuseInputs(spec: ExperimentSpec, inputs: FusionInputs, rule: FusionRule, beta: number, loaded?: T5Config): { plan: FusionPlan; weights: HostTensors } {
  const config = modelConfig(spec, loaded);
  const units = buildUnits(spec.units.granularity, paramSpecs(config), { numHeads: config.numHeads, neuronBlock: spec.units.blockSize });
  const plan = planFusion(toMap(inputs.prevAccumulated), toMap(inputs.scores), rule, beta);
  return { plan, weights: applyFusionHost(inputs.prev, inputs.cur, units, plan.coeffs) };
}

export interface WhatIfResult {
  strategy: number;
  task: number;
  /** The fused model's score on every task's test set, in percent (the matrix's last row, recomputed). */
  scores: number[];
  fusion: FusionReport;
  /** Hard rule: how many units fell in each case; null for the soft rule. */
  caseCounts: Record<FusionCase, number> | null;
  /** Mean over units of the weight of θ̂_{k−1}. */
  meanPrevWeight: number;
  samples: { task: number; predictions: Prediction[] }[];
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

/** Re-fuses the recorded inputs with `rule` and β and evaluates the result on every task of the spec. */
export async function whatIfFusion(spec: ExperimentSpec, inputs: FusionInputs, rule: FusionRule, beta: number, options: WhatIfOptions = {}): Promise<WhatIfResult> {
  const { plan, weights } = fuseInputs(spec, inputs, rule, beta, options.config);
  const tok = buildRunTokenizer(options.tokenizer ?? byteTokenizerSpec).tokenizer;
  const tasks = resolveTasks(spec, options.datasets).tasks.map((t, i) => fitTask(t, i, tok, spec.training).task);
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
      samples.push({ task, predictions: r.predictions.slice(0, options.samplesPerTask ?? runDefaults.samplesPerTask) });
    }
  } finally {
    model.dispose();
  }
  const prevWeight = Object.fromEntries([...plan.coeffs].map(([u, c]) => [u, c.prev]));
  const weightsList = Object.values(prevWeight);
  let caseCounts: Record<FusionCase, number> | null = null;
  if (plan.cases.size) {
    caseCounts = { shared: 0, kept: 0, taken: 0, averaged: 0 };
    for (const c of plan.cases.values()) caseCounts[c]++;
  }
  return {
    strategy: inputs.strategy,
    task: inputs.task,
    scores,
    fusion: {
      afterTask: inputs.task,
      rule: rule.kind,
      prevWeight,
      ...(plan.cases.size ? { cases: Object.fromEntries(plan.cases) } : {}),
      thresholds: plan.thresholds,
    },
    caseCounts,
    meanPrevWeight: weightsList.length ? weightsList.reduce((a, b) => a + b, 0) / weightsList.length : 0,
    samples,
  };
}
