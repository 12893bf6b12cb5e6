import { seqftInfo } from './catalog';
import type { StrategyDef } from './types';

export const seqft: StrategyDef = {
  ...seqftInfo,
  firstTaskAsSeqft: true,
  create: () => ({ dispose() {} }),
};
