import type { LoraAdapter } from '../model/lora';
import { adapterOnly, loraKnobs, loraTrainSettings, newAdapter } from './loraStrategy';
import type { StrategyDef } from './types';

export const seqlora: StrategyDef = {
  name: 'seqlora',
  title: 'Sequential LoRA',
  description:
    'Before each task attaches a fresh LoRA adapter (lora_A random, lora_B zero, scaling α/r) to the target projections ' +
    'of the current model and trains only the adapter, the base weights frozen; after the task merges it into the base ' +
    '(W += (α/r)·B·A) and drops it, so the next task starts from the merged model. Nothing protects earlier tasks: it is ' +
    'the lower bound among the LoRA strategies, as sequential fine-tuning is for the full model, with far fewer trained ' +
    'weights per task.',
  family: 'lora',
  knobs: loraKnobs,
  create(env, knobs) {
    let adapter: LoraAdapter | null = null;
    return {
      beforeTask(k) {
        adapter = newAdapter(env, knobs, k);
      },
      hooks: () => adapterOnly(adapter!),
      trainSettings: (_k, training) => loraTrainSettings(knobs, training),
      async afterTask() {
        adapter!.merge();
        adapter!.detach();
        adapter = null;
      },
      dispose() {
        adapter?.detach();
      },
    };
  },
};
