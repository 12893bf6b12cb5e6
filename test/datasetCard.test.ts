// The dataset card (hand-checked on a small example, and against independent counts on a Long Sequence slice) and
// scoring against several acceptable outputs (the best counts), in the scorer and in generation-based evaluation.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { datasetCard, percentile, provenanceOf } from '../src/engine/data/datasetCard';
import { importDataset } from '../src/engine/data/importDataset';
import { bestScore, textScorers } from '../src/engine/metrics/text';
import { createByteTokenizer } from '../src/engine/tokenizers/byteTokenizer';
import { evaluate } from '../src/engine/train/evaluate';
import { makeModel, tinyConfig, useBackend } from './helpers/tf';
import { hasShared, sharedPath } from './shared';

const tok = createByteTokenizer();

describe('dataset card', () => {
  it('nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4], 0.9)).toBe(4);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBe(0);
  });

  it('computes every figure of a small hand-checked example', () => {
    const train = [
      { input: 'ab', output: 'x' },
      { input: 'abcd', output: 'x' },
      { input: 'a', output: 'y' },
    ];
    const test = [
      { input: 'abc', output: 'y' },
      { input: 'abcdefgh', output: 'x' },
      { input: 'q', output: 'z', accepted: ['z', 'y'] },
    ];
    const report = importDataset('[{"input":"a","output":"b"},{"input":"c","output":""}]').report;
    const card = datasetCard({ train, test, provenance: provenanceOf('toy.json', report) }, tok, {
      maxInputLen: 4,
      maxOutputLen: 1,
    });
    // Byte tokens are UTF-8 bytes + the end token: inputs 3 5 2 | 4 9 2, outputs all 2.
    expect(card).toEqual({
      provenance: { source: 'toy.json', records: 2, skipped: 1, skippedWhy: '1 with an empty field' },
      train: 3,
      test: 3,
      distinctOutputs: 3,
      labels: [
        { output: 'x', count: 3 },
        { output: 'y', count: 2 },
        { output: 'z', count: 1 },
      ],
      // "y" is right on the first test example and accepted on the third: 2 of 3; "x" only on the second.
      constant: { answer: 'y', score: 200 / 3 },
      scorer: 'exact-match',
      tokenizer: 'byte',
      inputTokens: { p50: 3, p90: 9, p99: 9, max: 9 },
      outputTokens: { p50: 2, p90: 2, p99: 2, max: 2 },
      caps: { maxInputLen: 4, maxOutputLen: 1 },
      truncatedInputs: 2,
      truncatedOutputs: 6,
    });
  });

  it.skipIf(!hasShared)('agrees with independent counts on the SST-2 slice', () => {
    const read = (split: 'train' | 'test') =>
      importDataset(readFileSync(sharedPath('data', 'long-sequence', `sst-2.${split}.json`), 'utf8'), {
        fileName: `sst-2.${split}.json`,
      }).examples;
    const [train, test] = [read('train'), read('test')];
    const card = datasetCard({ train, test }, tok, { maxInputLen: 128, maxOutputLen: 8 });
    const trainBad = train.filter((e) => e.output === 'Bad').length;
    const majority = trainBad * 2 > train.length ? 'Bad' : 'Good';
    const share = (100 * test.filter((e) => e.output === majority).length) / test.length;
    const other = 100 - share;
    expect(card.constant).toEqual(
      share >= other
        ? { answer: majority, score: share }
        : { answer: majority === 'Bad' ? 'Good' : 'Bad', score: other },
    );
    expect(card.labels.map((l) => l.count).reduce((a, b) => a + b)).toBe(1500);
    const bytes = [...train, ...test].map((e) => Buffer.byteLength(e.input) + 1).sort((a, b) => a - b);
    expect(card.inputTokens.max).toBe(bytes[1499]);
    expect(card.inputTokens.p50).toBe(bytes[749]);
    expect(card.truncatedInputs).toBe(bytes.filter((n) => n > 128).length);
    expect(card.truncatedInputs).toBeGreaterThan(0);
  });
});

describe('several acceptable outputs', () => {
  it('exact match counts any of them, ROUGE-L takes the best', () => {
    const ex = { output: 'the cat sat', accepted: ['the cat sat', 'a dog ran home'] };
    expect(bestScore(textScorers['exact-match'].score, 'a dog ran home', ex)).toBe(1);
    expect(bestScore(textScorers['exact-match'].score, 'a dog', ex)).toBe(0);
    // ROUGE-L of "a dog ran" vs "the cat sat" is 0, vs "a dog ran home" 2·1·0.75/1.75.
    expect(bestScore(textScorers['rouge-l'].score, 'a dog ran', ex)).toBeCloseTo(6 / 7, 12);
    expect(bestScore(textScorers['rouge-l'].score, 'a dog ran', { output: 'the cat sat' })).toBe(0);
  });

  beforeAll(() => useBackend('cpu'));

  it('evaluation scores a prediction that matches the second acceptable output as correct', async () => {
    const model = makeModel(tinyConfig({ vocabSize: tok.vocabSize }), 4);
    const opts = { batchSize: 4, maxInputLen: 16, maxOutputLen: 6, score: textScorers['exact-match'].score };
    const examples = [
      { input: 'abc', output: '\u0000never' },
      { input: 'xyz', output: '\u0000never' },
    ];
    const first = await evaluate(model, tok, examples, opts);
    expect(first.score).toBe(0);
    const withAlternatives = examples.map((e, i) => ({ ...e, accepted: [e.output, first.predictions[i].output] }));
    const second = await evaluate(model, tok, withAlternatives, opts);
    expect(second.score).toBe(100);
    expect(second.predictions.map((p) => p.expected)).toEqual(['\u0000never', '\u0000never']);
    model.dispose();
  });
});
