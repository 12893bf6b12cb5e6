import { describe, expect, it } from 'vitest';
import { interruptedAt } from '../src/app/storage/lastProgress';

describe('interruptedAt', () => {
  it('names the step the run had reached in the task it resumes', () => {
    expect(interruptedAt({ strategy: 0, task: 1 }, 3, 1, [{ strategy: 0, task: 1, step: 120, steps: 200 }])).toBe(
      'task 2 of 3, step 120',
    );
    expect(interruptedAt({ strategy: 1, task: 1 }, 2, 2, [{ strategy: 1, task: 1, step: 40, steps: 120 }])).toBe(
      'task 2 of 2, step 40 (strategy 2 of 2)',
    );
  });

  it('with lanes, reads the entry of the strategy it resumes among those saved', () => {
    const saved = [
      { strategy: 0, task: 2, step: 90, steps: 200 },
      { strategy: 1, task: 1, step: 40, steps: 120 },
    ];
    expect(interruptedAt({ strategy: 1, task: 1 }, 3, 2, saved)).toBe('task 2 of 3, step 40 (strategy 2 of 2)');
    expect(interruptedAt({ strategy: 0, task: 2 }, 3, 2, saved)).toBe('task 3 of 3, step 90 (strategy 1 of 2)');
  });

  it('falls back to the resume point for progress of another strategy, an earlier task, or none', () => {
    expect(interruptedAt({ strategy: 1, task: 1 }, 2, 2, [{ strategy: 0, task: 1, step: 40, steps: 120 }])).toBe(
      'task 2 of 2 (strategy 2 of 2)',
    );
    expect(interruptedAt({ strategy: 0, task: 2 }, 3, 1, [{ strategy: 0, task: 1, step: 40, steps: 120 }])).toBe(
      'task 3 of 3',
    );
    expect(interruptedAt({ strategy: 0, task: 0 }, 3, 1, [])).toBe('task 1 of 3');
  });
});
