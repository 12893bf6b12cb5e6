// The page's side of the worker protocol: starts the worker, sends commands, and turns events into store updates.
// The worker already throttles training steps (about ten messages a second), so each message is one store update.
import type { BackendPreference } from '../engine/backend';
import type { RunEvent, StepEvent } from '../engine/experiment/events';
import type { FusionRule } from '../engine/kif/fusion';
import type { ExperimentSpec } from '../engine/spec/experiment';
import type { RunCheckpoint } from '../engine/experiment/resume';
import type { TrainerCommand, TrainerEvent } from '../worker/protocol';
import { onModelExport, requestModelExport } from './components/share/modelExportRequests';
import { useExperimentStore } from './experimentStore';
import { initialRunState, updateStrategy, useRunStore, type LiveStrategy, type RunOutcome } from './runStore';
import { runInputsFor } from './runInputs';
import { initialTrainerState, reportError, useTrainerStore } from './trainerStore';

type Handlers<E extends { type: string }> = { [K in E['type']]: (ev: Extract<E, { type: K }>) => void };
type RunOnly = Exclude<RunEvent, StepEvent>;

const newStrategy = (label: string): LiveStrategy => ({
  name: label.split(' ')[0],
  label,
  matrix: [],
  live: null,
  taskScores: [],
  accumulated: [],
  fusions: [],
  samples: [],
  samplesRow: 0,
  losses: [],
  done: false,
});

/** Runner events, one store update each. */
const runHandlers: Handlers<RunOnly> = {
  'run-start': (e) =>
    useRunStore.setState({ tasks: e.tasks, majority: e.majorityScores ?? [], units: e.units, totalSteps: e.totalSteps, strategies: e.strategies.map(newStrategy) }),
  warning: (e) => useRunStore.setState((s) => ({ warnings: [...s.warnings, e.message] })),
  'strategy-start': (e) => updateStrategy(e.strategy, (s) => ({ ...s, name: e.name, label: e.label })),
  'task-start': (e) =>
    useRunStore.setState((s) => ({
      progress: { strategy: e.strategy, task: e.task, phase: 'train', step: 0, steps: e.steps, fraction: s.progress?.fraction ?? 0, loss: NaN, taskStartedAt: performance.now() },
    })),
  importance: (e) =>
    updateStrategy(e.strategy, (s) => ({
      ...s,
      live: { task: e.task, step: e.step, scores: e.scores },
      taskScores: e.final ? [...s.taskScores, e.scores] : s.taskScores,
    })),
  accumulated: (e) => updateStrategy(e.strategy, (s) => ({ ...s, accumulated: [...s.accumulated, e.scores] })),
  fusion: (e) => updateStrategy(e.strategy, (s) => ({ ...s, fusions: [...s.fusions, e.fusion] })),
  'eval-row': (e) =>
    updateStrategy(e.strategy, (s) => ({ ...s, matrix: [...s.matrix.slice(0, e.row), e.scores], samples: e.samples, samplesRow: e.row })),
  'eval-curve': () => undefined,
  'strategy-done': (e) =>
    updateStrategy(e.strategy, (s) => ({
      ...s,
      matrix: e.result.matrix,
      samples: e.result.samples,
      samplesRow: e.result.matrix.length - 1,
      error: e.result.error,
      done: true,
    })),
  error: (e) => {
    updateStrategy(e.strategy, (s) => ({ ...s, error: e.message }));
    reportError(e.message);
  },
  'run-done': () => undefined,
};

class TrainerClient {
  private worker: Worker | null = null;
  /** After a reset, events of the run that was going are dropped. */
  private ignoreRun = false;
  private nextRefuseId = 1;

  private readonly handlers: Handlers<TrainerEvent> = {
    ready: (ev) =>
      useTrainerStore.setState({ worker: 'ready', switching: false, backend: { name: ev.backend, reason: ev.reason, fallbacks: ev.fallbacks } }),
    status: (ev) => useTrainerStore.setState({ phase: ev.phase, ...(ev.phase === 'loading-base' ? {} : { download: null }) }),
    download: (ev) => useTrainerStore.setState({ download: { loaded: ev.loaded, total: ev.total } }),
    notice: (ev) => !this.ignoreRun && useRunStore.setState((s) => ({ warnings: [...s.warnings, ev.message] })),
    fallback: (ev) => !this.ignoreRun && useRunStore.setState((s) => ({ warnings: [...s.warnings, ev.message] })),
    run: (ev) => {
      if (this.ignoreRun) return;
      (runHandlers[ev.event.type] as (e: RunOnly) => void)(ev.event);
    },
    steps: (ev) => {
      if (this.ignoreRun) return;
      const { strategy, task, phase, step, steps, fraction, losses } = ev;
      const loss = losses.at(-1)?.[1] ?? NaN;
      useRunStore.setState((s) => ({
        progress: { strategy, task, phase, step, steps, fraction, loss, taskStartedAt: s.progress?.taskStartedAt ?? performance.now() },
        strategies: s.strategies.map((x, i) => {
          if (i !== strategy) return x;
          const start = x.losses.length;
          return { ...x, losses: [...x.losses, ...losses.map(([, l], j): [number, number] => [start + j + 1, l])] };
        }),
      }));
    },
    checkpoint: () => undefined, // for listeners (the run history saves it)
    done: (ev) => {
      if (this.ignoreRun) return;
      this.runEnded({ kind: ev.results.stopped ? 'stopped' : 'finished', seconds: ev.results.timings.totalSeconds });
      useExperimentStore.getState().setResults(ev.results);
    },
    'model-export': onModelExport,
    refusable: (ev) => !this.ignoreRun && useRunStore.setState({ refusable: ev.strategies, refusableKif: ev.kif }),
    refused: (ev) => {
      if (ev.id !== useRunStore.getState().whatIf.pending) return; // a newer request replaced it
      useRunStore.setState({ whatIf: { pending: null, result: ev.result, error: null } });
    },
    error: (ev) => {
      if (ev.refuseId !== undefined) {
        if (ev.refuseId === useRunStore.getState().whatIf.pending) useRunStore.setState((s) => ({ whatIf: { ...s.whatIf, pending: null, error: ev.message } }));
        return;
      }
      if (ev.endedRun && !this.ignoreRun) this.runEnded({ kind: 'failed', seconds: null });
      useTrainerStore.setState({ switching: false });
      reportError(ev.message);
    },
  };

  /** Starts the worker (once) and asks it for the preferred backend. */
  connect(): void {
    if (this.worker) return;
    const worker = new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), { type: 'module', name: 'trainer' });
    worker.onmessage = (e: MessageEvent<TrainerEvent>) => this.onEvent(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      this.crashed(e.message || 'it could not be loaded or hit an uncaught error');
    };
    worker.onmessageerror = () => reportError('a message from the training worker could not be read');
    this.worker = worker;
    this.send({ type: 'init', backend: useTrainerStore.getState().preference });
  }

  /** Replaces a crashed (or stuck) worker with a fresh one; the backend preference is kept. */
  restart(): void {
    this.worker?.terminate();
    this.worker = null;
    const { preference, errors } = useTrainerStore.getState();
    useTrainerStore.setState({ ...initialTrainerState, preference, errors });
    if (useRunStore.getState().active) this.runEnded({ kind: 'failed', seconds: null });
    useRunStore.setState({ refusable: [], refusableKif: [] });
    this.connect();
  }

  setBackend(preference: BackendPreference): void {
    useTrainerStore.setState({ preference, switching: true });
    this.send({ type: 'init', backend: preference });
  }

  /** `resume`: go on from this checkpoint of an earlier run of the same spec. */
  start(spec: ExperimentSpec, resume?: RunCheckpoint): void {
    if (!this.worker) {
      reportError('the training worker is not running; restart it first');
      return;
    }
    const { inputs, missing } = runInputsFor(spec);
    if (missing.length) {
      reportError(`The task queue uses ${missing.map((id) => `dataset "${id}"`).join(', ')}, not loaded in this page: import the file again (Import) or remove the task.`);
      return;
    }
    this.ignoreRun = false;
    useExperimentStore.getState().setResults(null);
    useRunStore.setState({ ...initialRunState, active: true, spec, startedAt: performance.now() });
    useTrainerStore.setState({ phase: 'loading-base' });
    // A test-only switch (src/worker/faultSwitch.ts): the page's ?fault= parameter goes to the worker as it is.
    const fault = new URLSearchParams(location.search).get('fault') ?? undefined;
    this.send({ type: 'start', spec, datasets: inputs.datasets, ...(inputs.base ? { baseWeights: inputs.base.weights } : {}), ...(inputs.base?.tokenizer ? { tokenizer: inputs.base.tokenizer } : {}), ...(resume ? { resume } : {}), ...(fault ? { fault } : {}) });
  }

  pause = () => this.send({ type: 'pause' });
  resume = () => this.send({ type: 'resume' });
  step = () => this.send({ type: 'step' });
  stop = () => this.send({ type: 'stop' });
  /** The last run's trained model of a strategy as Hugging Face files (share / export). */
  exportModel = (strategy: number) => requestModelExport((cmd) => this.send(cmd), strategy);

  /** Stops a run if one is going and clears every view of it. */
  reset(): void {
    this.ignoreRun = useRunStore.getState().active;
    if (this.worker) this.send({ type: 'reset' });
    useRunStore.setState(initialRunState);
    useExperimentStore.getState().setResults(null);
  }

  /** Asks the worker to fuse strategy `strategy`'s recorded models with this rule and knobs (what-if). */
  refuse(strategy: number, rule: FusionRule, beta: number): void {
    const id = this.nextRefuseId++;
    useRunStore.setState((s) => ({ whatIf: { ...s.whatIf, pending: id, error: null } }));
    this.send({ type: 'refuse', request: { id, strategy, rule, beta } });
  }

  private send(cmd: TrainerCommand): void {
    if (!this.worker) {
      reportError('the training worker is not running; restart it first');
      return;
    }
    this.worker.postMessage(cmd);
  }

  private readonly listeners = new Set<(ev: TrainerEvent) => void>();

  /** Calls `f` with every worker event after the client's own handling; returns the unsubscribe. */
  listen(f: (ev: TrainerEvent) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private onEvent(ev: TrainerEvent): void {
    const handler = this.handlers[ev.type] as ((e: TrainerEvent) => void) | undefined;
    if (handler) handler(ev);
    else reportError(`the worker sent an unknown event "${String(ev.type)}"`);
    this.listeners.forEach((f) => f(ev));
  }

  private runEnded(outcome: RunOutcome): void {
    useRunStore.setState({ active: false, outcome });
  }

  private crashed(why: string): void {
    if (useRunStore.getState().active) this.runEnded({ kind: 'failed', seconds: null });
    this.worker?.terminate();
    this.worker = null;
    useTrainerStore.setState({ worker: 'crashed', switching: false, phase: 'idle' });
    reportError(`The training worker stopped: ${why}. Restart it to continue.`);
  }
}

export const trainer = new TrainerClient();
