// Present mode's bar: the story's captioned steps (Back / Next, or the keys ← →), the run's one button (Start /
// Continue at a boundary), Exit (or P), and the embed form: an iframe snippet of this view with chosen parts hidden.
import { useEffect } from 'react';
import { useExperimentStore } from '../experimentStore';
import { captionFor, embedSnippet, HIDEABLE, PRESENT_STEPS, type Hideable } from '../present/presentState';
import {
  continueRun,
  goToStep,
  pauseAtBoundaries,
  setHidden,
  startPresenting,
  stopPresenting,
  usePresentStore,
} from '../present/presentStore';
import { useRunStore } from '../runStore';
import { trainer } from '../trainerClient';
import { useTrainerStore } from '../trainerStore';

const typing = (t: EventTarget | null) =>
  !!(t as HTMLElement | null)?.closest?.('input, select, textarea, [contenteditable="true"]');

/** P toggles present mode; ← and → walk its steps. */
function usePresentKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || typing(e.target)) return;
      const { step } = usePresentStore.getState();
      if (e.key === 'p' || e.key === 'P') {
        e.preventDefault();
        if (step === null) startPresenting();
        else stopPresenting();
      } else if (
        step !== null &&
        (e.key === 'ArrowRight' || e.key === 'ArrowLeft') &&
        !(e.target as HTMLElement | null)?.closest?.('[role="group"], [role="tablist"]')
      ) {
        e.preventDefault();
        goToStep(step + (e.key === 'ArrowRight' ? 1 : -1));
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function EmbedForm() {
  const hide = usePresentStore((s) => s.hide);
  const snippet = embedSnippet(location.href);
  const toggle = (h: Hideable, on: boolean) => setHidden(on ? [...hide, h] : hide.filter((x) => x !== h));
  return (
    <details className="embed-form" data-testid="embed-form">
      <summary>Embed</summary>
      <fieldset>
        <legend>Hide in the embed</legend>
        {(Object.keys(HIDEABLE) as Hideable[]).map((h) => (
          <label key={h}>
            <input type="checkbox" checked={hide.includes(h)} onChange={(e) => toggle(h, e.target.checked)} />{' '}
            {HIDEABLE[h]}
          </label>
        ))}
      </fieldset>
      <textarea
        readOnly
        rows={3}
        aria-label="Embed snippet"
        value={snippet}
        data-testid="embed-snippet"
        onFocus={(e) => e.currentTarget.select()}
      />
    </details>
  );
}

export function PresentButton() {
  usePresentKeys();
  const presenting = usePresentStore((s) => s.step !== null);
  return (
    <button
      type="button"
      onClick={presenting ? stopPresenting : startPresenting}
      aria-pressed={presenting}
      data-testid="present-button"
      title="P"
    >
      {presenting ? 'Exit present mode' : 'Present'}
    </button>
  );
}

export function PresentBar() {
  useEffect(pauseAtBoundaries, []);
  const step = usePresentStore((s) => s.step);
  const hide = usePresentStore((s) => s.hide);
  const pausedAt = usePresentStore((s) => s.pausedAt);
  const specTasks = useExperimentStore((s) => s.spec.tasks);
  const tasks = specTasks.map((t) => (typeof t.task === 'string' ? t.task : t.task.dataset));
  const active = useRunStore((s) => s.active);
  const hasRun = useRunStore((s) => s.outcome !== null);
  const phase = useTrainerStore((s) => s.phase);
  const ready = useTrainerStore((s) => s.worker === 'ready');
  if (step === null) return null;
  const s = PRESENT_STEPS[step];
  return (
    <section className="present-bar" aria-label="Present mode" data-testid="present-bar">
      {!hide.includes('captions') && (
        <>
          <p className="present-step" aria-live="polite">
            <span className="muted">
              Step {step + 1} of {PRESENT_STEPS.length}
            </span>{' '}
            <strong data-testid="present-title">{s.title}</strong>
            <span className="present-caption" data-testid="present-caption">
              {captionFor(s, tasks)}
            </span>
          </p>
          <div className="buttons">
            <button type="button" onClick={() => goToStep(step - 1)} disabled={step === 0} data-testid="present-back">
              ← Back
            </button>
            <button
              type="button"
              onClick={() => goToStep(step + 1)}
              disabled={step === PRESENT_STEPS.length - 1}
              data-testid="present-next"
            >
              Next →
            </button>
            {!active ? (
              <button
                type="button"
                className="primary"
                disabled={!ready || phase !== 'idle'}
                onClick={() => trainer.start(useExperimentStore.getState().spec)}
                data-testid="present-start"
              >
                {hasRun ? 'Run again' : 'Start the run'}
              </button>
            ) : pausedAt && phase === 'paused' ? (
              <button type="button" className="primary" onClick={continueRun} data-testid="present-continue">
                Continue
              </button>
            ) : null}
            <button type="button" onClick={stopPresenting} data-testid="present-exit">
              Exit (P)
            </button>
          </div>
          {pausedAt && phase === 'paused' && (
            <p className="present-paused" role="status" data-testid="present-paused">
              {pausedAt}
            </p>
          )}
          <EmbedForm />
        </>
      )}
    </section>
  );
}
