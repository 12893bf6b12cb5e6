import type { BatchSampler, StrategyDef } from './types';
import { memoryBefore } from './memory';
import { num } from './knobs';

export const replay: StrategyDef = {
  name: 'replay',
  title: 'Experience replay',
  description:
    'Keeps a memory of M training examples from every earlier task and mixes them into each batch of the current task: ' +
    'a fixed share of every batch comes from the memory, the rest from the current task. The classic rehearsal ' +
    'baseline; it needs stored old data, which KIF avoids.',
  knobs: {
    memory: { kind: 'int', default: 50, min: 1, max: 100_000, help: 'examples kept per earlier task (M)' },
    mix: { kind: 'number', default: 0.25, min: 0, max: 1, aboveMin: true, help: 'share of each batch drawn from the memory' },
  },
  create(env, knobs) {
    return {
      sampler(k): BatchSampler {
        // At least one row from each side, so a small batch still mixes (a batch of one cannot).
        const fromMemory = Math.min(env.batchSize - 1, Math.max(1, Math.round(num(knobs, 'mix') * env.batchSize)));
        if (k === 0 || fromMemory < 1) return env.sampler(env.encoded[k], `batches/${k}`);
        const ownRows = env.sampler(env.encoded[k], `batches/${k}`, env.batchSize - fromMemory);
        const memRows = env.sampler(memoryBefore(env, k, num(knobs, 'memory')), `replay/${k}`, fromMemory);
        return () => [...ownRows(), ...memRows()];
      },
      dispose() {},
    };
  },
};
