// What-if beside "as run": the accuracy matrix and the metrics of a strategy recomputed with other fusion knobs, and the
// fusion map of any of its fusions, each marked as run or what-if.
import { useState } from 'react';
import type { WhatIfResult } from '../../engine/experiment/whatIf';
import { continualMetrics, type ContinualMetrics } from '../../engine/metrics/continual';
import type { UnitTable } from '../../engine/kif/units';
import type { FusionReport } from '../../engine/strategies/types';
import { cividis } from '../heatmap/colors';
import { FusionCaseLegend } from './FusionCaseLegend';
import { MatrixHead, MatrixRowHead, scoreCellStyle } from './MatrixParts';
import { fusionCaseLook } from '../heatmap/fusionCaseLook';
import { UnitHeatmap, type CellLook } from './UnitHeatmap';

/** The what-if matrix: the run's rows with the recomputed ones in place (all rows after fusions, or just the last). */
export function whatIfMatrix(asRun: readonly number[][], r: WhatIfResult): number[][] {
  if (r.rows) return [...asRun.slice(0, asRun.length - r.rows.length), ...r.rows];
  return [...asRun.slice(0, -1), r.scores];
}

const metricRows: { key: keyof ContinualMetrics; label: string }[] = [
  { key: 'ap', label: 'AP' },
  { key: 'bwt', label: 'BWT' },
  { key: 'fwt', label: 'FWT' },
  { key: 'forgetting', label: 'Forgetting' },
];
const fmt = (x: number | null | undefined) => (typeof x === 'number' ? x.toFixed(1) : '–');

function fusionLook(f: FusionReport) {
  return (unit: string): CellLook | null => {
    const w = f.prevWeight[unit];
    if (w === undefined) return null;
    const c = f.cases?.[unit];
    if (c) return fusionCaseLook(c, w);
    return { color: cividis(w), describe: `weight of the earlier model ${w.toFixed(3)}`, value: w.toFixed(3) };
  };
}

export function WhatIfChain({
  asRun,
  asRunFusions,
  result,
  tasks,
  units,
}: {
  asRun: number[][];
  asRunFusions: FusionReport[];
  result: WhatIfResult;
  tasks: string[];
  units: UnitTable;
}) {
  const matrix = whatIfMatrix(asRun, result);
  const [m0, m1] = [asRun, matrix].map((m) => (m.length >= 2 ? continualMetrics(m) : null));
  const whatIfFusions = result.fusions ?? [result.fusion];
  const [pick, setPick] = useState<number | null>(null);
  const [side, setSide] = useState<'what-if' | 'as run'>('what-if');
  const index = pick !== null && pick < whatIfFusions.length ? pick : whatIfFusions.length - 1;
  const shownWhatIf = whatIfFusions[index];
  const shownRun = asRunFusions.find((f) => f.afterTask === shownWhatIf.afterTask && f.rule === shownWhatIf.rule);
  const f = side === 'as run' && shownRun ? shownRun : shownWhatIf;
  const counts = f.cases
    ? Object.values(f.cases).reduce<Record<string, number>>((a, c) => ({ ...a, [c]: (a[c] ?? 0) + 1 }), {})
    : null;
  return (
    <div className="whatif-chain" data-testid="whatif-chain">
      <table className="matrix" data-testid="whatif-matrix" aria-label="Accuracy matrix, what-if against as run">
        <caption>Accuracy matrix: what-if (as run in brackets where it differs)</caption>
        <MatrixHead tasks={tasks} />
        <tbody>
          {matrix.map((row, r) => (
            <tr key={r}>
              <MatrixRowHead row={r} tasks={tasks} />
              {row.map((x, j) => {
                const before = asRun[r]?.[j];
                return (
                  <td key={j} style={scoreCellStyle(x)} data-testid={`whatif-cell-${r}-${j}`}>
                    {x.toFixed(1)}
                    {before !== undefined && before !== x ? <small> ({before.toFixed(1)})</small> : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <table className="metrics" data-testid="whatif-metrics">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">as run</th>
            <th scope="col">what-if</th>
          </tr>
        </thead>
        <tbody>
          {metricRows.map(({ key, label }) => (
            <tr key={key}>
              <th scope="row">{label}</th>
              <td>{fmt(m0?.[key])}</td>
              <td data-testid={`whatif-metric-${key}`}>{fmt(m1?.[key])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="fusion-pickers">
        {whatIfFusions.length > 1 && (
          <div className="field inline">
            <label htmlFor="whatif-fusion-pick">Fusion</label>
            <select id="whatif-fusion-pick" value={index} onChange={(e) => setPick(Number(e.target.value))}>
              {whatIfFusions.map((x, i) => (
                <option key={i} value={i}>
                  after task {x.afterTask + 1} ({tasks[x.afterTask]})
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field inline" role="radiogroup" aria-label="Which fusion map">
          {(['what-if', 'as run'] as const).map((s) => (
            <label key={s}>
              <input
                type="radio"
                name="whatif-side"
                value={s}
                checked={side === s}
                disabled={s === 'as run' && !shownRun}
                onChange={() => setSide(s)}
                data-testid={`whatif-side-${s.replace(' ', '-')}`}
              />{' '}
              {s}
            </label>
          ))}
        </div>
      </div>
      <UnitHeatmap
        units={units}
        look={fusionLook(f)}
        label={`Fusion map after task ${f.afterTask + 1}, ${f === shownWhatIf ? 'what-if' : 'as run'}`}
        testId="whatif-fusion-map"
        legend={counts && <FusionCaseLegend counts={counts} testId="whatif-map-cases" short />}
      />
    </div>
  );
}
