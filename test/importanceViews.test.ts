import { describe, expect, it } from 'vitest';
import { importanceView, normaliseWithinKind, ranks, taskSpecific } from '../src/engine/kif/importanceViews';
import { unitKindOf, unitWords } from '../src/engine/kif/unitKindRegistry';
import { unitInfoFromName } from '../src/engine/kif/unitNames';

const describeUnit = (name: string) => {
  const info = unitInfoFromName(name);
  return { kind: unitKindOf(info), words: unitWords(info) };
};
const kindOf = (name: string) => describeUnit(name).kind;

const h0 = 'encoder.block.0.layer.0.SelfAttention#head0';
const h1 = 'encoder.block.0.layer.0.SelfAttention#head1';
const ln = 'encoder.block.0.layer.0.layer_norm.weight';
const fln = 'encoder.final_layer_norm.weight';
const ffn = 'encoder.block.0.layer.1.DenseReluDense#neurons0-15';
const emb = 'shared.weight';

// Task A: heads 2 and 6 (kind mean 4), norms 100 and 300 (mean 200), one FFN block 1, the embedding 50.
const taskA = { [h0]: 2, [h1]: 6, [ln]: 100, [fln]: 300, [ffn]: 1, [emb]: 50 };
// Task B: heads 9 and 3 (mean 6), norms 200 and 200 (mean 200), the FFN block 4, the embedding 10.
const taskB = { [h0]: 9, [h1]: 3, [ln]: 200, [fln]: 200, [ffn]: 4, [emb]: 10 };
// Task C: heads 1 and 1, norms 0 and 0 (a kind with mean 0 maps to 0), FFN 7, embedding 3.
const taskC = { [h0]: 1, [h1]: 1, [ln]: 0, [fln]: 0, [ffn]: 7, [emb]: 3 };

describe('importance views', () => {
  it('names units in words and by kind', () => {
    expect(describeUnit(h1)).toEqual({ kind: 'attention', words: 'encoder layer 0, self-attention head 1' });
    expect(describeUnit(ffn)).toEqual({ kind: 'ffn', words: 'encoder layer 0, FFN neurons 0–15' });
    expect(describeUnit(ln)).toEqual({ kind: 'norm', words: 'encoder layer 0, layer norm before self-attention' });
    expect(describeUnit('decoder.block.1.layer.2.layer_norm.weight').words).toBe(
      'decoder layer 1, layer norm before the FFN',
    );
    expect(describeUnit('decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight').kind).toBe(
      'relative-bias',
    );
    expect(describeUnit(emb).kind).toBe('embedding');
    expect(describeUnit('something.else').kind).toBe('other');
  });

  it('normalises each unit by the mean of its kind', () => {
    // By hand: 2/4, 6/4, 100/200, 300/200, 1/1, 50/50.
    expect(normaliseWithinKind(taskA, kindOf)).toEqual({
      [h0]: 0.5,
      [h1]: 1.5,
      [ln]: 0.5,
      [fln]: 1.5,
      [ffn]: 1,
      [emb]: 1,
    });
    expect(normaliseWithinKind(taskC, kindOf)[ln]).toBe(0);
  });

  it('ranks by value, 1 the largest, ties sharing the best rank', () => {
    expect(ranks({ a: 0.5, b: 1.5, c: 0.5, d: 1.5, e: 1, f: 1 })).toEqual({ b: 1, d: 1, e: 3, f: 3, a: 5, c: 5 });
  });

  it("task-specific: this task's normalised score minus the mean of the other tasks'", () => {
    // Normalised B: heads 1.5, 0.5; norms 1, 1; FFN 1; emb 1. Normalised C: heads 1, 1; norms 0, 0; FFN 1; emb 1.
    // For A against B and C: h0 0.5 − (1.5 + 1)/2 = −0.75; h1 1.5 − (0.5 + 1)/2 = 0.75; ln 0.5 − (1 + 0)/2 = 0;
    // fln 1.5 − 0.5 = 1; FFN 1 − 1 = 0; emb 0.
    const a = taskSpecific([taskA, taskB, taskC], 0, kindOf)!;
    const expected = { [h0]: -0.75, [h1]: 0.75, [ln]: 0, [fln]: 1, [ffn]: 0, [emb]: 0 };
    for (const [u, v] of Object.entries(expected)) expect(a[u], u).toBeCloseTo(v, 12);
    expect(taskSpecific([taskA], 0, kindOf)).toBeNull();
  });

  it('gives each view its values and the rank by normalised score', () => {
    const ctx = { tasks: [taskA, taskB], task: 1, kindOf };
    const raw = importanceView('raw', taskA, ctx)!;
    expect(raw.values).toBe(taskA);
    expect(raw.rank[fln]).toBe(1);
    expect(raw.rank[ln]).toBe(5);
    expect(importanceView('rank', taskA, ctx)!.values).toEqual(raw.rank);
    // B against A: h0 1.5 − 0.5 = 1, fln 1 − 1.5 = −0.5.
    const spec = importanceView('task-specific', taskB, ctx)!;
    expect([spec.values[h0], spec.values[fln]]).toEqual([1, -0.5]);
    expect(importanceView('task-specific', taskA, { tasks: [taskA], task: 0, kindOf })).toBeNull();
    expect(importanceView('task-specific', taskA, { tasks: [taskA, taskB], task: null, kindOf })).toBeNull();
  });
});
