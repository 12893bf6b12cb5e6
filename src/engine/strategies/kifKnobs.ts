// The KIF strategies' knobs (importance, hard and soft fusion rules) and their shared check, without TF.js: the
// catalog and the what-if panel read them; kif.ts turns them into a tracker and a fusion rule.
import { fusionDefaults } from '../kif/fusionDefaults';
import { fusionRuleInfo } from '../kif/fusionRuleKnobs';
import { importanceDefaults, importanceMetricNames } from '../kif/importanceDefaults';
import type { KnobDefs } from './knobs';
import type { StrategyInfo } from './types';

/** What the importance scorer takes (KIF.md §2) and the accumulation β of fusion (§3), with the paper's values. */
export const importanceKnobs = {
  metric: {
    kind: 'choice',
    default: importanceDefaults.metric,
    paper: 'first-order',
    options: [...importanceMetricNames],
    help: 'importance metric: first-order |w·g|, second-order, or the TaSL ablations: plain (neither EMA nor uncertainty), no-uncertainty (EMA only), no-ema (running means, uncertainty kept)',
  },
  beta1: {
    kind: 'number',
    default: importanceDefaults.beta1,
    paper: 0.85,
    min: 0,
    max: 1,
    label: 'β1 (beta1)',
    help: 'β1 of the sensitivity EMA Ī = β1·Ī + (1−β1)·I',
  },
  beta2: {
    kind: 'number',
    default: importanceDefaults.beta2,
    paper: 0.85,
    min: 0,
    max: 1,
    label: 'β2 (beta2)',
    help: 'β2 of the uncertainty EMA Ū = β2·Ū + (1−β2)·|I − Ī|',
  },
  beta: {
    kind: 'number',
    default: fusionDefaults.accumulateBeta,
    paper: 0.7,
    min: 0,
    max: 1,
    label: 'β (beta)',
    help: 'β of the accumulated scores A_k = minmax(β·Â + (1−β)·Ŝ)',
  },
} as const satisfies KnobDefs;

export const hardRuleKnobs: KnobDefs = fusionRuleInfo.hard.knobs;
export const softRuleKnobs: KnobDefs = fusionRuleInfo.soft.knobs;

/** KIF scores whole tensors or heads and neuron blocks; LoRA rank units belong to the LoRA strategies. */
export const kifProblems: StrategyInfo['problems'] = (_k, { granularity }) =>
  granularity === 'lora-rank'
    ? ['needs units.granularity "tensor" or "head-neuron" ("lora-rank" units exist only in LoRA adapters)']
    : [];
