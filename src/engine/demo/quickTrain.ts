// "Train a tiny model": one built-in task from scratch on a preset, with periodic greedy evaluation. Used by the app's
// first button and by `npm run cli -- train`.
import { presetConfig } from '../model/config';
import { initWeights } from '../model/init';
import { T5Model } from '../model/t5';
import { makeTaskData } from '../tasks/makeTaskData';
import { createByteTokenizer } from '../tokenizers/byteTokenizer';
import { encodeExamples, shapeFor } from '../train/batching';
import { evaluate } from '../train/evaluate';
import { Trainer } from '../train/trainer';

export interface QuickTrainOptions {
  preset: string;
  task: string;
  steps: number;
  seed: number;
  evalEvery: number;
  batchSize?: number;
  lr?: number;
  /** Longest string of the task (reversal is tested on strings up to 8 letters). */
  maxLen?: number;
  trainSize?: number;
  testSize?: number;
  warmupSteps?: number;
  weightDecay?: number;
  clipNorm?: number;
}
export interface QuickTrainEval {
  step: number;
  loss: number;
  exactMatch: number;
  samples: { input: string; expected: string; output: string }[];
}

const exact = (p: string, e: string) => (p.trim() === e.trim() ? 1 : 0);

export async function runQuickTrain(
  opts: QuickTrainOptions,
  hooks: {
    onStep?(step: number, loss: number): void;
    onEval?(ev: QuickTrainEval): void;
    shouldStop?(): boolean;
    isPaused?(): Promise<void>;
  },
): Promise<QuickTrainEval> {
  const config = presetConfig(opts.preset);
  const tok = createByteTokenizer();
  if (config.vocabSize !== tok.vocabSize) config.vocabSize = tok.vocabSize;
  const data = makeTaskData(opts.task, {
    seed: opts.seed,
    trainSize: opts.trainSize ?? 20000,
    testSize: opts.testSize ?? 200,
    maxLen: opts.maxLen ?? 8,
  });
  const maxIn = 64;
  const maxOut = 32;
  const train = encodeExamples(tok, data.train, maxIn, maxOut);
  const batchSize = opts.batchSize ?? 64;
  const shape = shapeFor(train, batchSize, maxIn, maxOut);
  const model = new T5Model(config, initWeights(config, opts.seed));
  const trainer = new Trainer(model, {
    steps: opts.steps,
    lr: opts.lr ?? 5e-3,
    warmupSteps: opts.warmupSteps ?? Math.min(100, Math.floor(opts.steps / 10)),
    weightDecay: opts.weightDecay ?? 0.01,
    batchSize,
    clipNorm: opts.clipNorm ?? 1,
    seed: opts.seed,
  });
  let lastLoss = NaN;
  let last: QuickTrainEval = { step: 0, loss: NaN, exactMatch: 0, samples: [] };
  const runEval = async (step: number) => {
    const r = await evaluate(model, tok, data.test, {
      batchSize: 64,
      maxInputLen: maxIn,
      maxOutputLen: maxOut,
      score: exact,
    });
    last = { step, loss: lastLoss, exactMatch: r.score, samples: r.predictions.slice(0, 5) };
    hooks.onEval?.(last);
  };
  try {
    await trainer.train(train, shape, {
      shouldStop: hooks.shouldStop,
      onStep: async ({ step, loss }) => {
        lastLoss = loss;
        hooks.onStep?.(step + 1, loss);
        if ((step + 1) % opts.evalEvery === 0 && step + 1 < opts.steps) await runEval(step + 1);
        await hooks.isPaused?.();
      },
    });
    await runEval(trainer.optimizer.stepCount);
    return last;
  } finally {
    trainer.dispose();
    model.dispose();
  }
}
