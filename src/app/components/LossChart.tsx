// The live loss curve: per-batch loss (light) and its moving average (dark), one hue for colour-blind readers.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { fmtLoss } from '../format';
import { useTrainerStore } from '../trainerStore';

export default function LossChart() {
  const curve = useTrainerStore((s) => s.curve);
  const total = useTrainerStore((s) => s.progress?.total ?? 1);
  return (
    <figure className="chart" aria-label="Training loss by step">
      <ResponsiveContainer width="100%" height={260}>
        <LineChart data={curve} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid stroke="#e3e6ea" />
          <XAxis dataKey="step" type="number" domain={[0, total]} allowDecimals={false} tick={{ fontSize: 12 }} />
          <YAxis tick={{ fontSize: 12 }} width={48} domain={[0, 'auto']} tickFormatter={(v: number) => v.toFixed(1)} />
          <Tooltip formatter={(v) => fmtLoss(Number(v))} labelFormatter={(s) => `step ${String(s)}`} />
          <Legend />
          <Line name="loss (batch)" dataKey="loss" stroke="#56B4E9" strokeWidth={1} dot={false} isAnimationActive={false} />
          <Line name="loss (average)" dataKey="smooth" stroke="#0072B2" strokeWidth={2.5} dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
