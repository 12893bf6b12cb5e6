import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StepEvent } from '../src/engine/experiment/events';
import type { StepsEvent } from '../src/worker/protocol';
import { StepThrottle } from '../src/worker/stepThrottle';

const step = (strategy: number, n: number, task = 0): StepEvent => ({
  type: 'step',
  strategy,
  task,
  phase: 'train',
  step: n,
  steps: 200,
  loss: 1,
  lr: 1e-3,
  gradNorm: 1,
  fraction: 0,
});
const shown = (posts: StepsEvent[]) => posts.map((p) => p.steps.map((s) => `${s.strategy}:${s.step}`));

describe('StepThrottle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function throttle() {
    const posts: StepsEvent[] = [];
    const t = new StepThrottle(
      (e) => posts.push(e),
      7,
      500,
      () => Date.now(),
    );
    return { posts, t };
  }

  it('posts the first step at once, then at most once per interval with every step held', () => {
    const { posts, t } = throttle();
    t.push(step(0, 1));
    vi.advanceTimersByTime(200);
    t.push(step(0, 2));
    t.push(step(1, 1));
    vi.advanceTimersByTime(250);
    t.push(step(0, 3));
    expect(shown(posts)).toEqual([['0:1']]);
    vi.advanceTimersByTime(50);
    expect(shown(posts)).toEqual([['0:1'], ['0:2', '1:1', '0:3']]);
    expect(posts.every((p) => p.runId === 7 && p.type === 'steps')).toBe(true);
  });

  it('a step that lands while no other follows (a lane stepping while the host waits, paused) goes out when the interval is up', () => {
    const { posts, t } = throttle();
    t.push(step(0, 144));
    vi.advanceTimersByTime(100);
    t.push(step(1, 166));
    vi.advanceTimersByTime(399);
    expect(shown(posts)).toEqual([['0:144']]);
    vi.advanceTimersByTime(1);
    expect(shown(posts)).toEqual([['0:144'], ['1:166']]);
    vi.advanceTimersByTime(5000);
    expect(posts).toHaveLength(2); // nothing posted twice, no empty message
  });

  it('a flush cancels the timer: the next post waits a whole interval from it', () => {
    const { posts, t } = throttle();
    t.push(step(0, 1)); // posted at 0
    vi.advanceTimersByTime(100);
    t.push(step(0, 2)); // held, due at 500
    vi.advanceTimersByTime(200);
    t.flush(); // at 300
    vi.advanceTimersByTime(100);
    t.push(step(0, 3)); // at 400: held until 800
    vi.advanceTimersByTime(399);
    expect(shown(posts)).toEqual([['0:1'], ['0:2']]);
    vi.advanceTimersByTime(1);
    expect(shown(posts)).toEqual([['0:1'], ['0:2'], ['0:3']]);
  });

  it('an explicit flush, a task change and a task end post at once', () => {
    const { posts, t } = throttle();
    t.push(step(0, 1));
    t.push(step(0, 2));
    t.flush();
    expect(shown(posts)).toEqual([['0:1'], ['0:2']]);
    t.push(step(0, 200)); // the task's last step
    t.push(step(0, 1, 1)); // held, the interval is not up
    t.push(step(0, 1, 2)); // another task of the same strategy: what was held goes first
    expect(shown(posts)).toEqual([['0:1'], ['0:2'], ['0:200'], ['0:1']]);
    vi.advanceTimersByTime(500);
    expect(shown(posts)).toEqual([['0:1'], ['0:2'], ['0:200'], ['0:1'], ['0:1']]);
    vi.advanceTimersByTime(5000);
    expect(posts).toHaveLength(5);
  });
});
