// The loss curve of a run, kept outside React. Every step is stored; a snapshot (taken at a throttled
// rate for the chart) averages them into at most `maxPoints` buckets so long runs still draw quickly.
export interface CurvePoint {
  step: number;
  loss: number;
  /** Exponential moving average of the loss (bias-corrected), easier to read than the per-batch value. */
  smooth: number;
}

export class LiveCurve {
  private steps: number[] = [];
  private losses: number[] = [];
  private smooths: number[] = [];
  private ema = 0;
  private emaWeight = 0.9;

  constructor(private readonly maxPoints = 300) {}

  /** Empties the curve for a run of `totalSteps`; the average spans about 1/25 of the run. */
  reset(totalSteps: number): void {
    this.steps = [];
    this.losses = [];
    this.smooths = [];
    this.ema = 0;
    this.emaWeight = 1 - 1 / Math.max(2, totalSteps / 25);
  }

  push(step: number, loss: number): void {
    this.ema = this.emaWeight * this.ema + (1 - this.emaWeight) * loss;
    this.steps.push(step);
    this.losses.push(loss);
    this.smooths.push(this.ema / (1 - this.emaWeight ** this.steps.length));
  }

  snapshot(): CurvePoint[] {
    const n = this.steps.length;
    const per = Math.max(1, Math.ceil(n / this.maxPoints));
    const out: CurvePoint[] = [];
    for (let start = 0; start < n; start += per) {
      const end = Math.min(n, start + per);
      let sum = 0;
      for (let i = start; i < end; i++) sum += this.losses[i];
      out.push({ step: this.steps[end - 1], loss: sum / (end - start), smooth: this.smooths[end - 1] });
    }
    return out;
  }
}
