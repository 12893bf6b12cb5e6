import { taskArithmeticInfo } from './mergingCatalog';
import { mergingStrategy } from './taskVectorMerge';

export const taskArithmetic = mergingStrategy(taskArithmeticInfo);
