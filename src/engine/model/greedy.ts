// Batched greedy decoding, with a key/value cache (default) or by repeated full decoder passes (the reference).
import * as tf from '@tensorflow/tfjs';
import type { T5Model } from './t5';

export interface GreedyOptions {
  maxLen: number;
  eosId?: number; // stop once every row has produced it; undefined decodes maxLen tokens
  cache?: boolean;
  /** How often (in tokens) to read back and check for end of sequence; reading back stalls a GPU pipeline. */
  checkEvery?: number;
}

/** Returns generated ids per row, without the start token, cut after eos. */
export async function greedyDecode(
  model: T5Model,
  inputIds: tf.Tensor2D,
  inputMask: tf.Tensor2D,
  opts: GreedyOptions,
): Promise<number[][]> {
  const rows =
    opts.cache === false
      ? await decodeFull(model, inputIds, inputMask, opts)
      : await decodeCached(model, inputIds, inputMask, opts);
  if (opts.eosId === undefined) return rows;
  return rows.map((r) => {
    const e = r.indexOf(opts.eosId as number);
    return e < 0 ? r : r.slice(0, e + 1);
  });
}

const allDone = (ids: Int32Array, b: number, t: number, eos: number) => {
  for (let r = 0; r < b; r++) {
    let done = false;
    for (let j = 0; j <= t && !done; j++) done = ids[r * (t + 1) + j] === eos;
    if (!done) return false;
  }
  return true;
};

async function decodeCached(
  model: T5Model,
  inputIds: tf.Tensor2D,
  inputMask: tf.Tensor2D,
  opts: GreedyOptions,
): Promise<number[][]> {
  const b = inputIds.shape[0];
  const L = model.config.numDecoderLayers;
  const checkEvery = opts.checkEvery ?? 4;
  const enc = tf.tidy(() => {
    const e = model.encode(inputIds, inputMask);
    return { cross: model.crossKeyValues(e), bias: model.crossBias(inputMask) };
  });
  let caches: { k: tf.Tensor4D; v: tf.Tensor4D }[] | undefined;
  const start: tf.Tensor2D = tf.zeros([b, 1], 'int32');
  let token = start;
  const produced: tf.Tensor2D[] = [];
  let result: number[][] = [];
  try {
    for (let t = 0; t < opts.maxLen; t++) {
      const step = tf.tidy(() => {
        const selfBias = model.positionBias('decoder', 1, t + 1, t);
        let h: tf.Tensor = model.embed(token);
        const next: { k: tf.Tensor4D; v: tf.Tensor4D }[] = [];
        for (let i = 0; i < L; i++) {
          const out = model.decoderBlock(i, h, selfBias, enc.cross[i], enc.bias, false, caches?.[i]);
          h = out.h;
          next.push({ k: out.k, v: out.v });
        }
        const ids = tf.reshape(tf.argMax(model.logitsFromHidden(h), 1), [b, 1]).toInt() as tf.Tensor2D;
        return { ids, next };
      });
      caches?.forEach((c) => tf.dispose([c.k, c.v]));
      caches = step.next;
      token = step.ids;
      produced.push(step.ids);
      const last = t === opts.maxLen - 1;
      if (last || (opts.eosId !== undefined && (t + 1) % checkEvery === 0)) {
        const all = tf.concat(produced, 1);
        const data = (await all.data()) as Int32Array;
        all.dispose();
        if (last || allDone(data, b, t, opts.eosId as number)) {
          result = toRows(data, b, t + 1);
          break;
        }
      }
    }
  } finally {
    caches?.forEach((c) => tf.dispose([c.k, c.v]));
    tf.dispose(produced);
    enc.cross.forEach((c) => tf.dispose([c.k, c.v]));
    enc.bias.dispose();
    start.dispose();
  }
  return result;
}

async function decodeFull(
  model: T5Model,
  inputIds: tf.Tensor2D,
  inputMask: tf.Tensor2D,
  opts: GreedyOptions,
): Promise<number[][]> {
  const b = inputIds.shape[0];
  const enc = model.encode(inputIds, inputMask);
  const ids: number[][] = Array.from({ length: b }, () => [0]);
  try {
    for (let t = 0; t < opts.maxLen; t++) {
      const next = tf.tidy(() => {
        const dec = tf.tensor2d(ids.flat(), [b, t + 1], 'int32');
        const logits = tf.reshape(model.decode(dec, enc, inputMask), [b, t + 1, -1]);
        return tf.argMax(tf.squeeze(tf.slice(logits, [0, t, 0], [b, 1, -1]), [1]), 1);
      });
      const data = await next.data();
      next.dispose();
      data.forEach((v, r) => ids[r].push(v));
      if (opts.eosId !== undefined && ids.every((r) => r.includes(opts.eosId as number))) break;
    }
  } finally {
    enc.dispose();
  }
  return ids.map((r) => r.slice(1));
}

function toRows(data: Int32Array, b: number, len: number): number[][] {
  return Array.from({ length: b }, (_, r) => Array.from(data.subarray(r * len, (r + 1) * len)));
}
