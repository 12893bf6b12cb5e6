// The page's side of the worker protocol: starts the worker, sends commands, and folds events into the run store with
// the engine's run reducer (engine/run). Events of any run but the current one (a reset since) are dropped by run id.
// The worker already throttles training steps (about ten messages a second), so each message is one store update.
import type { BackendPreference } from '../engine/backend';
import type { RunEvent } from '../engine/experiment/events';
import type { WhatIfKnobs } from '../engine/experiment/whatIfKnobs';
import type { ExperimentSpec } from '../engine/spec/experiment';
import type { RunCheckpoint } from '../engine/experiment/resume';
import { reduceRun } from '../engine/run/reduce';
import type { TrainerCommand, TrainerEvent } from '../worker/protocol';
import { onModelExport, requestModelExport } from './services/modelExportRequests';
import { useExperimentStore } from './experimentStore';
import { initialRunState, useRunStore, type RunOutcome } from './runStore';
import { runInputsFor } from './runInputs';
import { readPresent, tellsStory } from './present/presentState';
import { initialTrainerState, reportError, useTrainerStore } from './trainerStore';

type Handlers<E extends { type: string }> = { [K in E['type']]: (ev: Extract<E, { type: K }>) => void };

/** Folds run events into the shown run; the page's own clocks and the error list beside it. */
function reduceEvents(events: readonly RunEvent[]): void {
  useRunStore.setState((s) => {
    let run = s.run ?? undefined;
    let taskStartedAt = s.taskStartedAt;
    for (const e of events) {
      if (e.type === 'run-start') run = undefined; // a backend fallback starts the run again from its checkpoint
      run = reduceRun(run, e);
      if (e.type === 'task-start') taskStartedAt = { ...taskStartedAt, [e.strategy]: performance.now() };
    }
    return { run: run ?? null, taskStartedAt };
  });
  for (const e of events) if (e.type === 'error') reportError(e.message);
}

class TrainerClient {
  private worker: Worker | null = null;
  private nextRunId = 1;
  private nextRequestId = 1;

  /** True when `runId` is the run the page shows as going. */
  private current = (runId: number) => runId === useRunStore.getState().runId;

  private readonly handlers: Handlers<TrainerEvent> = {
    ready: (ev) =>
      useTrainerStore.setState({
        worker: 'ready',
        switching: false,
        backend: { name: ev.backend, reason: ev.reason, fallbacks: ev.fallbacks },
      }),
    status: (ev) =>
      useTrainerStore.setState({ phase: ev.phase, ...(ev.phase === 'loading-base' ? {} : { download: null }) }),
    download: (ev) => useTrainerStore.setState({ download: { loaded: ev.loaded, total: ev.total } }),
    notice: (ev) => this.current(ev.runId) && useRunStore.setState((s) => ({ notices: [...s.notices, ev.message] })),
    fallback: (ev) => this.current(ev.runId) && useRunStore.setState((s) => ({ notices: [...s.notices, ev.message] })),
    run: (ev) => this.current(ev.runId) && reduceEvents([ev.event]),
    steps: (ev) => this.current(ev.runId) && reduceEvents(ev.steps),
    checkpoint: () => undefined, // for listeners (the run history saves it)
    done: (ev) => {
      if (!this.current(ev.runId)) return;
      // The worker's document: the fold of the same events, with the backend fallbacks' notices among its warnings.
      useRunStore.setState((s) => ({
        run: ev.results,
        notices: s.notices.filter((n) => !ev.results.warnings.includes(n)),
      }));
      this.runEnded({ kind: ev.results.stopped ? 'stopped' : 'finished', seconds: ev.results.timings.totalSeconds });
      useExperimentStore.getState().setResults(ev.results);
    },
    'model-export': onModelExport,
    recomputable: (ev) =>
      this.current(ev.runId) && useRunStore.setState({ recomputable: ev.strategies, recomputableKif: ev.kif }),
    'fusion-recomputed': (ev) => {
      if (ev.id !== useRunStore.getState().whatIf.pending) return; // a newer request replaced it
      useRunStore.setState({ whatIf: { pending: null, result: ev.result, error: null } });
    },
    error: (ev) => {
      if (ev.requestId !== undefined) {
        if (ev.requestId === useRunStore.getState().whatIf.pending)
          useRunStore.setState((s) => ({ whatIf: { ...s.whatIf, pending: null, error: ev.message } }));
        return;
      }
      if (ev.runId !== undefined && !this.current(ev.runId)) return;
      if (ev.runId !== undefined) this.runEnded({ kind: 'failed', seconds: null });
      useTrainerStore.setState({ switching: false });
      reportError(ev.message);
    },
  };

  /** Starts the worker (once) and asks it for the preferred backend. */
  connect(): void {
    if (this.worker) return;
    const worker = new Worker(new URL('../worker/trainer.worker.ts', import.meta.url), {
      type: 'module',
      name: 'trainer',
    });
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
    const { preference, sideBySide, errors } = useTrainerStore.getState();
    useTrainerStore.setState({ ...initialTrainerState, preference, sideBySide, errors });
    if (useRunStore.getState().active) this.runEnded({ kind: 'failed', seconds: null });
    useRunStore.setState({ recomputable: [], recomputableKif: [] });
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
      reportError(
        `The task queue uses ${missing.map((id) => `dataset "${id}"`).join(', ')}, not loaded in this page: import the file again (Import) or remove the task.`,
      );
      return;
    }
    const runId = this.nextRunId++;
    useExperimentStore.getState().setResults(null);
    useRunStore.setState({ ...initialRunState, active: true, runId, startedAt: performance.now() });
    useTrainerStore.setState({ phase: 'loading-base' });
    // A test-only switch (src/worker/faultSwitch.ts): the page's ?fault= parameter goes to the worker as it is.
    const fault = new URLSearchParams(location.search).get('fault') ?? undefined;
    this.send({
      type: 'start',
      runId,
      spec,
      datasets: inputs.datasets,
      ...(inputs.base ? { baseWeights: inputs.base.weights } : {}),
      ...(inputs.base?.tokenizer ? { tokenizer: inputs.base.tokenizer } : {}),
      ...(resume ? { resume } : {}),
      ...(fault ? { fault } : {}),
      // Present mode's story goes strategy by strategy (presentState.ts); its state is in the query string.
      sideBySide: useTrainerStore.getState().sideBySide && !tellsStory(readPresent(location.search)),
    });
  }

  pause = () => this.send({ type: 'pause' });
  resume = () => this.send({ type: 'resume' });
  step = () => this.send({ type: 'step' });
  stop = () => this.send({ type: 'stop' });
  /** The last run's trained model of a strategy as Hugging Face files (share / export). */
  exportModel = (strategy: number) => requestModelExport((cmd) => this.send(cmd), strategy);

  /** Stops a run if one is going and clears every view of it (its later events carry an id no longer shown). */
  reset(): void {
    if (this.worker) this.send({ type: 'reset' });
    useRunStore.setState(initialRunState);
    useExperimentStore.getState().setResults(null);
  }

  /** Asks the worker to merge strategy `strategy`'s recorded models again with this rule and knobs (what-if). */
  recomputeFusion(strategy: number, knobs: WhatIfKnobs): void {
    const id = this.nextRequestId++;
    useRunStore.setState((s) => ({ whatIf: { ...s.whatIf, pending: id, error: null } }));
    this.send({ type: 'recompute-fusion', request: { id, strategy, ...knobs } });
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
