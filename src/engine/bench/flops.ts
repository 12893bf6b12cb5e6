// Analytic floating-point operation counts of a T5 training step (2 per multiply-add; backward = 2x forward).
import type { T5Config } from '../model/config';

export function forwardFlops(c: T5Config, batch: number, inLen: number, outLen: number): number {
  const inner = c.numHeads * c.dKv;
  const ffnMats = c.ffn === 'relu' ? 2 : 3;
  const projections = 4 * c.dModel * inner; // q, k, v, o per token
  const ffn = ffnMats * c.dModel * c.dFf;
  const enc = c.numLayers * inLen * (projections + ffn + 2 * inLen * inner);
  const selfAttn = projections + 2 * outLen * inner;
  const cross = 2 * c.dModel * inner + 2 * inLen * inner; // q, o on decoder tokens; scores and context
  const crossKv = 2 * c.dModel * inner * inLen; // k, v over encoder tokens, per decoder block
  const dec = c.numDecoderLayers * (outLen * (selfAttn + cross + ffn) + crossKv);
  const head = outLen * c.dModel * c.vocabSize;
  return 2 * batch * (enc + dec + head);
}

export const trainStepFlops = (c: T5Config, batch: number, inLen: number, outLen: number) =>
  3 * forwardFlops(c, batch, inLen, outLen);
