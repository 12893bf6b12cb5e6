// A run a reload or a closed tab cut short, said at the top of the run card with its two choices, so the page does not
// look like the work was lost. Resuming goes on from the last task boundary (the numbers are those of an uninterrupted
// run); the step it had reached is named so the user knows what will be redone.
import { useEffect, useMemo } from 'react';
import { dismissOffer, resumeLabel, resumeOffered, useHistoryStore } from '../storage/runHistory';
import { interruptedAt, readProgress, trackProgress } from '../storage/lastProgress';
import { useRunStore } from '../runStore';
import { useTrainerStore } from '../trainerStore';
import { Icon } from './Icon';

export function ResumeCard() {
  useEffect(trackProgress, []);
  const offer = useHistoryStore((s) => s.offer);
  // While another run (or a what-if recompute) holds the worker, resuming would be refused.
  const active = useRunStore((s) => s.active);
  const phase = useTrainerStore((s) => s.phase);
  const busy = active || phase !== 'idle';
  const where = useMemo(
    () =>
      offer &&
      interruptedAt(
        offer.resumeAt ?? { strategy: 0, task: 0 },
        offer.spec.tasks.length,
        offer.spec.strategies.length,
        readProgress(),
      ),
    [offer],
  );
  if (!offer) return null;
  return (
    <div className="resume-card" role="region" aria-label="Interrupted run" data-testid="resume-card">
      <p>
        <strong data-testid="interrupted-at">Interrupted at {where}</strong>{' '}
        <span className="muted">“{offer.name}”, when the page closed.</span>{' '}
        <span className="hint">Resume goes on from the start of {resumeLabel(offer)}.</span>
      </p>
      <div className="buttons">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void resumeOffered()}
          data-testid="resume-run"
        >
          <Icon name="play" />
          Resume
        </button>
        <button type="button" onClick={() => void dismissOffer()} data-testid="discard-run">
          Discard
        </button>
      </div>
    </div>
  );
}
