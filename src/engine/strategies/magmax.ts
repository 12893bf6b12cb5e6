import { magmaxInfo } from './mergingCatalog';
import { mergingStrategy } from './taskVectorMerge';

export const magmax = mergingStrategy(magmaxInfo);
