// Play, pause, step, stop, reset (space toggles play/pause) and the progress of the task and of the whole queue.
import { useEffect, useMemo } from 'react';
import { memoryVerdict } from '../../engine/experiment/memoryBudget';
import { experimentProblems } from '../../engine/experiment/specCheck';
import { useExperimentStore } from '../experimentStore';
import { useImportedStore } from '../importedStore';
import { runInputsFor } from '../runInputs';
import { fmtSeconds } from '../format';
import { useRunStore } from '../runStore';
import { useRunWarnings, useStrategies, useTaskNames } from '../runView';
import { trainer } from '../trainerClient';
import { useTrainerStore } from '../trainerStore';
import { problemsOf, useFieldProblems } from '../fieldProblems';
import { FieldBlockers } from './FieldBlockers';
import { hubModels } from '../../engine/model/hubModels';
import { cannotTrain } from './HubModels';
import { Icon } from './Icon';
import { ExperimentName } from './ExperimentName';
import { ResumeCard } from './ResumeCard';
import { count } from '../plural';
import { Bar, ProgressRow } from './ProgressRow';
import type { RunPhase } from '../../engine/run/state';
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

function usePlayPause() {
  const phase = useTrainerStore((s) => s.phase);
  const workerReady = useTrainerStore((s) => s.worker === 'ready');
  const active = useRunStore((s) => s.active);
  const spec = useExperimentStore((s) => s.spec);
  // The backend the run will use: the active one once the worker is up, else what the spec asks for (auto: wasm first).
  const backend = useTrainerStore((s) => s.backend?.name) ?? (spec.backend === 'auto' ? 'wasm' : spec.backend);
  // A model imported with its own tokenizer is checked against that tokenizer, which its runs use.
  const checkpoints = useImportedStore((s) => s.checkpoints);
  const memory = useMemo(() => ('checkpoint' in spec.model ? null : memoryVerdict(spec, backend)), [spec, backend]);
  const problems = useMemo(() => {
    const own = runInputsFor(spec).inputs.base?.tokenizer;
    const problems = experimentProblems(
      spec,
      own?.kind === 'byte' || !own ? undefined : { name: own.kind, vocabSize: own.vocabSize },
    );
    if (memory?.refusal) problems.push(memory.refusal);
    // A Hub model this browser cannot train is refused here, before it is downloaded.
    const hub =
      'checkpoint' in spec.model
        ? hubModels.find((m) => m.url === (spec.model as { checkpoint: string }).checkpoint)
        : undefined;
    const why = hub && cannotTrain(spec, hub, backend);
    return why ? [...problems, `model.checkpoint: ${hub!.id} ${why}`] : problems;
  }, [spec, checkpoints, backend, memory]);
  // A field showing a bad value: the spec still holds the last valid one, which the screen no longer shows.
  const fieldsBad = useFieldProblems((s) => problemsOf(s, 'run').length > 0);
  const canStart = workerReady && !active && phase === 'idle' && problems.length === 0 && !fieldsBad;
  const toggle = () => {
    if (!active) {
      if (canStart) trainer.start(spec);
    } else if (phase === 'paused') {
      if (!fieldsBad) trainer.resume();
    } else if (phase === 'training') trainer.pause();
  };
  return { phase, active, canStart, problems, toggle, spec, fieldsBad, memoryWarning: memory?.warning };
}

const doingText = (doing: RunPhase | null, backend: string | undefined) =>
  doing === 'compiling'
    ? `compiling shaders (the first ${backend ?? ''} steps are slow)…`
    : doing === 'evaluating'
      ? 'evaluating…'
      : doing === 'fusing'
        ? 'fusing…'
        : doing === 'finishing'
          ? 'finishing the task…'
          : 'training';

function Progress() {
  const rows = useRunStore((s) => s.run?.live?.progress) ?? [];
  const fraction = useRunStore((s) => s.run?.live?.fraction ?? 0);
  const runPhase = useRunStore((s) => s.run?.live?.phase ?? null);
  const phases = useRunStore((s) => s.run?.live?.phases);
  const taskStartedAt = useRunStore((s) => s.taskStartedAt);
  const strategies = useStrategies();
  const tasks = useTaskNames();
  const startedAt = useRunStore((s) => s.startedAt);
  const active = useRunStore((s) => s.active);
  const outcome = useRunStore((s) => s.outcome);
  const warnings = useRunWarnings();
  const phase = useTrainerStore((s) => s.phase);
  const backend = useTrainerStore((s) => s.backend?.name);
  const download = useTrainerStore((s) => s.download);
  if (!active && !outcome) return null;
  const now = performance.now();
  // What the run does inside 'training' is told by the runner's phase events, each strategy's own: each lane's row
  // says what it does, and the run is training while any lane is (the latest event may be another lane's).
  const laneDoing = (p: (typeof rows)[number]) => phases?.[p.strategy] ?? 'training';
  const lanes = rows.length > 1;
  const doing =
    phase !== 'training'
      ? null
      : rows.length === 0
        ? runPhase
        : rows.some((p) => laneDoing(p) === 'training')
          ? 'training'
          : laneDoing(rows[0]);
  const state = !active
    ? (outcome?.kind ?? 'finished')
    : phase === 'loading-base'
      ? download
        ? `downloading the checkpoint: ${mib(download.loaded)}${download.total ? ` of ${mib(download.total)}` : ''} (Stop cancels)`
        : 'loading the pretrained base…'
      : phase === 'paused'
        ? 'paused'
        : phase === 'stopping'
          ? 'stopping…'
          : doingText(doing, backend);
  const taskLeft = (p: (typeof rows)[number]) =>
    p.step > 0 && phase === 'training'
      ? ((now - (taskStartedAt[p.strategy] ?? now)) / 1000 / p.step) * (p.steps - p.step)
      : NaN;
  const queueLeft =
    startedAt !== null && fraction > 0 && phase === 'training'
      ? ((now - startedAt) / 1000 / fraction) * (1 - fraction)
      : NaN;
  const stateStat = (
    <div>
      <dt>State</dt>
      <dd data-testid="run-state">{state}</dd>
    </div>
  );
  const queueBar = (
    <div>
      <span className="bar-label">
        Whole queue, every strategy <span className="muted">· time left {fmtSeconds(queueLeft)}</span>
      </span>
      <Bar label="Progress of the whole queue" value={active ? fraction : 1} testId="queue-progress" />
    </div>
  );
  return (
    <div className="run-progress" aria-live="off">
      {rows.length === 0 && (
        <>
          <dl className="stats">{stateStat}</dl>
          {/* Between one strategy's end and the next one's first task the queue's bar stays. */}
          {fraction > 0 && <div className="bars">{queueBar}</div>}
        </>
      )}
      {rows.map((p, i) => (
        <ProgressRow
          key={p.strategy}
          p={p}
          first={i === 0}
          strategies={strategies}
          tasks={tasks}
          taskLeft={taskLeft(p)}
          doing={lanes && phase === 'training' && laneDoing(p) !== 'training' ? doingText(laneDoing(p), backend) : null}
          lead={i === 0 && stateStat}
          trail={i === 0 && queueBar}
        />
      ))}
      {download && phase === 'loading-base' && (
        <Bar
          label="Download of the checkpoint"
          value={download.total ? download.loaded / download.total : 0}
          testId="download-progress"
        />
      )}
      {outcome && (
        <p className="result" data-testid="run-result">
          {outcome.kind === 'failed'
            ? 'The run failed; the message above says why.'
            : `${outcome.kind === 'stopped' ? 'Stopped' : 'Finished'} in ${fmtSeconds(outcome.seconds ?? NaN)}.`}
        </p>
      )}
      {warnings.length > 0 && (
        <ul className="warnings" data-testid="run-warnings">
          {warnings.map((w) => (
            <li key={w}>
              <span aria-hidden="true">⚠ </span>
              {w}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function RunBar() {
  const { phase, active, canStart, problems, toggle, spec, fieldsBad, memoryWarning } = usePlayPause();
  const hasRun = useRunStore((s) => s.active || s.outcome !== null);
  const workerReady = useTrainerStore((s) => s.worker === 'ready');

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || e.repeat || e.altKey || e.ctrlKey || e.metaKey) return;
      // Space types in fields and presses focused buttons already.
      const t = e.target as HTMLElement | null;
      if (t?.closest('input, select, textarea, button, summary, [role="tab"], [contenteditable="true"]')) return;
      e.preventDefault();
      toggle();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const strategies = spec.strategies.length;
  const steps = spec.tasks.reduce((a, t) => a + t.steps, 0);
  return (
    <section className={active ? 'panel runbar live' : 'panel runbar'} aria-labelledby="run-title">
      <div className="runbar-head">
        <ExperimentName />
        <p className="muted" data-testid="run-bar-summary">
          {count(spec.tasks.length, 'task')} × {count(strategies, 'strategy', 'strategies')},{' '}
          {count(steps * strategies, 'training step')}. Space: play / pause.
        </p>
      </div>
      <ResumeCard />
      <div className="buttons">
        {!active ? (
          <button type="button" className="primary" onClick={toggle} disabled={!canStart} data-testid="run-button">
            <Icon name="play" />
            {!workerReady ? 'Waiting for the engine…' : hasRun ? 'Run again' : 'Run'}
          </button>
        ) : phase === 'paused' ? (
          <button type="button" className="primary" onClick={() => trainer.resume()} disabled={fieldsBad}>
            <Icon name="play" />
            Resume
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => trainer.pause()} disabled={phase !== 'training'}>
            <Icon name="pause" />
            Pause
          </button>
        )}
        <button
          type="button"
          onClick={() => trainer.step()}
          disabled={phase !== 'paused' || fieldsBad}
          data-testid="step-button"
        >
          <Icon name="step" />
          Step
        </button>
        <button type="button" onClick={() => trainer.stop()} disabled={!active || phase === 'stopping'}>
          <Icon name="stop" />
          Stop
        </button>
        <button type="button" onClick={() => trainer.reset()} disabled={!hasRun}>
          Reset
        </button>
      </div>
      <FieldBlockers scope="run" action={active ? 'Resume and Step' : 'Run'} testId="run-blocked" />
      {!workerReady && !active && (
        <p className="hint">TensorFlow.js is loading in the background; you can edit the experiment meanwhile.</p>
      )}
      {memoryWarning && !active && (
        <p className="hint" data-testid="memory-warning">
          <span aria-hidden="true">⚠ </span>
          {memoryWarning}
        </p>
      )}
      {problems.length > 0 && (
        <ul className="warnings" data-testid="spec-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <Progress />
    </section>
  );
}
