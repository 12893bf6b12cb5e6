import { num } from './knobs';
import { createKif, hardRuleKnobs, importanceKnobs, kifProblems } from './kif';
import type { StrategyDef } from './types';

export const kifReplay: StrategyDef = {
  name: 'kif-replay',
  title: 'KIF with memory replay',
  description:
    'kif-hard followed, after each fusion, by a short training phase on a memory of M examples from every earlier task ' +
    '(KIF.md §4), during which the units specific to the current task (important now, not before: the "taken" case) ' +
    'are frozen, so rehearsal repairs the earlier tasks without undoing what the new task put in its own units. The ' +
    'phase runs without weight decay from fresh optimizer moments, so frozen units stay exactly as fusion left them.',
  knobs: {
    ...hardRuleKnobs,
    ...importanceKnobs,
    memory: { kind: 'int', default: 20, min: 1, max: 100_000, help: 'examples kept per earlier task (M)' },
    replaySteps: { kind: 'int', default: 20, min: 1, max: 100_000, help: 'optimizer steps on the memory after each fusion' },
  },
  problems: kifProblems,
  tracksImportance: true,
  create: (env, knobs) => createKif(env, knobs, { rule: 'hard', replay: { memory: (k) => num(k, 'memory'), steps: (k) => num(k, 'replaySteps') } }),
};
