// Fault injection for browser tests, never used otherwise: the page passes its URL's `?fault=KIND@N` to the worker,
// which then throws at training step N (1-based, counted over the whole run) of its first run that reaches it, once per
// worker. KIND `backend` throws a backend failure (as a lost WebGPU device would), `error` a plain error inside the
// experiment. Lets Playwright check the backend fallback and the error path without breaking a real device.
import { BackendFailure } from '../engine/backend';

const kinds = {
  backend: (step: number) => new BackendFailure(`injected backend failure at step ${step} (fault-injection switch)`),
  error: (step: number) => new Error(`injected error at step ${step} (fault-injection switch)`),
} as const;

export class FaultSwitch {
  private fired = false;
  private armed: { kind: keyof typeof kinds; step: number } | null = null;
  private steps = 0;

  /** Arms the switch for the run about to start from the page's `fault` parameter (ignored when malformed). */
  arm(param: string | undefined): void {
    this.steps = 0;
    const m = /^(backend|error)@(\d+)$/.exec(param ?? '');
    this.armed = m && !this.fired ? { kind: m[1] as keyof typeof kinds, step: Number(m[2]) } : null;
  }

  /** Call before each training step; throws at the armed one. */
  tick(): void {
    this.steps++;
    if (!this.armed || this.steps !== this.armed.step) return;
    const { kind, step } = this.armed;
    this.armed = null;
    this.fired = true;
    throw kinds[kind](step);
  }
}
