// One small chart per strategy: task j's score after training task i, for every i ≥ j.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CompareRow } from '../compareRows';
import { seriesColor } from '../heatmap/colors';

export default function ForgettingCurves({ rows, tasks }: { rows: CompareRow[]; tasks: string[] }) {
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
