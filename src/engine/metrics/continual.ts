// Continual-learning metrics (KIF.md §6), all derived from one accuracy matrix.
//
// Layout: R has T + 1 rows. Row 0 is the untrained model (KIF.md's R[-1], the baselines b_j); row i + 1 is the score
// after training (and fusing) tasks 0..i. Column j is task j's test score in percent; extra columns (tasks not yet
// trained) are allowed and ignored, so a run in progress gets its metrics so far, with T = rows trained.
// Metrics that average over an empty set (BWT and forgetting with T = 1, both FWTs with T = 1) are null: undefined,
// not zero, so tables show "–" rather than a misleading 0.

export interface ContinualMetrics {
  /** Tasks trained so far (T). */
  tasks: number;
  /** AP = mean_j R[T−1][j]. */
  ap: number;
  /** BWT = mean_{j<T−1} (R[T−1][j] − R[j][j]); negative means forgetting. */
  bwt: number | null;
  /** FWT (Lopez-Paz & Ranzato) = mean_{j≥1} (R[j−1][j] − b_j). */
  fwt: number | null;
  /** TaSL's FWT = mean_{j≥1} R[j−1][j], nothing subtracted. */
  fwtZeroShot: number | null;
  /** Forgetting (Chaudhry) = mean_{j<T−1} (max_{l<T−1} R[l][j] − R[T−1][j]); the untrained row is not among the l. */
  forgetting: number | null;
}

const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Checks the matrix's shape and values; returns a list of problems (empty when valid). */
export function accuracyMatrixProblems(matrix: readonly (readonly number[])[]): string[] {
  const out: string[] = [];
  const tasks = matrix.length - 1;
  if (tasks < 1) return ['the accuracy matrix needs the untrained row and at least one task row'];
  matrix.forEach((row, i) => {
    if (row.length < tasks)
      out.push(`row ${i} has ${row.length} scores, needs at least ${tasks} (one per trained task)`);
    row.slice(0, tasks).forEach((x, j) => {
      if (!Number.isFinite(x)) out.push(`R[${i}][${j}] is not a finite number (${x})`);
    });
  });
  return out;
}

export function continualMetrics(matrix: readonly (readonly number[])[]): ContinualMetrics {
  const problems = accuracyMatrixProblems(matrix);
  if (problems.length > 0) throw new Error(`accuracy matrix: ${problems.join('; ')}`);
  const T = matrix.length - 1;
  // after(i) is KIF.md's R[i]: the row after training task i; after(-1) is the untrained row.
  const after = (i: number) => matrix[i + 1];
  const last = after(T - 1);
  const earlier = upTo(T - 1);
  const later = upTo(T).slice(1);
  return {
    tasks: T,
    ap: mean(upTo(T).map((j) => last[j]))!,
    bwt: mean(earlier.map((j) => last[j] - after(j)[j])),
    fwt: mean(later.map((j) => after(j - 1)[j] - after(-1)[j])),
    fwtZeroShot: mean(later.map((j) => after(j - 1)[j])),
    forgetting: mean(earlier.map((j) => Math.max(...earlier.map((l) => after(l)[j])) - last[j])),
  };
}
