// While training: the loss curves (recharts, loaded after the first paint) and the latest sample predictions.
import { lazy, Suspense, useState } from 'react';
import { samplesRow } from '../../engine/run/state';
import { useRunStore } from '../runStore';
import { useStrategies, useTaskNames } from '../runView';
import { useHistoryStore } from '../storage/runHistory';

// recharts is the largest part of the page; it loads after the first paint.
const LossChart = lazy(() => import('./LossChart'));

/** "before training" for row 0, "after task k (name)" for row k. */
const rowName = (row: number, tasks: string[]) =>
  row === 0 ? 'before training' : `after task ${row} (${tasks[row - 1] ?? '?'})`;

function Samples() {
  const strategies = useStrategies();
  const tasks = useTaskNames();
  const current = useRunStore((s) => (s.active ? s.run?.live?.progress[0]?.strategy : undefined));
  const withSamples = strategies.map((s, i) => ({ s, i })).filter(({ s }) => s.samples.length > 0);
  const [pick, setPick] = useState<number | null>(null);
  if (withSamples.length === 0)
    return <p className="muted">Sample predictions appear at the first evaluation, before training starts.</p>;
  // The strategy the user picked, else the one training now (with lanes, the lowest-index one), else the last evaluated.
  const chosen = withSamples.find(({ i }) => i === (pick ?? current)) ?? withSamples.at(-1)!;
  return (
    <div>
      <div className="field inline">
        <label htmlFor="samples-strategy">Predictions of</label>
        <select id="samples-strategy" value={chosen.i} onChange={(e) => setPick(Number(e.target.value))}>
          {withSamples.map(({ s, i }) => (
            <option key={i} value={i}>
              {s.label}
            </option>
          ))}
        </select>
        <span className="muted" data-testid="samples-when">
          {rowName(samplesRow(chosen.s), tasks)}
        </span>
      </div>
      <table className="samples" data-testid="samples">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Input</th>
            <th scope="col">Expected</th>
            <th scope="col">Model output</th>
          </tr>
        </thead>
        <tbody>
          {chosen.s.samples.flatMap(({ task, predictions }) =>
            predictions.slice(0, 3).map((p, r) => (
              <tr key={`${task}-${r}`} className={p.score >= 1 ? 'right' : 'wrong'}>
                <td>{tasks[task]}</td>
                <td>
                  <code>{p.input}</code>
                </td>
                <td>
                  <code>{p.expected}</code>
                </td>
                <td>
                  <span className="mark" aria-label={p.score >= 1 ? 'right' : 'wrong'}>
                    {p.score >= 1 ? '✓' : '✗'}
                  </span>
                  <code>{p.output || '(empty)'}</code>
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}

export function LivePanel() {
  const hasRun = useRunStore((s) => (s.run?.strategies.length ?? 0) > 0);
  const interrupted = useHistoryStore((s) => s.offer !== null);
  return (
    <section className="panel" aria-labelledby="live-title">
      <h2 id="live-title">Training</h2>
      {hasRun ? (
        <>
          <Suspense fallback={<div className="chart-placeholder">Loading the chart…</div>}>
            <LossChart />
          </Suspense>
          <h3>Sample predictions</h3>
          <Samples />
        </>
      ) : (
        <p className="muted empty">
          {interrupted ? 'A run was interrupted: Resume it at the top, or Discard it. ' : ''}Press Run (or Space). Loss
          curves, importance heatmaps, fusion maps and the comparison appear as the run goes.
        </p>
      )}
    </section>
  );
}
