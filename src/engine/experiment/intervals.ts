// 95% confidence intervals over seeds (Student's t with n − 1 degrees of freedom): of a mean, and of the mean of paired
// differences (one difference per seed, both strategies trained on that seed's data and initialisation).
import jStat from 'jstat';

export interface Interval {
  mean: number;
  /** Half-width: the interval is mean ± half; null with fewer than two values. */
  half: number | null;
  n: number;
}

/** The t interval of the mean of `xs` at `level` (0.95 by default). */
export function tInterval(xs: readonly number[], level = 0.95): Interval | null {
  const n = xs.length;
  if (n === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, half: null, n };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  return { mean, half: jStat.studentt.inv(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n)), n };
}

/** Whether the interval lies wholly above or below 0. */
export const excludesZero = (i: Interval | null): boolean => i !== null && i.half !== null && Math.abs(i.mean) > i.half;

const f1 = (x: number) => x.toFixed(1);
/** "46.5 ± 3.2" (the half-width of the 95% interval), or the mean alone with one value. */
export const fmtInterval = (i: Interval | null): string =>
  i === null ? '–' : i.half === null ? f1(i.mean) : `${f1(i.mean)} ± ${f1(i.half)}`;
