// The parts every accuracy matrix shares (the comparison's, the what-if's): the column head of test tasks, the row
// head of what was trained, and a cell's viridis colour with the WCAG-checked text colour on it.
import type { CSSProperties } from 'react';
import { viridis } from '../heatmap/colors';
import { readableOn } from '../heatmap/contrast';

export function MatrixHead({ tasks }: { tasks: readonly string[] }) {
  return (
    <thead>
      <tr>
        <th scope="col">after ↓ / test on →</th>
        {tasks.map((t) => (
          <th key={t} scope="col">
            {t}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** Row r: before any training (0), or after task r. */
export const MatrixRowHead = ({ row, tasks }: { row: number; tasks: readonly string[] }) => (
  <th scope="row">{row === 0 ? 'untrained' : `task ${row}: ${tasks[row - 1]}`}</th>
);

/** A score in percent as a cell colour and the text colour that reads best on it. */
export function scoreCellStyle(score: number): CSSProperties {
  const background = viridis(score / 100);
  return { background, color: readableOn(background) };
}
