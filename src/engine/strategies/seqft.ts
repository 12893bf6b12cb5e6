import { seqftInfo } from './catalog';
import type { StrategyDef } from './types';

export const seqft: StrategyDef = {
  ...seqftInfo,
  create: () => ({ dispose() {} }),
};
