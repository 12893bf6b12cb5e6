// The live loss curves, one per strategy (Okabe–Ito colours), averaged into at most ~200 points each so a redraw
// stays cheap however long the run. Axes say what and in which unit; dotted lines mark where each task starts and, for
// strategies that fuse, the fusions at the task ends; one strategy can be picked out (hover or click its legend entry).
import { useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { chartMarks, curveTaskStarts, startsFromSteps } from '../charts/taskMarks';
import { seriesColor } from '../heatmap/colors';
import { lossPoints } from '../../engine/run/state';
import { useExperimentStore } from '../experimentStore';
import { usePresentStore } from '../present/presentStore';
import { useRunStore } from '../runStore';
import { useStrategies, useTaskNames } from '../runView';

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
  const tasks = useTaskNames();
  const runSpec = useRunStore((s) => s.run?.spec);
  const active = useRunStore((s) => s.active);
  const spec = useExperimentStore((s) => s.spec);
  // On a projector the chart is read from the back of the room.
  const presenting = usePresentStore((s) => s.step !== null);
  const [picked, setPicked] = useState<number | null>(null);
  const [hovered, setHovered] = useState<number | null>(null);
  const focus = hovered ?? picked;
  if (strategies.every((s) => s.losses.length === 0)) {
    return (
      <p className="muted chart-empty" data-testid="loss-chart-empty">
        {active
          ? 'The loss curves start with the first training steps.'
          : 'These results carry no loss curves (run the experiment to draw them).'}
      </p>
    );
  }
  const points = strategies.map(lossPoints);
  // The marks follow the highlighted strategy, else the first with curves, else the tasks' step counts.
  const markOf =
    focus ??
    Math.max(
      0,
      strategies.findIndex((s) => s.losses.length > 0),
    );
  const curveStarts = curveTaskStarts(strategies[markOf]?.losses ?? []);
  const starts = curveStarts.length ? curveStarts : startsFromSteps((runSpec ?? spec).tasks.map((t) => t.steps));
  const lastX = Math.max(...points.map((p) => p.at(-1)?.[0] ?? 0));
  // The marks are of one strategy, so its own curve's end bounds them (another's may run longer, e.g. with replay).
  const markEnd = points[markOf]?.at(-1)?.[0] ?? lastX;
  const marks = chartMarks(
    starts,
    (strategies[markOf]?.fusions ?? []).map((f) => f.afterTask),
    markEnd,
  );
  return (
    <figure className="chart" aria-label="Training loss by step, one line per strategy" data-testid="loss-chart">
      <ResponsiveContainer width="100%" height={presenting ? 420 : 260}>
        <LineChart margin={{ top: 16, right: 16, bottom: 18, left: 12 }}>
          <CartesianGrid stroke="#e3e6ea" />
          <XAxis
            dataKey="x"
            type="number"
            domain={[0, 'dataMax']}
            allowDecimals={false}
            tick={{ fontSize: 12 }}
            label={{
              value: 'training step (all tasks, one after another)',
              position: 'insideBottom',
              offset: -12,
              fontSize: 12,
            }}
          />
          <YAxis
            tick={{ fontSize: 12 }}
            width={48}
            domain={[0, 'auto']}
            tickFormatter={(v: number) => v.toFixed(1)}
            label={{
              value: 'loss (cross-entropy, nats)',
              angle: -90,
              position: 'insideLeft',
              offset: 0,
              fontSize: 12,
              style: { textAnchor: 'middle' },
            }}
          />
          <Tooltip formatter={(v) => Number(v).toFixed(3)} labelFormatter={(s) => `step ${String(s)}`} />
          {marks.map((m) => (
            <ReferenceLine
              key={m.x}
              x={m.x}
              stroke={m.fusion ? '#8a4b00' : '#5b6570'}
              strokeDasharray="4 3"
              label={{
                value: m.label,
                position: m.x === markEnd ? 'insideTopRight' : 'insideTopLeft',
                fontSize: 11,
                fill: '#3d454e',
              }}
            />
          ))}
          {strategies.map((s, i) => (
            <Line
              key={i}
              // Drawn in spec order with the focused line on top: recharts otherwise stacks lines in the order their
              // data arrived, which side by side is not the spec's.
              zIndex={400 + (focus === i ? strategies.length : i)}
              name={s.label}
              data={bucketed(points[i])}
              dataKey="loss"
              stroke={seriesColor(i)}
              strokeWidth={focus === i ? 3.5 : 2}
              strokeOpacity={focus === null || focus === i ? 1 : 0.25}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
      <figcaption className="chart-legend" data-testid="loss-legend">
        {strategies.map((s, i) => (
          <button
            key={i}
            type="button"
            className="legend-item"
            aria-pressed={picked === i}
            data-picked={picked === null || picked === i ? undefined : 'no'}
            onClick={() => setPicked(picked === i ? null : i)}
            onMouseEnter={() => setHovered(i)}
            onMouseLeave={() => setHovered(null)}
            onFocus={() => setHovered(i)}
            onBlur={() => setHovered(null)}
          >
            <span className="legend-swatch" style={{ background: seriesColor(i) }} aria-hidden="true" />
            {s.label}
          </button>
        ))}
        <span className="hint">
          Dotted: where each of the {tasks.length} tasks starts
          {strategies.some((s) => s.fusions.length)
            ? '; “fusion”: the picked strategy fused its models at the end of a task'
            : ''}
          . <span data-ui-hint>Click a strategy to pick it out.</span>
        </span>
      </figcaption>
    </figure>
  );
}
