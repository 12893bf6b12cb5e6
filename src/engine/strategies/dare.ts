import { dareInfo } from './mergingCatalog';
import { mergingStrategy } from './taskVectorMerge';

export const dare = mergingStrategy(dareInfo);
