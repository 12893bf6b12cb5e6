// LoRA adapter options and their defaults, apart from the adapter's tensor code so strategy knobs (and the page that
// draws them) need no TF.js.
import type { ParamSpec } from './paramSpec';

/** Named sets of target module kinds (ParamSpec.kind); 'q,v' is the paper's (and PEFT's T5) choice. */
export const loraTargetSets: Readonly<Record<string, readonly ParamSpec['kind'][]>> = {
  'q,v': ['q', 'v'],
  'q,k,v,o': ['q', 'k', 'v', 'o'],
  'q,k,v,o,ffn': ['q', 'k', 'v', 'o', 'wi', 'wi_0', 'wi_1', 'wo'],
};

export interface LoraOptions {
  rank: number;
  alpha: number;
  /** A key of loraTargetSets. */
  targets: string;
  /** Seeds lora_A's Kaiming-uniform draw (lora_B starts at zero, so a fresh adapter leaves the model unchanged). */
  seed: number;
}

/** KIF.md §4: r = 8, α = 16 on q and v. */
export const loraDefaults: Omit<LoraOptions, 'seed'> = { rank: 8, alpha: 16, targets: 'q,v' };
