import type { StrategyDef } from './types';

export const mtl: StrategyDef = {
  name: 'mtl',
  title: 'Multi-task learning (joint training)',
  description:
    'At task k trains on the union of the train sets of tasks 0..k, batches drawn uniformly from all of them. It breaks ' +
    'the continual-learning rule that old data is gone, which is why it is the upper bound: the accuracy a strategy ' +
    'could reach if it remembered everything. Each task still gets its own number of steps, now shared by all tasks so far.',
  knobs: {},
  create: (env) => ({
    sampler: (k) => env.sampler(env.encoded.slice(0, k + 1).flat(), `batches/${k}`),
    dispose() {},
  }),
};
