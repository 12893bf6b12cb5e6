// The model-merging strategies' metadata (catalog.ts lists them with the rest): each runs one task-vector rule of the
// fusion-rule registry after every task, with that rule's knobs (fusionRuleKnobs.ts) and where each task's training
// starts, which is what the rule's paper does with its models.
import { fusionRuleInfo, type TaskVectorRuleName } from '../kif/fusionRuleKnobs';
import type { KnobDef, KnobDefs } from './knobs';
import type { StrategyInfo } from './types';

/** Where task k's training starts: the base θ₀, the previous task's fine-tuned model θ_{k−1}, or the merged model. */
export const mergeStarts = ['base', 'previous', 'merged'] as const;
export type MergeStart = (typeof mergeStarts)[number];

const startKnob = (dflt: MergeStart, why: string): KnobDef => ({
  kind: 'choice',
  default: dflt,
  options: mergeStarts,
  help: `where task k's training starts: base θ₀ (independent fine-tunes), previous (θ_{k−1} as fine-tuned: sequential fine-tuning) or merged (the model after the last merge); ${why}`,
});

/** The rule's knobs, then the start of training, then anything the strategy adds. */
const knobsOf = (rule: TaskVectorRuleName, start: KnobDef, extra: KnobDefs = {}): KnobDefs => ({
  ...fusionRuleInfo[rule].knobs,
  start,
  ...extra,
});

/** The rule each merging strategy runs (taskVectorMerge.ts reads it). */
export const mergeRuleOf: Record<string, TaskVectorRuleName> = {
  'task-arithmetic': 'task-arithmetic',
  ties: 'ties',
  dare: 'dare',
  magmax: 'magmax',
  'fisher-merge': 'fisher',
};

const allSoFar =
  'After each task k ≥ 1 it merges all task vectors so far, τ_t = θ_t − θ₀ for t = 0..k (θ_t: the model right after ' +
  "task t's training, θ₀: the model before the first task), and evaluates the merge; after task 0 there is nothing to merge.";

export const taskArithmeticInfo: StrategyInfo = {
  name: 'task-arithmetic',
  title: 'Task arithmetic',
  description:
    `Task arithmetic (Ilharco et al. 2023): the model becomes θ₀ + λ·Σ τ_t. ${allSoFar} As in the paper each task is ` +
    'fine-tuned from the base θ₀ (start "base"); λ = 0.4.',
  knobs: knobsOf('task-arithmetic', startKnob('base', 'the paper adds independently fine-tuned task vectors')),
};

export const tiesInfo: StrategyInfo = {
  name: 'ties',
  title: 'TIES merging',
  description:
    `TIES (Yadav et al. 2023): trim each τ_t to its top k % entries by magnitude (over the whole model), elect each ` +
    `entry's sign by the sum of the trimmed vectors, average only the entries that agree with it, θ₀ + λ·τ. ${allSoFar} ` +
    'Each task is fine-tuned from θ₀, as in the paper; k = 20 %, λ = 1.',
  knobs: knobsOf('ties', startKnob('base', 'the paper merges independently fine-tuned models')),
};

export const dareInfo: StrategyInfo = {
  name: 'dare',
  title: 'DARE (drop and rescale), then TIES',
  description:
    `DARE (Yu et al. 2024): drop each entry of each τ_t with probability p, rescale the rest by 1/(1−p), then merge with ` +
    `the inner rule (TIES by default: DARE-TIES; task arithmetic or averaging). ${allSoFar} Each task is fine-tuned from ` +
    'θ₀; p = 0.9; the drop masks come from the seed knob.',
  knobs: knobsOf('dare', startKnob('base', 'the paper merges independently fine-tuned models')),
};

export const magmaxInfo: StrategyInfo = {
  name: 'magmax',
  title: 'MagMax',
  description:
    `MagMax (Marczak et al. 2024): per entry, the task vector of largest magnitude, θ₀ + λ·τ. ${allSoFar} As in the paper ` +
    'training is sequential fine-tuning: task k starts from θ_{k−1} as it was fine-tuned, not from the merge (start ' +
    '"previous"), so it trains exactly as seqft and only the evaluated model differs; λ = 0.5.',
  knobs: knobsOf('magmax', startKnob('previous', 'the paper merges the checkpoints of sequential fine-tuning')),
};

export const fisherMergeInfo: StrategyInfo = {
  name: 'fisher-merge',
  title: 'Fisher-weighted averaging',
  description:
    'Fisher merging (Matena & Raffel 2022): after each task the diagonal Fisher of θ_k on its train set is estimated as ' +
    'EWC does (mean squared gradient over a few batches), and the model becomes, entry by entry, Σ F_t·θ_t / Σ F_t over ' +
    `all task models so far (t = 0..k), so each task keeps the weights it is most sensitive to. ${allSoFar} Each task is ` +
    'fine-tuned from θ₀, as in the paper.',
  knobs: knobsOf('fisher', startKnob('base', 'the paper averages independently fine-tuned models'), {
    fisherBatches: {
      kind: 'int',
      default: 8,
      min: 1,
      max: 10_000,
      help: "batches of the task's train set used to estimate each Fisher (as EWC)",
    },
  }),
};

export const mergingCatalog: readonly StrategyInfo[] = [
  taskArithmeticInfo,
  tiesInfo,
  dareInfo,
  magmaxInfo,
  fisherMergeInfo,
];
