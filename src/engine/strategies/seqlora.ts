import type { LoraAdapter } from '../model/lora';
import { seqloraInfo } from './catalog';
import { adapterOnly, loraTrainSettings, newAdapter } from './loraStrategy';
import type { StrategyDef } from './types';

export const seqlora: StrategyDef = {
  ...seqloraInfo,
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
