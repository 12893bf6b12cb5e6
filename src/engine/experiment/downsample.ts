// Loss curves for the results document: long curves become bucket means, so a document stays small.
import type { LossCurve } from './results';

/** Means of consecutive buckets, at most `maxPoints` of them; each point is stamped with its bucket's last step. */
export function downsample(losses: readonly number[], maxPoints: number): { steps: number[]; losses: number[] } {
  const buckets = Math.min(losses.length, Math.max(1, maxPoints));
  const out = { steps: [] as number[], losses: [] as number[] };
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * losses.length) / buckets);
    const hi = Math.floor(((b + 1) * losses.length) / buckets);
    if (hi <= lo) continue;
    let sum = 0;
    for (let i = lo; i < hi; i++) sum += losses[i];
    out.steps.push(hi);
    out.losses.push(sum / (hi - lo));
  }
  return out;
}

/** A phase's raw per-step curve (steps 1..n) as the results keep it: loss, learning rate and gradient norm alike. */
export function downsampleCurve(c: LossCurve, maxPoints: number): LossCurve {
  const { steps, losses } = downsample(c.losses, maxPoints);
  return {
    ...c,
    steps,
    losses,
    ...(c.lr ? { lr: downsample(c.lr, maxPoints).losses } : {}),
    ...(c.gradNorm ? { gradNorm: downsample(c.gradNorm, maxPoints).losses } : {}),
  };
}
