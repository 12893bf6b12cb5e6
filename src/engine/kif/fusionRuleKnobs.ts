// Every fusion rule's name, label and knobs (type, bounds, default, the paper's value, one-line meaning), declared once
// and without TF.js: the strategies, the spec's knob checks, the page's fields, the what-if panel, the CLI's flags and
// help, and the rules' own checks (fusion.ts) all read them from here.
import { resolveKnobs, type KnobDefs, type KnobValue } from '../strategies/knobs';
import { fusionDefaults } from './fusionDefaults';
import type { TaskVectorRule } from './taskVectors';

/** KIF's rules: they blend the model before a task and after it unit by unit, from importance scores. */
export const scoreRuleNames = ['hard', 'soft'] as const;
/** The model-merging rules: they merge task vectors τ_t = θ_t − θ₀ against the base θ₀, element by element. */
export const taskVectorRuleNames = ['average', 'task-arithmetic', 'ties', 'dare', 'magmax', 'fisher'] as const;
export const fusionRuleNames = [...scoreRuleNames, ...taskVectorRuleNames] as const;

export type ScoreRuleName = (typeof scoreRuleNames)[number];
export type TaskVectorRuleName = (typeof taskVectorRuleNames)[number];
export type FusionRuleName = (typeof fusionRuleNames)[number];

/** What DARE merges its dropped-and-rescaled task vectors with. */
export const dareInnerRules = ['ties', 'task-arithmetic', 'average'] as const;
export type DareInner = (typeof dareInnerRules)[number];

export interface FusionRuleInfo {
  /** One line: what the rule does, with its source. */
  label: string;
  /** What the rule reads: KIF's importance scores, or the base and the task models. */
  input: 'scores' | 'task-vectors';
  knobs: KnobDefs;
}

/** Where minmax and the thresholds run: over all units (the paper) or within each module kind (extension). */
export const scoreScopes = ['all', 'kind'] as const;
export type ScoreScope = (typeof scoreScopes)[number];
/** Layer norms: scored like any unit (the paper), or left out of the scored set and taken from θ_k or averaged (extension). */
export const normModes = ['scored', 'current', 'average'] as const;
export type NormMode = (typeof normModes)[number];

// Both KIF rules take them; the defaults are the paper's rule.
const variantKnobs = {
  within: {
    kind: 'choice',
    default: 'all',
    options: scoreScopes,
    label: 'within (extension)',
    help: 'extension, not the paper: "kind" normalises and thresholds scores within each module kind (heads, FFN blocks, norms, ...), so norms do not take the top %',
  },
  norms: {
    kind: 'choice',
    default: 'scored',
    options: normModes,
    label: 'norms (extension)',
    help: 'extension, not the paper: "current" or "average" leaves layer norms out of the scored set and takes them from θ_k or averages them',
  },
} as const;

const topPercent = (dflt: number, help: string, paper?: number) =>
  ({
    kind: 'number',
    default: dflt,
    paper,
    min: 0,
    max: 100,
    aboveMin: true,
    label: 'top %',
    flag: 'top',
    help,
  }) as const;
const lambda = (dflt: number, help: string, paper?: number) =>
  ({ kind: 'number', default: dflt, paper, min: 0, max: 10, label: 'λ (lambda)', help }) as const;

export const fusionRuleInfo: Record<FusionRuleName, FusionRuleInfo> = {
  hard: {
    label: 'KIF hard: four cases by top-% importance before and now (TaSL)',
    input: 'scores',
    knobs: {
      gamma: {
        kind: 'number',
        default: fusionDefaults.hard.gamma,
        paper: fusionDefaults.hard.gamma,
        min: 0,
        max: 1,
        label: 'γ (gamma)',
        help: 'γ: weight of the earlier model in task-shared units',
      },
      topPercent: {
        kind: 'number',
        default: fusionDefaults.hard.topPercent,
        paper: fusionDefaults.hard.topPercent,
        min: 0,
        max: 100,
        label: 'top %',
        flag: 'top',
        help: 'a unit is important when its score is in this top % (strictly above the percentile)',
      },
      ...variantKnobs,
    },
  },
  soft: {
    label: 'KIF soft: softmax over (Â, Ŝ) with temperature τ',
    input: 'scores',
    knobs: {
      tau: {
        kind: 'number',
        default: fusionDefaults.soft.tau,
        paper: fusionDefaults.soft.tau,
        min: 0,
        max: 100,
        aboveMin: true,
        label: 'τ (tau)',
        help: 'τ: temperature of the softmax over (Â, Ŝ)',
      },
      ...variantKnobs,
    },
  },
  average: {
    label: 'averaging: the uniform mean of the task models, θ₀ + mean τₜ',
    input: 'task-vectors',
    knobs: {},
  },
  'task-arithmetic': {
    label: 'task arithmetic: θ₀ + λ·Σ τₜ (Ilharco et al. 2023)',
    input: 'task-vectors',
    knobs: {
      lambda: lambda(
        0.4,
        "λ: scale of the summed task vectors (Ilharco et al. pick it from 0.05–1 on held-out data; 0.4 is the no-validation value TIES's authors use for task arithmetic)",
      ),
    },
  },
  ties: {
    label: 'TIES: trim each τₜ to its top k %, elect signs, average the agreeing entries, θ₀ + λ·τ (Yadav et al. 2023)',
    input: 'task-vectors',
    knobs: {
      topPercent: topPercent(
        20,
        "k: keep this top % of each task vector's entries by magnitude, over the whole model (TIES: 20)",
        20,
      ),
      lambda: lambda(1, 'λ: scale of the merged task vector (TIES: 1)', 1),
    },
  },
  dare: {
    label: 'DARE: drop each delta entry with probability p, rescale by 1/(1−p), then merge (Yu et al. 2024)',
    input: 'task-vectors',
    knobs: {
      drop: {
        kind: 'number',
        default: 0.9,
        paper: 0.9,
        min: 0,
        max: 1,
        belowMax: true,
        label: 'drop p',
        help: 'p: probability of dropping each task-vector entry, 0 ≤ p < 1 (DARE: 0.9)',
      },
      inner: {
        kind: 'choice',
        default: 'ties',
        options: dareInnerRules,
        help: 'the merge after dropping: ties (DARE-TIES), task-arithmetic or average',
      },
      topPercent: topPercent(
        100,
        "k of the inner TIES trim: 100 keeps every entry DARE kept (its drop already sparsifies, as mergekit's dare_ties)",
      ),
      lambda: lambda(1, 'λ of the inner rule (ties, task-arithmetic; average has none)'),
      seed: {
        kind: 'int',
        default: 0,
        min: 0,
        max: 2 ** 31 - 1,
        help: "seed of the random drop masks (task t's mask depends only on the seed and t)",
      },
    },
  },
  magmax: {
    label: 'MagMax: per entry the task vector of largest magnitude, θ₀ + λ·τ (Marczak et al. 2024)',
    input: 'task-vectors',
    knobs: {
      lambda: lambda(0.5, "λ: scale of the max-magnitude task vector (MagMax's reproduction scripts: 0.5)", 0.5),
    },
  },
  fisher: {
    label: "Fisher averaging: per entry Σ Fₜ·θₜ / Σ Fₜ with each model's diagonal Fisher (Matena & Raffel 2022)",
    input: 'task-vectors',
    knobs: {
      floor: {
        kind: 'number',
        default: 1e-6,
        paper: 1e-6,
        min: 0,
        max: 1,
        label: 'ε (floor)',
        help: "ε added to every Fisher value, so entries no model is sensitive to are averaged evenly (Matena & Raffel's code floors at 1e-6)",
      },
    },
  },
};

export const isFusionRuleName = (x: string): x is FusionRuleName => (fusionRuleNames as readonly string[]).includes(x);
export const isTaskVectorRule = (x: string): x is TaskVectorRuleName =>
  (taskVectorRuleNames as readonly string[]).includes(x);

/** The extensions' knobs; absent, the paper's rule ('all', 'scored'). */
export interface ScoreVariant {
  within?: ScoreScope;
  norms?: NormMode;
}
export type ScoreRule = ({ kind: 'hard'; gamma: number; topPercent: number } | { kind: 'soft'; tau: number }) &
  ScoreVariant;
export type FusionRule = ScoreRule | TaskVectorRule;

/** The rule `kind` with these knob values (defaults for the rest), or the problems, each naming the rule and the knob. */
export function ruleFromKnobs(
  kind: string,
  given: Readonly<Record<string, KnobValue>>,
): { ok: true; rule: FusionRule } | { ok: false; problems: string[] } {
  if (!isFusionRuleName(kind))
    return { ok: false, problems: [`unknown fusion rule "${kind}"; rules: ${fusionRuleNames.join(', ')}`] };
  const { knobs, problems } = resolveKnobs(fusionRuleInfo[kind].knobs, given);
  if (problems.length) return { ok: false, problems: problems.map((p) => `${kind}: ${p}`) };
  return { ok: true, rule: { kind, ...knobs } as FusionRule };
}

/** The rule's knob values, without its kind. */
export const knobsOfRule = (rule: FusionRule): Record<string, KnobValue> => {
  const { kind: _kind, ...knobs } = rule;
  return knobs as Record<string, KnobValue>;
};
