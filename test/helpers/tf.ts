// Test helpers for tfjs: switch backends, build tiny models and batches.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { T5Config } from '../../src/engine/model/config';
import { installWasmKernels } from '../../src/engine/backend/wasmKernels/install';
import { initWeights } from '../../src/engine/model/init';
import { T5Model, type Batch } from '../../src/engine/model/t5';
import { packBatch } from '../../src/engine/train/batching';
import { makeRng, randInt } from '../../src/engine/util/rng';

/** Switches to cpu or wasm; wasm with the engine's own kernels installed, as the app and the CLI run it. */
export async function useBackend(name: 'cpu' | 'wasm') {
  if (name === 'wasm') {
    await installWasmKernels();
  }
  await tf.setBackend(name);
  await tf.ready();
}

export const tinyConfig = (over: Partial<T5Config> = {}): T5Config => ({
  vocabSize: 13,
  dModel: 8,
  dKv: 4,
  numHeads: 2,
  dFf: 12,
  numLayers: 1,
  numDecoderLayers: 1,
  ffn: 'relu',
  tieEmbeddings: true,
  relBuckets: 8,
  relMaxDistance: 16,
  layerNormEps: 1e-6,
  dropout: 0,
  ...over,
});

export const makeModel = (c: T5Config, seed = 1) => new T5Model(c, initWeights(c, seed));

/** A random batch with padding in inputs and labels. */
export function randomBatch(c: T5Config, b: number, inLen: number, outLen: number, seed = 3): Batch {
  const rng = makeRng(seed);
  const rows = Array.from({ length: b }, (_, i) => ({
    input: Array.from({ length: Math.max(1, inLen - i) }, () => randInt(rng, 2, c.vocabSize - 1)),
    output: Array.from({ length: Math.max(1, outLen - (i % 3)) }, () => randInt(rng, 2, c.vocabSize - 1)),
  }));
  return packBatch(rows, { batchSize: b, inLen, outLen });
}
