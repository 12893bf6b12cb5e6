// The importance heatmaps as text: per finished task, its top units and their scores (for screen readers, and for
// anyone who would rather read a list than colours).
import type { UnitScores } from '../../engine/strategies/types';
import { topUnits } from '../heatmap/topUnits';

const TOP = 5;

export function TopUnitsList({
  taskScores,
  tasks,
  strategy,
}: {
  taskScores: readonly UnitScores[];
  tasks: readonly string[];
  strategy: string;
}) {
  if (taskScores.length === 0) return null;
  return (
    <details className="top-units" data-testid="top-units">
      <summary>Top {TOP} units per task, as a list</summary>
      {taskScores.map((scores, t) => (
        <div key={t}>
          <h4>
            {strategy}, task {t + 1} ({tasks[t] ?? '?'})
          </h4>
          <ol>
            {topUnits(scores, TOP).map(({ unit, score }) => (
              <li key={unit}>
                <code>{unit}</code> score {score.toExponential(2)}
              </li>
            ))}
          </ol>
        </div>
      ))}
    </details>
  );
}
