// The current run: progress, loss curve, exact match and sample predictions.
import { lazy, Suspense } from 'react';
import { fmtLoss, fmtPercent, fmtSeconds } from '../format';
import { useTrainerStore } from '../trainerStore';
import { Samples } from './Samples';

// recharts is the largest part of the page; it loads after the first paint.
const LossChart = lazy(() => import('./LossChart'));

function Progress() {
  const progress = useTrainerStore((s) => s.progress);
  const phase = useTrainerStore((s) => s.phase);
  const outcome = useTrainerStore((s) => s.result?.outcome);
  if (!progress) return null;
  const { step, total, loss, startedAt } = progress;
  const elapsed = (performance.now() - startedAt) / 1000;
  const left = step > 0 && phase !== 'paused' ? (elapsed / step) * (total - step) : NaN;
  // After the last step the worker runs the final evaluation before it reports the run done.
  const evaluating = phase === 'training' && step === total;
  const label =
    phase === 'paused' ? 'paused'
    : phase === 'stopping' ? 'stopping…'
    : evaluating ? 'evaluating…'
    : phase === 'training' ? 'training'
    : (outcome ?? 'finished');
  return (
    <div className="progress">
      <div className="progress-bar" role="progressbar" aria-label="Training progress" aria-valuemin={0} aria-valuemax={total} aria-valuenow={step}>
        <div className="progress-fill" style={{ width: `${(100 * step) / total}%` }} />
      </div>
      <dl className="stats">
        <div>
          <dt>Step</dt>
          <dd data-testid="progress-step">
            {step} / {total}
          </dd>
        </div>
        <div>
          <dt>Loss</dt>
          <dd data-testid="progress-loss">{fmtLoss(loss)}</dd>
        </div>
        <div>
          <dt>State</dt>
          <dd>{label}</dd>
        </div>
        {phase !== 'idle' && !evaluating && (
          <div>
            <dt>Time left</dt>
            <dd>{step === 0 ? 'starting…' : fmtSeconds(left)}</dd>
          </div>
        )}
      </dl>
    </div>
  );
}

function Outcome() {
  const result = useTrainerStore((s) => s.result);
  const lastEval = useTrainerStore((s) => s.lastEval);
  return (
    <>
      {lastEval && (
        <p className="exact-match">
          Exact match on held-out strings: <strong data-testid="exact-match">{fmtPercent(lastEval.exactMatch)}</strong>{' '}
          <span className="muted">(after step {lastEval.step})</span>
        </p>
      )}
      {result && (
        <p className="result" data-testid="run-result">
          {result.outcome === 'failed'
            ? `Failed at step ${result.step}; the message above says why.`
            : `${result.outcome === 'stopped' ? `Stopped at step ${result.step}` : 'Finished'} in ${fmtSeconds(result.seconds ?? NaN)}.`}
        </p>
      )}
    </>
  );
}

export function RunPanel() {
  const hasRun = useTrainerStore((s) => s.progress !== null);
  return (
    <section className="panel run" aria-labelledby="run-title">
      <h2 id="run-title">Training</h2>
      {hasRun ? (
        <>
          <Progress />
          <Outcome />
          <Suspense fallback={<div className="chart-placeholder">Loading the chart…</div>}>
            <LossChart />
          </Suspense>
          <Samples />
        </>
      ) : (
        <p className="muted empty">Press “Train a tiny model” to start. The loss curve, the exact match and sample predictions appear here.</p>
      )}
    </section>
  );
}
