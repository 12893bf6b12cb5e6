// Knowledge fusion (KIF.md §3): plan per-unit blend coefficients from importance scores, then blend θ̂_{k−1} and θ_k.
// The registry `fusionRules` holds every fusion rule: KIF's (from importance scores) and the model-merging rules over
// task vectors (taskVectors.ts), each with the knobs fusionRuleKnobs.ts declares.
import * as tf from '@tensorflow/tfjs';
import { fusionDefaults } from './fusionDefaults';
import { importanceKnobs } from '../strategies/kifKnobs';
import {
  fusionRuleInfo,
  knobsOfRule,
  type FusionRule,
  type ScoreRule,
  type ScoreRuleName,
  type TaskVectorRuleName,
} from './fusionRuleKnobs';
import { mergeTaskVectors, type MergeInputs, type MergeOutput, type TaskVectorRule } from './taskVectors';
import { unitKindOf, type UnitKind } from './unitKindRegistry';
import { forEachElement, type BuiltUnit, type SkillUnit } from './units';
import { knobProblem } from '../strategies/knobs';

/** A fused unit is prev·θ̂_{k−1} + cur·θ_k. */
export interface Coeff {
  prev: number;
  cur: number;
}

/** Hard-rule cases: shared (important before and now), kept (before only), taken (now only), averaged (neither). */
export type FusionCase = 'shared' | 'kept' | 'taken' | 'averaged';

export type { FusionRule, ScoreRule, TaskVectorRule };

// Re-exported: the CLI and tests take the constants from here with the rest of fusion.
export { fusionDefaults };

/** Min-max normalisation to [0, 1]; when all values are equal (no spread) every value maps to 0. */
export function minmax(xs: readonly number[]): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return xs.map((x) => (hi > lo ? (x - lo) / (hi - lo) : 0));
}

/** The q-th percentile with linear interpolation, as numpy.percentile's default (including its two-sided lerp). */
export function percentile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new Error('percentile of no values');
  const sorted = [...xs].sort((a, b) => a - b);
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const t = pos - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

export const hardCases: Record<FusionCase, { before: boolean; now: boolean; coeff: (gamma: number) => Coeff }> = {
  shared: { before: true, now: true, coeff: (gamma) => ({ prev: gamma, cur: 1 - gamma }) },
  kept: { before: true, now: false, coeff: () => ({ prev: 1, cur: 0 }) },
  taken: { before: false, now: true, coeff: () => ({ prev: 0, cur: 1 }) },
  averaged: { before: false, now: false, coeff: () => ({ prev: 0.5, cur: 0.5 }) },
};

const caseOf = (before: boolean, now: boolean) =>
  (Object.keys(hardCases) as FusionCase[]).find((c) => hardCases[c].before === before && hardCases[c].now === now)!;

/** What a rule decides from the normalised scores Â (prev) and Ŝ (cur), unit by unit in the same order. */
interface RuleDecision {
  coeffs: Coeff[];
  cases: FusionCase[] | null;
  thresholds: { prev: number; cur: number } | null;
}

interface ScoreRuleImpl<R extends ScoreRule> {
  input: 'scores';
  label: string;
  problems(rule: R): string[];
  decide(prev: number[], cur: number[], rule: R): RuleDecision;
}

interface TaskVectorRuleImpl<R extends TaskVectorRule> {
  input: 'task-vectors';
  label: string;
  problems(rule: R): string[];
  merge(inputs: MergeInputs, rule: R): MergeOutput;
}

/** Problems of a rule's knob values against the bounds fusionRuleKnobs.ts declares (the only place), naming rule and knob. */
function knobProblems(rule: FusionRule): string[] {
  const defs = fusionRuleInfo[rule.kind].knobs;
  const given = knobsOfRule(rule);
  return Object.entries(defs).flatMap(([name, def]) => {
    // The variants (choice knobs) are optional on a rule: left out, they are the paper's rule.
    const p = knobProblem(def, given[name] ?? (def.kind === 'choice' ? def.default : undefined));
    return p ? [`${rule.kind}: ${name} ${p}`] : [];
  });
}

const taskVectorRule = <K extends TaskVectorRuleName>(
  kind: K,
): TaskVectorRuleImpl<Extract<TaskVectorRule, { kind: K }>> => ({
  input: 'task-vectors',
  label: fusionRuleInfo[kind].label,
  problems: knobProblems,
  merge: mergeTaskVectors,
});

export const scoreRules: { [K in ScoreRuleName]: ScoreRuleImpl<Extract<ScoreRule, { kind: K }>> } = {
  hard: {
    input: 'scores',
    label: fusionRuleInfo.hard.label,
    problems: knobProblems,
    decide: (prev, cur, r) => {
      const thresholds = { prev: percentile(prev, 100 - r.topPercent), cur: percentile(cur, 100 - r.topPercent) };
      const cases = prev.map((p, i) => caseOf(p > thresholds.prev, cur[i] > thresholds.cur));
      return { coeffs: cases.map((c) => hardCases[c].coeff(r.gamma)), cases, thresholds };
    },
  },
  soft: {
    input: 'scores',
    label: fusionRuleInfo.soft.label,
    problems: knobProblems,
    decide: (prev, cur, r) => ({
      // e^{Â/τ} / (e^{Â/τ} + e^{Ŝ/τ}) written as a logistic, which cannot overflow.
      coeffs: prev.map((p, i) => {
        const cPrev = 1 / (1 + Math.exp((cur[i] - p) / r.tau));
        return { prev: cPrev, cur: 1 - cPrev };
      }),
      cases: null,
      thresholds: null,
    }),
  },
};

/** Every fusion rule, by name. */
export const fusionRules = {
  ...scoreRules,
  average: taskVectorRule('average'),
  'task-arithmetic': taskVectorRule('task-arithmetic'),
  ties: taskVectorRule('ties'),
  dare: taskVectorRule('dare'),
  magmax: taskVectorRule('magmax'),
  fisher: taskVectorRule('fisher'),
} as const;

/** Problems of a rule's knob values (empty when it can run). */
export const ruleProblems = (rule: FusionRule): string[] =>
  (fusionRules[rule.kind].problems as (r: FusionRule) => string[])(rule);

/** Merges task vectors with a task-vector rule after checking its knobs (MergeInputError names bad inputs). */
export function mergeWithRule(inputs: MergeInputs, rule: TaskVectorRule): MergeOutput {
  const problems = ruleProblems(rule);
  if (problems.length) throw new Error(`fusion: ${problems.join('; ')}`);
  return (fusionRules[rule.kind].merge as (i: MergeInputs, r: TaskVectorRule) => MergeOutput)(inputs, rule);
}

/** Each unit's family, as planFusion's kind-wise extensions read it. */
export const unitKindsOf = (units: readonly BuiltUnit[]): Map<string, UnitKind> =>
  new Map(units.map((u) => [u.name, unitKindOf(u.info)]));

export interface FusionPlan {
  coeffs: Map<string, Coeff>;
  /** Hard rule only (empty for soft). */
  cases: Map<string, FusionCase>;
  thresholds: { prev: number; cur: number } | null;
  /** A_k, the accumulated scores to pass as prevAcc after the next task. */
  accumulated: Map<string, number>;
}

/**
 * Plans fusion after task k ≥ 1 from A_{k−1} (`prevAcc`; A_0 = S_0, the raw scores of task 0) and S_k (`cur`), both
 * over the same units. Normalisation and thresholds run over all those units. `kinds` (unitKindsOf(units)) is needed by the
 * extensions that treat a kind apart (norms out of the scored set, thresholds within each kind).
 */
export function planFusion(
  prevAcc: ReadonlyMap<string, number>,
  cur: ReadonlyMap<string, number>,
  rule: ScoreRule,
  accumulateBeta: number = fusionDefaults.accumulateBeta,
  kinds?: ReadonlyMap<string, UnitKind>,
): FusionPlan {
  const impl = scoreRules[rule.kind] as ScoreRuleImpl<typeof rule>;
  const betaProblem = knobProblem(importanceKnobs.beta, accumulateBeta);
  const problems = [...impl.problems(rule), ...(betaProblem ? [`accumulation beta ${betaProblem}`] : [])];
  const names = [...cur.keys()];
  const missing = names.filter((n) => !prevAcc.has(n)).concat([...prevAcc.keys()].filter((n) => !cur.has(n)));
  if (missing.length > 0)
    problems.push(
      `earlier and current scores must cover the same units; not in both: ${missing.slice(0, 5).join(', ')}`,
    );
  const normsOut = rule.norms === 'current' || rule.norms === 'average';
  const unkinded = normsOut || rule.within === 'kind' ? names.filter((n) => !kinds?.has(n)) : [];
  if (unkinded.length > 0)
    problems.push(`the rule treats unit kinds apart but these units have no kind: ${unkinded.slice(0, 5).join(', ')}`);
  if (problems.length > 0) throw new Error(`fusion: ${problems.join('; ')}`);
  const plan: FusionPlan = { coeffs: new Map(), cases: new Map(), thresholds: null, accumulated: new Map() };
  // Extensions: norms out of the scored set (a fixed blend, a case to match, no score carried on), groups by kind.
  const groups = new Map<string, string[]>();
  for (const n of names) {
    const kind = kinds?.get(n);
    if (normsOut && kind === 'norm') {
      const c = rule.norms === 'current' ? 'taken' : 'averaged';
      plan.coeffs.set(n, hardCases[c].coeff(0));
      if (rule.kind === 'hard') plan.cases.set(n, c);
      plan.accumulated.set(n, 0);
      continue;
    }
    const g = rule.within === 'kind' ? kind! : 'all';
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(n);
  }
  for (const group of groups.values()) {
    const prevN = minmax(group.map((n) => prevAcc.get(n)!));
    const curN = minmax(group.map((n) => cur.get(n)!));
    const d = impl.decide(prevN, curN, rule);
    const acc = minmax(prevN.map((p, i) => accumulateBeta * p + (1 - accumulateBeta) * curN[i]));
    group.forEach((n, i) => {
      plan.coeffs.set(n, d.coeffs[i]);
      if (d.cases) plan.cases.set(n, d.cases[i]);
      plan.accumulated.set(n, acc[i]);
    });
    // One threshold pair only when one group was scored (the paper's rule); per-kind pairs are not reported.
    plan.thresholds = groups.size === 1 ? d.thresholds : null;
  }
  // Back in the units' order, as callers and reports expect.
  const ordered = <V>(m: Map<string, V>) => new Map(names.filter((n) => m.has(n)).map((n) => [n, m.get(n)!]));
  return { ...plan, coeffs: ordered(plan.coeffs), cases: ordered(plan.cases), accumulated: ordered(plan.accumulated) };
}

/** Per-parameter coefficients: one value per element of `shape`, which may be broadcast (size 1 on unsliced axes). */
interface Blend {
  shape: number[];
  prev: Float32Array;
  cur: Float32Array;
}

/**
 * Coefficient masks for every parameter that a unit with coefficients touches; uncovered elements get (0, 1), i.e. θ_k.
 * With `broadcast`, axes that no part slices collapse to size 1, so a head's rows cost numHeads·dKv numbers, not the tensor.
 */
function blends(
  units: readonly SkillUnit[],
  coeffs: ReadonlyMap<string, Coeff>,
  shapeOf: (param: string) => readonly number[] | undefined,
  broadcast: boolean,
): Map<string, Blend> {
  const byParam = new Map<string, Array<{ part: SkillUnit['parts'][number]; c: Coeff }>>();
  for (const u of units) {
    const c = coeffs.get(u.name);
    if (!c) continue;
    for (const part of u.parts) {
      if (!byParam.has(part.param)) byParam.set(part.param, []);
      byParam.get(part.param)!.push({ part, c });
    }
  }
  const out = new Map<string, Blend>();
  for (const [param, entries] of byParam) {
    const full = shapeOf(param);
    if (!full) throw new Error(`fusion: a unit refers to parameter ${param}, which the model does not have`);
    const shape = broadcast
      ? full.map((d, axis) => (entries.some((e) => e.part.slice?.axis === axis) ? d : 1))
      : [...full];
    const size = shape.reduce((a, b) => a * b, 1);
    const blend = { shape, prev: new Float32Array(size), cur: new Float32Array(size).fill(1) };
    for (const { part, c } of entries) {
      forEachElement(part, shape, (i) => {
        blend.prev[i] = c.prev;
        blend.cur[i] = c.cur;
      });
    }
    out.set(param, blend);
  }
  return out;
}

/** The blend's single coefficient pair when every element shares it. */
function uniform(b: Blend): Coeff | null {
  for (let i = 1; i < b.prev.length; i++) if (b.prev[i] !== b.prev[0] || b.cur[i] !== b.cur[0]) return null;
  return { prev: b.prev[0], cur: b.cur[0] };
}

/**
 * Fuses on device: a new tensor for every parameter of `curParams` (the caller owns them). Per parameter at most three
 * kernels (prev·m_prev + cur·m_cur), a clone when it is taken or kept whole.
 */
export function applyFusion(
  prevParams: ReadonlyMap<string, tf.Tensor>,
  curParams: ReadonlyMap<string, tf.Tensor>,
  units: readonly SkillUnit[],
  coeffs: ReadonlyMap<string, Coeff>,
): Map<string, tf.Tensor> {
  const plan = blends(units, coeffs, (p) => curParams.get(p)?.shape, true);
  const out = new Map<string, tf.Tensor>();
  for (const [name, cur] of curParams) {
    out.set(
      name,
      tf.tidy(() => {
        const b = plan.get(name);
        if (!b) return tf.clone(cur);
        const prev = prevParams.get(name);
        if (!prev) throw new Error(`fusion: no earlier value for parameter ${name}`);
        const u = uniform(b);
        if (u && u.prev === 0 && u.cur === 1) return tf.clone(cur);
        if (u && u.prev === 1 && u.cur === 0) return tf.clone(prev);
        const [mPrev, mCur] = u
          ? [tf.scalar(u.prev), tf.scalar(u.cur)]
          : [tf.tensor(b.prev, b.shape), tf.tensor(b.cur, b.shape)];
        return tf.add(tf.mul(prev, mPrev), tf.mul(cur, mCur));
      }),
    );
  }
  return out;
}

/** A parameter held in host memory (offline tools, the CLI). */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** The same fusion on host arrays. */
export function applyFusionHost(
  prevParams: ReadonlyMap<string, HostTensor>,
  curParams: ReadonlyMap<string, HostTensor>,
  units: readonly SkillUnit[],
  coeffs: ReadonlyMap<string, Coeff>,
): Map<string, HostTensor> {
  const plan = blends(units, coeffs, (p) => curParams.get(p)?.shape, false);
  const out = new Map<string, HostTensor>();
  for (const [name, cur] of curParams) {
    const b = plan.get(name);
    const prev = prevParams.get(name);
    if (b && !prev) throw new Error(`fusion: no earlier value for parameter ${name}`);
    const data = b ? cur.data.map((x, i) => b.prev[i] * prev!.data[i] + b.cur[i] * x) : cur.data.slice();
    out.set(name, { shape: [...cur.shape], data });
  }
  return out;
}
