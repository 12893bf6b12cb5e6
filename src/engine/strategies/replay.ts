import { replayInfo } from './catalog';
import type { BatchSampler, StrategyDef } from './types';
import { memoryBefore } from './memory';
import { num } from './knobs';

export const replay: StrategyDef = {
  ...replayInfo,
  firstTaskAsSeqft: true,
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
