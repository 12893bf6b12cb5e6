// Pausing a training loop: the gate a loop waits on before each step, which also tells listeners every command it is
// given, so the other lanes of a run in lanes (experiment/lanes.ts) can mirror it.

/** The host's pause control as lanes see it. */
export interface PauseSignal {
  readonly isPaused: boolean;
  /** Calls `listener` on every pause, resume and single step the host is given; returns an unsubscribe. */
  subscribe(listener: (command: PauseCommand) => void): () => void;
}

export type PauseCommand = 'pause' | 'resume' | 'step';

/** Holds the training loop while paused; `step()` lets exactly one more step through. */
export class PauseGate implements PauseSignal {
  private paused = false;
  private credits = 0;
  private waiter: (() => void) | null = null;
  private readonly listeners = new Set<(command: PauseCommand) => void>();

  get isPaused(): boolean {
    return this.paused;
  }

  subscribe(listener: (command: PauseCommand) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  pause(): void {
    this.paused = true;
    this.tell('pause');
  }

  resume(): void {
    this.paused = false;
    this.credits = 0;
    this.release();
    this.tell('resume');
  }

  step(): void {
    if (!this.paused) return;
    this.credits++;
    this.release();
    this.tell('step');
  }

  /** Resolves at once when running, or when paused and a step was granted; otherwise on resume/step. */
  wait(): Promise<void> {
    if (!this.paused) return Promise.resolve();
    if (this.credits > 0) {
      this.credits--;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  private release(): void {
    if (!this.waiter || (this.paused && this.credits === 0)) return;
    if (this.paused) this.credits--;
    const w = this.waiter;
    this.waiter = null;
    w();
  }

  private tell(command: PauseCommand): void {
    for (const l of [...this.listeners]) l(command);
  }
}
