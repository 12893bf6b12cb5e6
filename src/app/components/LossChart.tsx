// The live loss curves, one per strategy (Okabe–Ito colours), averaged into at most ~200 points each so a redraw
// stays cheap however long the run.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { seriesColor } from '../heatmap/colors';
import { lossPoints } from '../../engine/run/state';
import { useStrategies } from '../runView';

const MAX_POINTS = 200;

function bucketed(losses: readonly [number, number][]): { x: number; loss: number }[] {
  const per = Math.max(1, Math.ceil(losses.length / MAX_POINTS));
  const out: { x: number; loss: number }[] = [];
  for (let i = 0; i < losses.length; i += per) {
    const chunk = losses.slice(i, i + per);
    out.push({ x: chunk.at(-1)![0], loss: chunk.reduce((a, [, l]) => a + l, 0) / chunk.length });
  }
  return out;
}

export default function LossChart() {
  const strategies = useStrategies();
  return (
    <figure className="chart" aria-label="Training loss by step, one line per strategy" data-testid="loss-chart">
      <ResponsiveContainer width="100%" height={240}>
        <LineChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid stroke="#e3e6ea" />
          <XAxis dataKey="x" type="number" domain={[0, 'dataMax']} allowDecimals={false} tick={{ fontSize: 12 }} label={{ value: 'step (all tasks)', position: 'insideBottomRight', offset: -4, fontSize: 12 }} />
          <YAxis tick={{ fontSize: 12 }} width={44} domain={[0, 'auto']} tickFormatter={(v: number) => v.toFixed(1)} />
          <Tooltip formatter={(v) => Number(v).toFixed(3)} labelFormatter={(s) => `step ${String(s)}`} />
          <Legend />
          {strategies.map((s, i) => (
            <Line key={i} name={s.label} data={bucketed(lossPoints(s))} dataKey="loss" stroke={seriesColor(i)} strokeWidth={2} dot={false} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
