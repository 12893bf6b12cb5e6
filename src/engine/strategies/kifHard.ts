import { createKif, hardRuleKnobs, importanceKnobs, kifProblems } from './kif';
import type { StrategyDef } from './types';

export const kifHard: StrategyDef = {
  name: 'kif-hard',
  title: 'KIF, hard fusion (TaSL)',
  description:
    'Tracks the importance of every skill unit while a task trains (EMA of |w·g| times its uncertainty, KIF.md §2), then ' +
    'after each task k ≥ 1 fuses the model before and after the task unit by unit with TaSL\'s four cases: units ' +
    'important before and now are blended γ·old + (1−γ)·new, units important only before keep the old weights, units ' +
    'important only now take the new ones, the rest are averaged. "Important" means in the top % of min-max normalised ' +
    'scores; earlier tasks\' scores are accumulated with β. Units come from the spec (tensors, or heads and neuron blocks).',
  knobs: { ...hardRuleKnobs, ...importanceKnobs },
  problems: kifProblems,
  tracksImportance: true,
  create: (env, knobs) => createKif(env, knobs, { rule: 'hard' }),
};
