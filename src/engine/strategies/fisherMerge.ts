import { fisherMergeInfo } from './mergingCatalog';
import { mergingStrategy } from './taskVectorMerge';

export const fisherMerge = mergingStrategy(fisherMergeInfo);
