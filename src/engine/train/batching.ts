// Turns text pairs into fixed-shape padded batches. Lengths are rounded up to a few sizes so the backend sees the same
// shapes step after step (the GPU buffer pool stops growing, compiled kernels are reused).
import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../model/t5';
import type { Example } from '../tasks/types';
import type { Tokenizer } from '../tokenizers/tokenizer';

export type { Example };

export interface Encoded {
  input: number[];
  output: number[];
}

const SHAPES = [8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512];

/** The smallest fixed length that holds n tokens (capped at max). */
export function paddedLength(n: number, max: number): number {
  const s = SHAPES.find((x) => x >= n) ?? n;
  return Math.min(s, max);
}

export function encodeExamples(tok: Tokenizer, examples: Example[], maxIn: number, maxOut: number): Encoded[] {
  return examples.map((e) => ({
    input: clip(tok.encode(e.input), maxIn, tok.eosId),
    output: clip(tok.encode(e.output), maxOut, tok.eosId),
  }));
}

/** Truncates to max tokens, keeping eos last. */
function clip(ids: number[], max: number, eos: number): number[] {
  return ids.length <= max ? ids : [...ids.slice(0, max - 1), eos];
}

export interface BatchShape {
  batchSize: number;
  inLen: number;
  outLen: number;
}

export function shapeFor(data: Encoded[], batchSize: number, maxIn: number, maxOut: number): BatchShape {
  const inLen = paddedLength(Math.max(1, ...data.map((d) => d.input.length)), maxIn);
  const outLen = paddedLength(Math.max(1, ...data.map((d) => d.output.length)), maxOut);
  return { batchSize, inLen, outLen };
}

/** Host-side arrays of one batch; rows beyond the examples are padding with an all-zero label mask. */
export function packBatch(rows: Encoded[], shape: BatchShape, pad = 0): Batch {
  const { batchSize: b, inLen, outLen } = shape;
  const ids = new Int32Array(b * inLen).fill(pad);
  const mask = new Float32Array(b * inLen);
  const dec = new Int32Array(b * outLen).fill(pad);
  const labels = new Int32Array(b * outLen).fill(pad);
  const lmask = new Float32Array(b * outLen);
  rows.forEach((r, i) => {
    r.input.slice(0, inLen).forEach((t, j) => {
      ids[i * inLen + j] = t;
      mask[i * inLen + j] = 1;
    });
    r.output.slice(0, outLen).forEach((t, j) => {
      labels[i * outLen + j] = t;
      lmask[i * outLen + j] = 1;
      if (j + 1 < outLen) dec[i * outLen + j + 1] = t; // shift right; position 0 keeps pad as the start token
    });
  });
  // A padding row with no tokens would attend to nothing: give it one visible position.
  for (let i = rows.length; i < b; i++) mask[i * inLen] = 1;
  return {
    inputIds: tf.tensor2d(ids, [b, inLen], 'int32'),
    inputMask: tf.tensor2d(mask, [b, inLen], 'float32'),
    decoderInputIds: tf.tensor2d(dec, [b, outLen], 'int32'),
    labels: tf.tensor2d(labels, [b, outLen], 'int32'),
    labelMask: tf.tensor2d(lmask, [b, outLen], 'float32'),
  };
}

export const disposeBatch = (b: Batch) =>
  tf.dispose([b.inputIds, b.inputMask, b.decoderInputIds, b.labels, b.labelMask]);
