// The LoRA strategies' adapter knobs, without TF.js (the catalog reads them; loraStrategy.ts builds the adapters).
import { loraDefaults, loraTargetSets } from '../model/loraOptions';
import type { KnobDefs } from './knobs';

export const loraKnobs: KnobDefs = {
  rank: {
    kind: 'int',
    default: loraDefaults.rank,
    min: 1,
    max: 256,
    help: 'LoRA rank r: rows of lora_A, columns of lora_B',
  },
  alpha: {
    kind: 'number',
    default: loraDefaults.alpha,
    min: 0,
    max: 4096,
    aboveMin: true,
    help: 'LoRA α: the adapter adds (α/r)·B·A to each target weight',
  },
  targets: {
    kind: 'choice',
    default: loraDefaults.targets,
    options: Object.keys(loraTargetSets),
    help: 'which projections of every block get an adapter (ffn: wi and wo)',
  },
  lrScale: {
    kind: 'number',
    default: 1,
    min: 0,
    max: 1000,
    aboveMin: true,
    help: "multiplies the spec's learning rate while adapters train (LoRA usually wants a larger one)",
  },
};
