// The strategies to compare, from the shown run: one in progress row by row, a finished one, or one a share link, a
// file or a saved run brought in (all the same run model, engine/run).
import type { ContinualMetrics } from '../engine/metrics/continual';
import { isDone } from '../engine/run/state';
import { useRunStore } from './runStore';
import { useStrategies, useTaskNames } from './runView';

export interface CompareRow {
  label: string;
  matrix: number[][];
  metrics: ContinualMetrics | null;
  done: boolean;
}

/** tasks: the column names; majority: each column's best constant answer's score (absent in older documents). */
export function useCompareRows(): { tasks: string[]; majority: (number | undefined)[]; rows: CompareRow[] } {
  const tasks = useTaskNames();
  const info = useRunStore((s) => s.run?.tasks);
  const strategies = useStrategies();
  return {
    tasks,
    majority: info?.map((t) => t.majorityScore) ?? [],
    rows: strategies.map((s) => ({ label: s.label, matrix: s.matrix, metrics: s.metrics, done: isDone(s) })),
  };
}
