// Pretraining of a base model on the mixture (mixture.ts): seeded by step, so a run stopped at step s and resumed from
// its state (weights, AdamW moments, step) takes exactly the steps an uninterrupted run would.
import type { T5Config } from '../model/config';
import { initWeights, type HostTensors } from '../model/init';
import { T5Model } from '../model/t5';
import type { Tokenizer } from '../tokenizers/tokenizer';
import type { AdamWState } from '../train/adamw';
import { disposeBatch, packBatch, type BatchShape } from '../train/batching';
import { evaluate } from '../train/evaluate';
import { Trainer } from '../train/trainer';
import { makeTaskData } from '../tasks/makeTaskData';
import { getTask } from '../tasks/registry';
import { textScorer } from '../metrics/text';
import { deriveSeed, makeRng } from '../util/rng';
import { drawRow, type MixtureOptions } from './mixture';

export interface PretrainSettings {
  steps: number;
  seed: number;
  batchSize: number;
  lr: number;
  warmupSteps: number;
  weightDecay: number;
  clipNorm: number;
  /** Fixed batch lengths: rows are cut to them (the mixture's rows fit 24 / 16 at maxLen 7). */
  inLen: number;
  outLen: number;
  mixture: MixtureOptions;
}

export interface PretrainState {
  /** Steps taken so far. */
  step: number;
  weights: HostTensors;
  optimizer: AdamWState | null;
  /** Mean loss of each logged window: [step, loss]. */
  losses: [number, number][];
  seconds: number;
}

export interface PretrainHooks {
  /** After every `every` steps (and the last): progress and the state to save. */
  onCheckpoint?(state: PretrainState): void | Promise<void>;
  checkpointEvery?: number;
  onProgress?(step: number, loss: number): void;
  /** Steps per logged loss point. */
  logEvery?: number;
  shouldStop?(): boolean;
}

/** The batch of step i: a pure function of (seed, i), which is what makes resuming exact. */
export function pretrainBatch(tok: Tokenizer, s: PretrainSettings, step: number) {
  const rng = makeRng(deriveSeed(s.seed, `pretrain/${step}`));
  const shape: BatchShape = { batchSize: s.batchSize, inLen: s.inLen, outLen: s.outLen };
  const rows = Array.from({ length: s.batchSize }, () => drawRow(rng, tok, s.mixture));
  return packBatch(rows, shape);
}

export async function pretrain(
  config: T5Config,
  tok: Tokenizer,
  s: PretrainSettings,
  hooks: PretrainHooks = {},
  from?: PretrainState,
): Promise<PretrainState> {
  const t0 = performance.now();
  const model = new T5Model(config, from?.weights ?? initWeights(config, s.seed));
  const trainer = new Trainer(model, {
    steps: s.steps,
    lr: s.lr,
    warmupSteps: s.warmupSteps,
    weightDecay: s.weightDecay,
    batchSize: s.batchSize,
    clipNorm: s.clipNorm,
    seed: s.seed,
  });
  if (from?.optimizer) trainer.optimizer.importState(from.optimizer, model.params);
  const logEvery = hooks.logEvery ?? 50;
  const every = hooks.checkpointEvery ?? 500;
  const losses: [number, number][] = [...(from?.losses ?? [])];
  let step = from?.step ?? 0;
  let window = 0;
  let windowN = 0;
  const state = async (): Promise<PretrainState> => ({
    step,
    weights: await model.exportWeights(),
    optimizer: trainer.optimizer.exportState(),
    losses: [...losses],
    seconds: (from?.seconds ?? 0) + (performance.now() - t0) / 1000,
  });
  try {
    while (step < s.steps && !hooks.shouldStop?.()) {
      const batch = pretrainBatch(tok, s, step);
      let loss: number;
      try {
        loss = (await trainer.step(batch, step, s.steps)).loss;
      } finally {
        disposeBatch(batch);
      }
      step++;
      window += loss;
      windowN++;
      if (step % logEvery === 0 || step === s.steps) {
        losses.push([step, window / windowN]);
        hooks.onProgress?.(step, window / windowN);
        window = windowN = 0;
      }
      if (step % every === 0 || step === s.steps) await hooks.onCheckpoint?.(await state());
    }
    return await state();
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/** Exact match (percent) of a base on held-out examples of each mixture task, for its model card. */
export async function skillScores(
  config: T5Config,
  weights: HostTensors,
  tok: Tokenizer,
  s: PretrainSettings,
  perTask = 100,
): Promise<Record<string, number>> {
  const model = new T5Model(config, weights);
  const out: Record<string, number> = {};
  try {
    for (const name of s.mixture.tasks) {
      // A seed the pretraining stream never draws from: these examples are held out (up to chance collisions).
      const data = makeTaskData(name, {
        seed: deriveSeed(s.seed, 'pretrain/held-out'),
        trainSize: 0,
        testSize: perTask,
        maxLen: s.mixture.maxLen,
      });
      const r = await evaluate(model, tok, data.test, {
        batchSize: 64,
        maxInputLen: s.inLen,
        maxOutputLen: s.outLen,
        score: textScorer('exact-match').score,
      });
      out[getTask(name).name] = Math.round(r.score * 10) / 10;
    }
  } finally {
    model.dispose();
  }
  return out;
}
