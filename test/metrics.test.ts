import { describe, expect, it } from 'vitest';
import { accuracyMatrixProblems, continualMetrics } from '../src/engine/metrics/continual';
import { lcsLength, rougeLOf, taskScorePercent, textScorer, textScorers } from '../src/engine/metrics/text';

describe('continual metrics from the accuracy matrix (row 0 = untrained model)', () => {
  const R = [
    [10, 20, 5], // untrained: b = (10, 20, 5)
    [80, 30, 15], // after task 0
    [85, 90, 40], // after task 1
    [50, 70, 95], // after task 2
  ];

  it('AP, BWT, FWT (both), forgetting on a hand-made 3-task matrix', () => {
    const m = continualMetrics(R);
    expect(m.tasks).toBe(3);
    expect(m.ap).toBeCloseTo((50 + 70 + 95) / 3, 12);
    expect(m.bwt).toBeCloseTo((50 - 80 + (70 - 90)) / 2, 12); // −25
    expect(m.fwt).toBeCloseTo((30 - 20 + (40 - 5)) / 2, 12); // 22.5
    expect(m.fwtZeroShot).toBeCloseTo((30 + 40) / 2, 12); // 35
    // Forgetting takes the best earlier row (85 after task 1 for task 0), BWT the row right after training (80).
    expect(m.forgetting).toBeCloseTo((85 - 50 + (90 - 70)) / 2, 12); // 27.5
  });

  it('a run in progress: rows so far, columns of untrained tasks ignored', () => {
    const m = continualMetrics(R.slice(0, 3));
    expect(m).toEqual({ tasks: 2, ap: (85 + 90) / 2, bwt: 5, fwt: 10, fwtZeroShot: 30, forgetting: -5 });
  });

  it('T = 1: AP only; the averages over no tasks are null', () => {
    expect(continualMetrics([[10], [70]])).toEqual({
      tasks: 1,
      ap: 70,
      bwt: null,
      fwt: null,
      fwtZeroShot: null,
      forgetting: null,
    });
  });

  it('malformed matrices are named', () => {
    expect(accuracyMatrixProblems([[1, 2]])).toEqual([
      'the accuracy matrix needs the untrained row and at least one task row',
    ]);
    expect(accuracyMatrixProblems([[1, 2], [3]])).toEqual([]);
    expect(accuracyMatrixProblems([[1, 2], [3, 4], [5]])).toEqual([
      'row 2 has 1 scores, needs at least 2 (one per trained task)',
    ]);
    expect(() => continualMetrics([[1], [Number.NaN]])).toThrow(/R\[1\]\[0\] is not a finite number/);
  });
});

describe('text scores', () => {
  it('exact match compares trimmed strings, case-sensitively', () => {
    const em = textScorer('exact-match');
    expect(em.score('  abc\n', 'abc')).toBe(1);
    expect(em.score('ABC', 'abc')).toBe(0);
  });

  it('LCS and ROUGE-L F1 over words', () => {
    expect(lcsLength([...'ABCBDAB'], [...'BDCABA'])).toBe(4);
    const rouge = textScorer('rouge-l');
    // LCS "the cat on the mat" = 5 of 6 words each way.
    expect(rouge.score('the cat sat on the mat', 'the  cat is on the mat ')).toBeCloseTo(5 / 6, 12);
    // LCS 2 words: precision 2/3, recall 2/4 → F1 = 4/7.
    expect(rouge.score('a b x', 'a y b z')).toBeCloseTo(4 / 7, 12);
    expect(rouge.score('abcd', 'abdc')).toBe(0);
    expect(rougeLOf([], [])).toBe(1);
    expect(rouge.score('', 'word')).toBe(0);
  });

  it('character-level ROUGE-L gives partial credit to one-word answers', () => {
    expect(textScorer('rouge-l-char').score('abcd', 'abdc')).toBeCloseTo(0.75, 12);
    expect(textScorer('rouge-l-char').score(' olleh ', 'olleh')).toBe(1);
  });

  it('task score in percent over examples; unknown scorers are named', () => {
    const pairs = [
      { prediction: 'dcba', reference: 'dcba' },
      { prediction: 'dcab', reference: 'dcba' },
    ];
    expect(taskScorePercent('exact-match', pairs)).toBe(50);
    expect(taskScorePercent('rouge-l-char', pairs)).toBeCloseTo((100 * (1 + 0.75)) / 2, 12);
    expect(Object.keys(textScorers)).toEqual(['exact-match', 'rouge-l', 'rouge-l-char']);
    expect(() => textScorer('bleu')).toThrow(/unknown text scorer "bleu"; known: exact-match, rouge-l, rouge-l-char/);
    expect(() => taskScorePercent('exact-match', [])).toThrow(/at least one example/);
  });
});
