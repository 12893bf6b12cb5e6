import { createKif, importanceKnobs, kifProblems, softRuleKnobs } from './kif';
import type { StrategyDef } from './types';

export const kifSoft: StrategyDef = {
  name: 'kif-soft',
  title: 'KIF, soft fusion',
  description:
    'The same importance tracking as kif-hard, but the fusion after each task k ≥ 1 is KIF\'s adaptive rule: every unit ' +
    'becomes c_prev·old + c_cur·new with c_prev = e^{Â/τ} / (e^{Â/τ} + e^{Ŝ/τ}) from the normalised accumulated (Â) and ' +
    'current (Ŝ) scores, so a unit leans smoothly toward whichever side found it more important; no thresholds. The ' +
    'paper pairs it with LoRA rank units; here it fuses the full model\'s units from the spec.',
  knobs: { ...softRuleKnobs, ...importanceKnobs },
  problems: kifProblems,
  tracksImportance: true,
  create: (env, knobs) => createKif(env, knobs, { rule: 'soft' }),
};
