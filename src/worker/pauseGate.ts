// Holds the training loop while paused; `step()` lets exactly one more step through.
export class PauseGate {
  private paused = false;
  private credits = 0;
  private waiter: (() => void) | null = null;

  get isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.credits = 0;
    this.release();
  }

  step(): void {
    if (!this.paused) return;
    this.credits++;
    this.release();
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
}
