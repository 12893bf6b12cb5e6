// What the LoRA strategies (seqlora, kif-lora, olora) share (their knobs are in loraKnobs.ts): a seeded adapter per task, the
// trainer settings (only adapter parameters train, optionally at a larger learning rate).
import { LoraAdapter } from '../model/lora';
import type { TrainingSpec } from '../spec/experiment';
import type { TrainHooks, TrainSettings } from '../train/trainer';
import { num, str, type Knobs } from './knobs';
import type { StrategyEnv } from './types';

/** The label of the seeded stream an adapter's initial lora_A is drawn from: the same for every LoRA strategy of a run. */
export const adapterSeedLabel = (k: number) => `lora/${k}`;

/** A fresh adapter on the model for task k, with the knobs' rank, α and targets. */
export function newAdapter(env: StrategyEnv, knobs: Knobs, k: number): LoraAdapter {
  const seed = Math.floor(env.rng(adapterSeedLabel(k))() * 2 ** 32);
  return new LoraAdapter(env.model, {
    rank: num(knobs, 'rank'),
    alpha: num(knobs, 'alpha'),
    targets: str(knobs, 'targets'),
    seed,
  });
}

/** The trainer hook that freezes everything but the adapter. */
export function adapterOnly(adapter: LoraAdapter): Required<Pick<TrainHooks, 'trainable'>> {
  const names = new Set(adapter.paramNames());
  return { trainable: (name) => names.has(name) };
}

export const loraTrainSettings = (knobs: Knobs, training: TrainingSpec): Partial<TrainSettings> => ({
  lr: training.lr * num(knobs, 'lrScale'),
});
