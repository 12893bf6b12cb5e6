// The strategies to compare: the finished results document when there is one (also one a share link or a file
// brought in), otherwise the run in progress, row by row.
import { continualMetrics, type ContinualMetrics } from '../engine/metrics/continual';
import { useExperimentStore } from './experimentStore';
import { useRunStore } from './runStore';

export interface CompareRow {
  label: string;
  matrix: number[][];
  metrics: ContinualMetrics | null;
  done: boolean;
}

/** tasks: the column names; majority: each column's best constant answer's score (absent in older documents). */
export function useCompareRows(): { tasks: string[]; majority: (number | undefined)[]; rows: CompareRow[] } {
  const results = useExperimentStore((s) => s.results);
  const liveTasks = useRunStore((s) => s.tasks);
  const liveMajority = useRunStore((s) => s.majority);
  const live = useRunStore((s) => s.strategies);
  if (results) {
    return {
      tasks: results.tasks.map((t) => t.name),
      majority: results.tasks.map((t) => t.majorityScore),
      rows: results.strategies.map((s) => ({ label: s.label, matrix: s.matrix, metrics: s.metrics, done: true })),
    };
  }
  return {
    tasks: liveTasks,
    majority: liveMajority,
    rows: live.map((s) => ({ label: s.label, matrix: s.matrix, metrics: s.matrix.length >= 2 ? continualMetrics(s.matrix) : null, done: s.done })),
  };
}
