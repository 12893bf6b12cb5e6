import { mtlInfo } from './catalog';
import type { StrategyDef } from './types';

export const mtl: StrategyDef = {
  ...mtlInfo,
  firstTaskAsSeqft: true,
  create: (env) => ({
    sampler: (k) => env.sampler(env.encoded.slice(0, k + 1).flat(), `batches/${k}`),
    dispose() {},
  }),
};
