// Training steps come faster than a page should redraw: the worker keeps them here and posts at most one message per
// interval (and at every change of strategy, task or phase), carrying every loss so the curve misses none.
import type { StepEvent } from '../engine/experiment/events';
import type { StepsEvent } from './protocol';

export class StepThrottle {
  private pending: StepsEvent | null = null;
  private lastPost = -Infinity;

  constructor(
    private readonly post: (e: StepsEvent) => void,
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(e: StepEvent): void {
    const p = this.pending;
    if (p && (p.strategy !== e.strategy || p.task !== e.task || p.phase !== e.phase)) this.flush();
    const { type: _, ...rest } = e;
    const losses = this.pending?.losses ?? [];
    losses.push([e.step, e.loss]);
    this.pending = { ...rest, type: 'steps', losses };
    if (this.now() - this.lastPost >= this.intervalMs || e.step === e.steps) this.flush();
  }

  /** Posts what is held (call before any other event, so the page sees events in order). */
  flush(): void {
    if (!this.pending) return;
    this.post(this.pending);
    this.pending = null;
    this.lastPost = this.now();
  }
}
