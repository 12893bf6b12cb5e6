import type { StrategyDef } from './types';

export const seqft: StrategyDef = {
  name: 'seqft',
  title: 'Sequential fine-tuning',
  description:
    'Trains on each task in turn, starting from the weights the previous task left, with nothing to protect earlier ' +
    'tasks. It is the lower bound of the comparison: whatever a later task needs overwrites what an earlier one learned, ' +
    'so its backward transfer shows how much forgetting the other strategies have to prevent.',
  knobs: {},
  create: () => ({ dispose() {} }),
};
