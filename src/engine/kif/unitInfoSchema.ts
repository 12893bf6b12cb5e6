// The zod shape of a unit's record (unitKindRegistry.ts UnitInfo), so a results document's unit records are checked on
// the way in like every other field.
import { z } from 'zod';
import type { UnitInfo } from './unitKindRegistry';

const stack = z.enum(['encoder', 'decoder']);
const attention = z.enum(['SelfAttention', 'EncDecAttention']);
const count = z.int().min(0);
const inBlock = { stack, layer: count, sublayer: count };

export const unitInfoSchema: z.ZodType<UnitInfo> = z.discriminatedUnion('shape', [
  z.strictObject({ shape: z.literal('projection'), ...inBlock, module: attention, role: z.enum(['q', 'k', 'v', 'o']) }),
  z.strictObject({ shape: z.literal('head'), ...inBlock, module: attention, index: count }),
  z.strictObject({
    shape: z.literal('lora-rank'),
    ...inBlock,
    module: attention,
    role: z.enum(['q', 'k', 'v', 'o']),
    index: count,
  }),
  z.strictObject({ shape: z.literal('relative-bias'), ...inBlock }),
  z.strictObject({ shape: z.literal('ffn-matrix'), ...inBlock, role: z.enum(['wi', 'wo', 'wi_0', 'wi_1']) }),
  z.strictObject({ shape: z.literal('neuron-block'), ...inBlock, first: count, last: count }),
  z.strictObject({ shape: z.literal('layer-norm'), ...inBlock }),
  z.strictObject({ shape: z.literal('final-norm'), stack }),
  z.strictObject({ shape: z.literal('embedding'), which: z.enum(['shared', 'lm_head']) }),
  z.strictObject({ shape: z.literal('other'), name: z.string().max(2000) }),
]);
