// T5's span-corruption objective on token ids (Raffel et al. 2020, §3.1.4), with ByT5's sentinels: ByT5 reuses the
// last byte ids as sentinels instead of adding new tokens (Xue et al. 2022, §3), so sentinel k is id (vocabTop − k).
// Input: the text with each noise span replaced by its sentinel; target: each sentinel followed by its span, then one
// closing sentinel, as T5 writes them.
import { randInt, type Rng } from '../util/rng';

export interface SpanOptions {
  /** Share of tokens masked (T5: 0.15). */
  noiseDensity: number;
  /** Mean length of a masked span (T5: 3). */
  meanSpan: number;
  /** Id of sentinel 0; sentinel k is sentinelTop − k. */
  sentinelTop: number;
  eosId: number;
}

/** ByT5's choice on the byte vocabulary: id 258 (byte 0xFF, which never occurs in UTF-8 text) down. */
export const byteSentinelTop = 258;
export const t5SpanDefaults = { noiseDensity: 0.15, meanSpan: 3 };

/**
 * Masks spans of `ids` (a text's ids, without eos). The number of spans is round(len·density/meanSpan), at least 1;
 * masked lengths are split into that many spans at random, as are the kept lengths (T5's random_spans_noise_mask).
 */
export function spanCorrupt(ids: readonly number[], rng: Rng, o: SpanOptions): { input: number[]; output: number[] } {
  const n = ids.length;
  if (n < 2) throw new Error('span corruption needs at least 2 tokens');
  const noisy = Math.min(n - 1, Math.max(1, Math.round(n * o.noiseDensity)));
  const spans = Math.min(noisy, n - noisy, Math.max(1, Math.round(noisy / o.meanSpan)));
  const noiseLens = splitInto(noisy, spans, rng);
  const keepLens = splitInto(n - noisy, spans, rng);
  const input: number[] = [];
  const output: number[] = [];
  let at = 0;
  for (let s = 0; s < spans; s++) {
    input.push(...ids.slice(at, at + keepLens[s]));
    at += keepLens[s];
    const sentinel = o.sentinelTop - s;
    input.push(sentinel);
    output.push(sentinel, ...ids.slice(at, at + noiseLens[s]));
    at += noiseLens[s];
  }
  input.push(o.eosId);
  output.push(o.sentinelTop - spans, o.eosId);
  return { input, output };
}

/** `total` split into `parts` positive integers, uniformly over compositions. */
function splitInto(total: number, parts: number, rng: Rng): number[] {
  const cuts = new Set<number>();
  while (cuts.size < parts - 1) cuts.add(randInt(rng, 1, total - 1));
  const sorted = [0, ...[...cuts].sort((a, b) => a - b), total];
  return sorted.slice(1).map((c, i) => c - sorted[i]);
}
