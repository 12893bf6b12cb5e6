// Two or more saved runs side by side: every strategy's AP, BWT, FWT and forgetting.
import type { SavedRun } from '../../storage/savedRun';
import { fmtMetric, runMetrics } from './runMetrics';
import { ScrollRegion } from '../ScrollRegion';

export function RunCompare({ runs }: { runs: SavedRun[] }) {
  return (
    <ScrollRegion label="Compared runs, scrollable">
      <table className="history-compare" aria-label="Compared runs">
        <thead>
          <tr>
            <th>Run</th>
            <th>Strategy</th>
            <th>AP</th>
            <th>BWT</th>
            <th>FWT</th>
            <th>Forgetting</th>
          </tr>
        </thead>
        <tbody>
          {runs.flatMap((run) =>
            runMetrics(run).map((s, i) => (
              <tr key={`${run.id}/${i}`}>
                {i === 0 && <th rowSpan={run.strategies.length}>{run.name}</th>}
                <td>{s.complete ? s.label : `${s.label} (unfinished)`}</td>
                <td>{fmtMetric(s.metrics?.ap)}</td>
                <td>{fmtMetric(s.metrics?.bwt)}</td>
                <td>{fmtMetric(s.metrics?.fwt)}</td>
                <td>{fmtMetric(s.metrics?.forgetting)}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
