import { kifHardInfo } from './catalog';
import { createKif } from './kif';
import type { StrategyDef } from './types';

export const kifHard: StrategyDef = {
  ...kifHardInfo,
  create: (env, knobs) => createKif(env, knobs, { rule: 'hard' }),
};
