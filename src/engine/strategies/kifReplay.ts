import { kifReplayInfo } from './catalog';
import { createKif } from './kif';
import { num } from './knobs';
import type { StrategyDef } from './types';

export const kifReplay: StrategyDef = {
  ...kifReplayInfo,
  create: (env, knobs) =>
    createKif(env, knobs, {
      rule: 'hard',
      replay: { memory: (k) => num(k, 'memory'), steps: (k) => num(k, 'replaySteps') },
    }),
};
