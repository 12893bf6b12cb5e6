// One small chart per strategy: task j's score after training task i, for every i ≥ j. Redrawn only when a matrix
// or the task list changes: the panel around it renders at every training step, and a chart's redraw is the page's
// costliest work (it takes CPU from the strategies training in the workers).
import { memo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CompareRow } from '../compareRows';
import { seriesColor } from '../heatmap/colors';

type Props = { rows: CompareRow[]; tasks: string[] };

const drawn = ({ rows, tasks }: Props) => JSON.stringify([tasks, rows.map((r) => [r.label, r.matrix])]);

function ForgettingCurves({ rows, tasks }: Props) {
  return (
    <div className="curves">
      {rows.map((r) => {
        // Row i + 1 of the matrix is "after task i"; task j's curve starts where it was learned.
        const data = r.matrix.slice(1).map((scores, i) => ({
          after: i + 1,
          ...Object.fromEntries(tasks.map((_, j) => [`t${j}`, j <= i ? scores[j] : null])),
        }));
        return (
          <figure
            key={r.label}
            className="curve"
            data-testid="forgetting-curve"
            aria-label={`Forgetting curves of ${r.label}`}
          >
            <figcaption>{r.label}</figcaption>
            <ResponsiveContainer width="100%" height={180}>
              <LineChart data={data} margin={{ top: 6, right: 12, bottom: 4, left: 0 }}>
                <CartesianGrid stroke="#e3e6ea" />
                <XAxis
                  dataKey="after"
                  type="number"
                  domain={[1, Math.max(1, tasks.length)]}
                  allowDecimals={false}
                  tick={{ fontSize: 11 }}
                  tickFormatter={(v: number) => `after ${v}`}
                />
                <YAxis domain={[0, 100]} width={34} tick={{ fontSize: 11 }} />
                <Tooltip formatter={(v) => Number(v).toFixed(1)} labelFormatter={(s) => `after task ${String(s)}`} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                {tasks.map((t, j) => (
                  <Line
                    key={j}
                    name={t}
                    dataKey={`t${j}`}
                    stroke={seriesColor(j)}
                    strokeWidth={2}
                    dot={{ r: 3 }}
                    isAnimationActive={false}
                    connectNulls={false}
                  />
                ))}
              </LineChart>
            </ResponsiveContainer>
          </figure>
        );
      })}
    </div>
  );
}

export default memo(ForgettingCurves, (a, b) => drawn(a) === drawn(b));
