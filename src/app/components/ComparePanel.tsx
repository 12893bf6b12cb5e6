// Strategies side by side on the same run: the accuracy matrix of each as a heatmap, forgetting curves, and the
// continual-learning metrics with the best of each column marked.
import { lazy, Suspense } from 'react';
import type { ContinualMetrics } from '../../engine/metrics/continual';
import { useCompareRows, type CompareRow } from '../compareRows';
import { MatrixHead, MatrixRowHead, scoreCellStyle } from './MatrixParts';
import { ScrollRegion } from './ScrollRegion';

const ForgettingCurves = lazy(() => import('./ForgettingCurves'));

const fmt = (x: number | null) => (x === null ? '–' : x.toFixed(1));

function Matrix({ row, tasks, majority }: { row: CompareRow; tasks: string[]; majority: (number | undefined)[] }) {
  return (
    <table className="matrix" data-testid="accuracy-matrix" aria-label={`Accuracy matrix of ${row.label}`}>
      <caption>{row.label}</caption>
      <MatrixHead tasks={tasks} />
      <tbody>
        {row.matrix.map((scores, r) => (
          <tr key={r}>
            <MatrixRowHead row={r} tasks={tasks} />
            {scores.map((x, j) => (
              <td key={j} style={scoreCellStyle(x)} className={j === r - 1 ? 'diag' : undefined}>
                {x.toFixed(1)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      {majority.some((m) => m !== undefined) && (
        <tfoot>
          <tr className="majority" data-testid="majority-row">
            <th
              scope="row"
              title="The best score one constant answer gets on the same test examples: a column means something only above it"
            >
              best constant answer
            </th>
            {tasks.map((t, j) => (
              <td key={t}>{majority[j] === undefined ? '–' : majority[j]!.toFixed(1)}</td>
            ))}
          </tr>
        </tfoot>
      )}
    </table>
  );
}

type Column = { key: keyof ContinualMetrics; label: string; title: string; better: 'high' | 'low' };
const columns: Column[] = [
  { key: 'ap', label: 'AP', title: 'average score on every task after the last one', better: 'high' },
  {
    key: 'bwt',
    label: 'BWT',
    title: 'backward transfer: change on earlier tasks since they were learned (negative: forgetting)',
    better: 'high',
  },
  {
    key: 'fwt',
    label: 'FWT',
    title: 'forward transfer: score on a task before training it, minus the untrained score',
    better: 'high',
  },
  {
    key: 'fwtZeroShot',
    label: 'FWT (TaSL)',
    title: "TaSL's forward transfer: score before training it, nothing subtracted",
    better: 'high',
  },
  {
    key: 'forgetting',
    label: 'Forgetting',
    title: 'mean drop from the best earlier score to the final one',
    better: 'low',
  },
];

function MetricsTable({ rows }: { rows: CompareRow[] }) {
  const best = new Map(
    columns.map((c) => {
      const values = rows.map((r) => r.metrics?.[c.key]).filter((v): v is number => typeof v === 'number');
      // A column where every strategy ties has no best.
      return [
        c.key,
        new Set(values).size > 1 ? (c.better === 'high' ? Math.max(...values) : Math.min(...values)) : null,
      ];
    }),
  );
  return (
    <table className="metrics" data-testid="metrics-table">
      <caption>Continual-learning metrics (percent points); ★ marks the best in each column</caption>
      <thead>
        <tr>
          <th scope="col">Strategy</th>
          {columns.map((c) => (
            <th key={c.key} scope="col" title={c.title}>
              {c.label} {c.better === 'high' ? '↑' : '↓'}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label} data-testid="metrics-row">
            <th scope="row">{r.label}</th>
            {columns.map((c) => {
              const v = r.metrics?.[c.key];
              const num = typeof v === 'number' ? v : null;
              const isBest = num !== null && num === best.get(c.key);
              return (
                <td key={c.key} className={isBest ? 'best' : undefined} data-testid={`metric-${c.key}`}>
                  {fmt(num)}
                  {isBest && <span aria-label=" (best)"> ★</span>}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ComparePanel() {
  const { tasks, majority, rows } = useCompareRows();
  const withRows = rows.filter((r) => r.matrix.length > 0);
  return (
    <section className="panel" aria-labelledby="compare-title">
      <h2 id="compare-title">Compare strategies</h2>
      {withRows.length === 0 ? (
        <p className="muted">
          Each strategy's accuracy matrix, forgetting curves and metrics appear here as soon as it has been evaluated.
        </p>
      ) : (
        <figure
          className="comparison"
          aria-label="Comparison of strategies: metrics, accuracy matrices and forgetting curves"
        >
          <ScrollRegion label="Continual-learning metrics">
            <MetricsTable rows={withRows} />
          </ScrollRegion>
          <h3>Accuracy matrices</h3>
          <p className="hint">
            Row: after training that task (and fusing); column: the test set. The diagonal is outlined.
          </p>
          <div className="matrices">
            {withRows.map((r) => (
              <Matrix key={r.label} row={r} tasks={tasks} majority={majority} />
            ))}
          </div>
          <h3>Forgetting curves</h3>
          <p className="hint">Each task's score after it was learned and after every later task.</p>
          <Suspense fallback={<div className="chart-placeholder">Loading the charts…</div>}>
            <ForgettingCurves rows={withRows} tasks={tasks} />
          </Suspense>
        </figure>
      )}
    </section>
  );
}
