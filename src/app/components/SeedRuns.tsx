// "Run N seeds" and, once two or more seeds of the experiment on screen are saved as finished, their comparison: every
// metric and matrix cell as mean ± 95% confidence interval (t), and KIF's paired differences against SeqFT and weight
// averaging per seed, marked where the interval excludes 0.
import { useEffect, useMemo, useState } from 'react';
import { fmtInterval } from '../../engine/experiment/intervals';
import { mergeResults, pairedDifferences } from '../../engine/experiment/merge';
import { useExperimentStore } from '../experimentStore';
import { useRunStore } from '../runStore';
import { cancelSeeds, continueSeeds, restoreSeedLoop, runSeeds, savedSeeds, useSeedLoop } from '../seedLoop';
import { useHistoryStore } from '../storage/runHistory';
import { useTrainerStore } from '../trainerStore';

const metrics = [
  { key: 'ap', label: 'AP' },
  { key: 'bwt', label: 'BWT' },
  { key: 'fwt', label: 'FWT' },
  { key: 'forgetting', label: 'Forgetting' },
] as const;

export function SeedRuns() {
  const spec = useExperimentStore((s) => s.spec);
  const loop = useSeedLoop((s) => s.loop);
  const active = useRunStore((s) => s.active);
  const idle = useTrainerStore((s) => s.phase === 'idle' && s.worker === 'ready');
  const history = useHistoryStore((s) => s.runs);
  const [count, setCount] = useState(5);
  useEffect(restoreSeedLoop, []);
  const docs = useMemo(
    () => [...savedSeeds(spec)].sort(([a], [b]) => a - b).map(([seed, doc]) => ({ file: `seed ${seed}`, doc })),
    [spec, history],
  );
  const rows = useMemo(() => (docs.length >= 2 ? mergeResults(docs) : []), [docs]);
  const diffs = useMemo(() => (docs.length >= 2 ? pairedDifferences(docs) : []), [docs]);
  const tasks = spec.tasks.map((t) => (typeof t.task === 'string' ? t.task : t.task.dataset));
  const okCount = Number.isInteger(count) && count >= 2 && count <= 20;

  return (
    <section className="panel" aria-labelledby="seeds-title" data-testid="seed-runs">
      <h2 id="seeds-title">Several seeds</h2>
      <p className="hint">
        One run says little: seeds change the data drawn, the initial batches and dropout. Run the experiment for seeds{' '}
        {spec.seed} to {spec.seed + count - 1} one after another (each is saved and can be resumed like any run; seeds
        already finished are skipped).
      </p>
      <div className="field-row">
        <div className="field compact">
          <label htmlFor="seed-count">Seeds</label>
          <input
            id="seed-count"
            data-testid="seed-count"
            type="number"
            min={2}
            max={20}
            step={1}
            value={count}
            onChange={(e) => setCount(Number(e.target.value))}
            aria-invalid={!okCount}
          />
        </div>
        <button
          type="button"
          className="primary"
          data-testid="run-seeds"
          disabled={!okCount || active || !idle || loop?.current != null}
          onClick={() => runSeeds(spec, spec.seed, count)}
        >
          Run {okCount ? count : 'N'} seeds
        </button>
      </div>
      {!okCount && <p className="field-error">Give 2 to 20 seeds.</p>}
      {loop && (
        <p className="note" data-testid="seed-status">
          {loop.current !== null
            ? `Running seed ${loop.current}; then ${loop.seeds.filter((s) => s !== loop.current).join(', ') || 'done'}.`
            : `Seeds ${loop.seeds.join(', ')} remain (${loop.paused ?? 'waiting'}).`}{' '}
          {loop.current === null && (
            <button type="button" data-testid="seed-continue" onClick={continueSeeds} disabled={active || !idle}>
              Continue
            </button>
          )}{' '}
          <button type="button" className="link" onClick={cancelSeeds}>
            Forget the remaining seeds
          </button>
        </p>
      )}
      {rows.length > 0 && (
        <>
          <table className="metrics" data-testid="seed-summary">
            <caption>
              {docs.length} seeds ({docs.map((d) => d.doc.spec.seed).join(', ')}): mean ± half-width of the 95%
              confidence interval (t, {docs.length - 1} degrees of freedom)
            </caption>
            <thead>
              <tr>
                <th scope="col">Strategy</th>
                {metrics.map((m) => (
                  <th key={m.key} scope="col">
                    {m.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.label}>
                  <th scope="row">{r.label}</th>
                  {metrics.map((m) => (
                    <td key={m.key} data-testid={`seed-${r.label}-${m.key}`}>
                      {fmtInterval(r.intervals[m.key])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {diffs.length > 0 && (
            <table className="metrics" data-testid="seed-differences">
              <caption>
                Paired differences, seed by seed (same data and start); ★ where the 95% interval excludes 0
              </caption>
              <thead>
                <tr>
                  <th scope="col">Difference</th>
                  {docs.map((d) => (
                    <th key={d.doc.spec.seed} scope="col">
                      seed {d.doc.spec.seed}
                    </th>
                  ))}
                  <th scope="col">mean ± 95% CI</th>
                </tr>
              </thead>
              <tbody>
                {diffs.map((d) => (
                  <tr key={`${d.label}/${d.metric}`}>
                    <th scope="row">
                      {d.label}, {d.metric.toUpperCase()}
                    </th>
                    {docs.map((doc) => {
                      const p = d.perSeed.find((x) => x.seed === doc.doc.spec.seed);
                      return (
                        <td key={doc.doc.spec.seed}>{p ? `${p.diff >= 0 ? '+' : ''}${p.diff.toFixed(1)}` : '–'}</td>
                      );
                    })}
                    <td data-testid={`seed-diff-${d.label}-${d.metric}`}>
                      {fmtInterval(d.interval)}
                      {d.excludesZero ? ' ★' : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <details>
            <summary>Accuracy matrices, every cell mean ± 95% CI</summary>
            {rows.map((r) => (
              <table key={r.label} className="matrix" aria-label={`Accuracy matrix of ${r.label} over seeds`}>
                <caption>{r.label}</caption>
                <thead>
                  <tr>
                    <th scope="col">after ↓ / test on →</th>
                    {tasks.map((t, j) => (
                      <th key={j} scope="col">
                        {t}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {r.cells.map((row, i) => (
                    <tr key={i}>
                      <th scope="row">{i === 0 ? 'untrained' : `task ${i}: ${tasks[i - 1]}`}</th>
                      {row.map((c, j) => (
                        <td key={j}>{fmtInterval(c)}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            ))}
          </details>
        </>
      )}
    </section>
  );
}
