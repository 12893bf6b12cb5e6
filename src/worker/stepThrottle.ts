// Training steps come faster than a page should redraw: the worker keeps them here and posts at most one message per
// interval (and when a strategy's task or phase changes), carrying every step so the curves miss none. Strategies
// training in lanes interleave their steps in one message. Twice a second: at ten, the page's redraws of the charts
// and heatmaps took the cores the lanes train on (the forgetting demo side by side in the app: 44.6 s → 37.6 s).
// What is held goes out once the interval is up even when no step follows: the other lanes' steps arrive while the
// host's own loop waits, paused, and the page must show the step each lane takes on Step.
import type { StepEvent } from '../engine/experiment/events';
import type { StepsEvent } from './protocol';

export class StepThrottle {
  private pending: StepEvent[] = [];
  private lastPost = -Infinity;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly post: (e: StepsEvent) => void,
    private readonly runId: number,
    private readonly intervalMs = 500,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(e: StepEvent): void {
    let p: StepEvent | undefined;
    for (const q of this.pending) if (q.strategy === e.strategy) p = q;
    if (p && (p.task !== e.task || p.phase !== e.phase)) this.flush();
    this.pending.push(e);
    const wait = this.intervalMs - (this.now() - this.lastPost);
    if (wait <= 0 || e.step === e.steps) this.flush();
    else
      this.timer ??= setTimeout(() => {
        this.timer = null;
        this.flush();
      }, wait);
  }

  /** Posts what is held (call before any other event, so the page sees events in order). */
  flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending.length) return;
    this.post({ type: 'steps', runId: this.runId, steps: this.pending });
    this.pending = [];
    this.lastPost = this.now();
  }
}
