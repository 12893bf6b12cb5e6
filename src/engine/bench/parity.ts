// Backend parity: the same tiny model, batch and training step computed on a backend and on the cpu reference, and
// the largest differences. Used by the browser tests (webgpu, webgl, wasm in Chromium) and runnable anywhere.
import * as tf from '@tensorflow/tfjs';
import type { T5Config } from '../model/config';
import { initWeights, type HostTensors } from '../model/init';
import { T5Model } from '../model/t5';
import { Trainer } from '../train/trainer';
import { packBatch, disposeBatch } from '../train/batching';
import { makeRng, randInt } from '../util/rng';

export const parityConfig: T5Config = {
  vocabSize: 64,
  dModel: 32,
  dKv: 8,
  numHeads: 4,
  dFf: 64,
  numLayers: 2,
  numDecoderLayers: 2,
  ffn: 'gated-gelu',
  tieEmbeddings: false,
  relBuckets: 32,
  relMaxDistance: 128,
  layerNormEps: 1e-6,
  dropout: 0,
};

export interface ParityFigures {
  loss: number;
  logits: Float32Array;
  grads: HostTensors;
  lossAfterStep: number;
}

export interface ParityReport {
  backend: string;
  lossDiff: number;
  maxLogitDiff: number;
  /** max |g_backend − g_cpu| / (max |g_cpu| of that tensor), over all parameters */
  maxRelGradDiff: number;
  lossAfterStepDiff: number;
}

/** Forward, gradients and the loss after one AdamW step, on the active backend. */
export async function parityFigures(config: T5Config = parityConfig): Promise<ParityFigures> {
  const model = new T5Model(config, initWeights(config, 11));
  const rng = makeRng(4);
  const rows = Array.from({ length: 4 }, (_, i) => ({
    input: Array.from({ length: 12 - i }, () => randInt(rng, 3, config.vocabSize - 1)),
    output: Array.from({ length: 8 - i }, () => randInt(rng, 3, config.vocabSize - 1)),
  }));
  const batch = packBatch(rows, { batchSize: 4, inLen: 16, outLen: 8 });
  try {
    const logitsT = model.forward(batch);
    const logits = (await logitsT.data()) as Float32Array;
    logitsT.dispose();
    const vars = [...model.params.values()];
    const { value, grads } = tf.variableGrads(() => model.loss(batch), vars);
    const loss = (await value.data())[0];
    const hostGrads: HostTensors = new Map();
    for (const [name, v] of model.params)
      hostGrads.set(name, { shape: [...v.shape], data: (await grads[v.name].data()) as Float32Array });
    tf.dispose([value, ...Object.values(grads)]);
    const trainer = new Trainer(model, {
      steps: 10,
      lr: 1e-3,
      warmupSteps: 0,
      weightDecay: 0.01,
      batchSize: 4,
      clipNorm: 1,
      seed: 0,
    });
    await trainer.step(batch, 0, 10);
    trainer.dispose();
    const after = model.loss(batch);
    const lossAfterStep = (await after.data())[0];
    after.dispose();
    return { loss, logits, grads: hostGrads, lossAfterStep };
  } finally {
    disposeBatch(batch);
    model.dispose();
  }
}

export function compareParity(backend: string, got: ParityFigures, ref: ParityFigures): ParityReport {
  let maxLogitDiff = 0;
  ref.logits.forEach((v, i) => (maxLogitDiff = Math.max(maxLogitDiff, Math.abs(v - got.logits[i]))));
  let maxRelGradDiff = 0;
  for (const [name, r] of ref.grads) {
    const g = (got.grads.get(name) as { data: Float32Array }).data;
    const scale = Math.max(1e-12, ...Array.from(r.data, Math.abs));
    r.data.forEach((v, i) => (maxRelGradDiff = Math.max(maxRelGradDiff, Math.abs(v - g[i]) / scale)));
  }
  return {
    backend,
    lossDiff: Math.abs(got.loss - ref.loss),
    maxLogitDiff,
    maxRelGradDiff,
    lossAfterStepDiff: Math.abs(got.lossAfterStep - ref.lossAfterStep),
  };
}
