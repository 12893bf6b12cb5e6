// The metrics the history shows for a saved run: per strategy, from its finished matrix, or from the rows so far.
import { continualMetrics, type ContinualMetrics } from '../../../engine/metrics/continual';
import type { SavedRun } from '../../storage/savedRun';

export interface StrategyMetrics {
  label: string;
  /** null before a task finished. */
  metrics: ContinualMetrics | null;
  /** False while the strategy had not finished every task. */
  complete: boolean;
}

export function runMetrics(run: SavedRun): StrategyMetrics[] {
  const tasks = run.spec.tasks.length;
  return run.strategies.map((s) => ({
    label: s.label,
    metrics: s.metrics ?? (s.matrix.length >= 2 ? continualMetrics(s.matrix) : null),
    complete: s.matrix.length === tasks + 1,
  }));
}

export const fmtMetric = (x: number | null | undefined) => (x === null || x === undefined ? '–' : x.toFixed(1));
