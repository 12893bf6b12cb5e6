// Generation-based evaluation: greedy decode (with the cache) in fixed-shape batches, score each prediction.
import type { T5Model } from '../model/t5';
import { greedyDecode } from '../model/greedy';
import { bestScore } from '../metrics/text';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { disposeBatch, encodeExamples, packBatch, shapeFor, type Example } from './batching';

export interface Prediction {
  input: string;
  expected: string;
  output: string;
  score: number;
}

export interface EvalOptions {
  batchSize: number;
  maxInputLen: number;
  maxOutputLen: number;
  score: (prediction: string, expected: string) => number; // 0..1
}

/** Mean score in percent, and every prediction. */
export async function evaluate(
  model: T5Model,
  tok: Tokenizer,
  examples: Example[],
  opts: EvalOptions,
): Promise<{ score: number; predictions: Prediction[] }> {
  const enc = encodeExamples(tok, examples, opts.maxInputLen, opts.maxOutputLen);
  const shape = shapeFor(enc, opts.batchSize, opts.maxInputLen, opts.maxOutputLen);
  const predictions: Prediction[] = [];
  for (let i = 0; i < enc.length; i += opts.batchSize) {
    const rows = enc.slice(i, i + opts.batchSize);
    const batch = packBatch(rows, shape);
    try {
      const ids = await greedyDecode(model, batch.inputIds, batch.inputMask, {
        maxLen: shape.outLen,
        eosId: tok.eosId,
      });
      rows.forEach((_, r) => {
        const ex = examples[i + r];
        const output = tok.decode(ids[r]);
        predictions.push({ input: ex.input, expected: ex.output, output, score: bestScore(opts.score, output, ex) });
      });
    } finally {
      disposeBatch(batch);
    }
  }
  const score = predictions.length ? (100 * predictions.reduce((a, p) => a + p.score, 0)) / predictions.length : 0;
  return { score, predictions };
}
