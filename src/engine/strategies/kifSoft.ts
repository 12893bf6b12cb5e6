import { kifSoftInfo } from './catalog';
import { createKif } from './kif';
import type { StrategyDef } from './types';

export const kifSoft: StrategyDef = {
  ...kifSoftInfo,
  create: (env, knobs) => createKif(env, knobs, { rule: 'soft' }),
};
