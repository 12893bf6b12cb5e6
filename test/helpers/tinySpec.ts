// A tiny byte-level model and a two-task experiment spec (length, then compare) that runs in seconds: shared by the
// runner, strategy and CLI tests, which differ only in seed, sizes and strategies.
import type { T5Config } from '../../src/engine/model/config';

export const tinyByteConfig: T5Config = {
  vocabSize: 259, dModel: 16, dKv: 8, numHeads: 2, dFf: 32, numLayers: 1, numDecoderLayers: 1, ffn: 'relu',
  tieEmbeddings: true, relBuckets: 8, relMaxDistance: 16, layerNormEps: 1e-6, dropout: 0,
};

export interface TinySpecOptions {
  strategies: unknown[];
  seed: number;
  steps: number;
  trainSize: number;
  testSize: number;
  warmupSteps: number;
}

/** The plain JSON of the spec, before validation. */
export const tinySpecInput = (o: TinySpecOptions) => ({
  version: 1,
  model: { config: tinyByteConfig },
  init: 'scratch',
  seed: o.seed,
  tasks: ['length', 'compare'].map((task) => ({ task, steps: o.steps, trainSize: o.trainSize, testSize: o.testSize })),
  strategies: o.strategies,
  training: { lr: 1e-2, warmupSteps: o.warmupSteps, weightDecay: 0.01, batchSize: 4, clipNorm: 1, maxInputLen: 16, maxOutputLen: 4, evalEvery: 0 },
});
