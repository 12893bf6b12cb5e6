// A plain-JS reference of the importance tracker: KIF.md §2 written literally, one element at a time. It checks the
// on-device tracker and serves offline tools that hold parameters as Float32Arrays.
import {
  importanceDefaults,
  importanceMetric,
  resolveImportanceOptions,
  smoothings,
  type ImportanceMetric,
  type ImportanceOptions,
  type Smoothing,
} from './importanceMetrics';
import { forEachElement, unitCombiners, type ParamShape, type SkillUnit } from './units';

interface Buffers {
  shape: number[];
  ibar: Float32Array;
  ubar: Float32Array;
}

export class ImportanceReference {
  readonly options: ImportanceOptions;
  private readonly metric: ImportanceMetric;
  private readonly smoothing: Smoothing;
  private readonly buffers = new Map<string, Buffers>();
  private calls = 0;
  private counted = 0;

  constructor(trainable: Iterable<ParamShape>, options: Partial<ImportanceOptions> = {}) {
    this.options = resolveImportanceOptions(importanceDefaults, options);
    this.metric = importanceMetric(this.options.metric);
    this.smoothing = smoothings[this.metric.smoothing];
    for (const p of trainable) {
      const size = p.shape.reduce((a, b) => a * b, 1);
      this.buffers.set(p.name, { shape: [...p.shape], ibar: new Float32Array(size), ubar: new Float32Array(size) });
    }
  }

  get steps(): number {
    return this.counted;
  }

  update(params: ReadonlyMap<string, Float32Array>, grads: ReadonlyMap<string, Float32Array>): void {
    this.calls++;
    if (this.options.skipFirstStep && this.calls === 1) return;
    const step = { beta1: this.options.beta1, beta2: this.options.beta2, n: ++this.counted };
    for (const [name, b] of this.buffers) {
      const w = params.get(name);
      if (!w) throw new Error(`importance reference: no value given for ${name}`);
      const g = grads.get(name);
      for (let i = 0; i < w.length; i++) {
        const next = this.smoothing.stepOf(
          this.metric.sensitivityOf(w[i] * (g ? g[i] : 0)),
          { ibar: b.ibar[i], ubar: b.ubar[i] },
          step,
        );
        b.ibar[i] = next.ibar;
        if (next.ubar !== undefined) b.ubar[i] = next.ubar;
      }
    }
  }

  reset(): void {
    for (const b of this.buffers.values()) {
      b.ibar.fill(0);
      b.ubar.fill(0);
    }
    this.calls = 0;
    this.counted = 0;
  }

  /** Element scores s (Ī·Ū, or the running mean for 'plain') per parameter. */
  elementScores(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [name, b] of this.buffers) {
      out.set(
        name,
        b.ibar.map((ibar, i) => this.smoothing.scoreOf({ ibar, ubar: b.ubar[i] })),
      );
    }
    return out;
  }

  /** Unit scores; units with a part outside the tracked parameters are left out. */
  unitScores(units: readonly SkillUnit[]): Map<string, number> {
    const scores = this.elementScores();
    const out = new Map<string, number>();
    for (const u of units) {
      if (!u.parts.every((p) => scores.has(p.param))) continue;
      const stats = u.parts.map((p) => {
        const s = scores.get(p.param)!;
        let sum = 0;
        let count = 0;
        forEachElement(p, this.buffers.get(p.param)!.shape, (i) => {
          sum += s[i];
          count++;
        });
        return { sum, count };
      });
      out.set(u.name, unitCombiners[u.combine](stats));
    }
    return out;
  }
}
