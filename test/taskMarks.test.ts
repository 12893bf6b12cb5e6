import { describe, expect, it } from 'vitest';
import { chartMarks, startsFromSteps } from '../src/app/charts/taskMarks';

describe('loss chart marks', () => {
  it('starts tasks where the earlier ones end', () => {
    expect(startsFromSteps([30, 160, 10])).toEqual([0, 30, 190]);
  });

  it('marks task starts, and fusions at the end of their task', () => {
    // Three tasks of 30, 160, 10 steps; fusions after task 2 (index 1) and after the last one.
    expect(chartMarks([0, 30, 190], [1, 2], 200)).toEqual([
      { x: 30, label: 'task 2', fusion: false },
      { x: 190, label: 'fusion · task 3', fusion: true },
      { x: 200, label: 'fusion', fusion: true },
    ]);
  });

  it('leaves out marks past the curve drawn so far', () => {
    expect(chartMarks([0, 30, 190], [], 100)).toEqual([{ x: 30, label: 'task 2', fusion: false }]);
  });
});
