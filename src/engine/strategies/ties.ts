import { tiesInfo } from './mergingCatalog';
import { mergingStrategy } from './taskVectorMerge';

export const ties = mergingStrategy(tiesInfo);
