// The page's side of the worker protocol: starts the worker, sends commands, and turns events into store
// updates. Per-step progress is buffered here and flushed to the store at most every 100 ms, so React
// renders about ten times a second however fast training runs.
import type { BackendPreference } from '../engine/backend';
import type { QuickTrainOptions, TrainerCommand, TrainerEvent } from '../worker/protocol';
import { LiveCurve } from './liveCurve';
import { initialTrainerState, reportError, useTrainerStore, type RunProgress, type RunResult } from './trainerStore';

const FLUSH_MS = 100;

type EventHandlers = { [K in TrainerEvent['type']]: (ev: Extract<TrainerEvent, { type: K }>) => void };

class TrainerClient {
  private worker: Worker | null = null;
  private readonly curve = new LiveCurve();
  private latest: RunProgress | null = null;
  private running = false; // a start was sent and neither done nor an error has come back
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  private readonly handlers: EventHandlers = {
    ready: (ev) =>
      useTrainerStore.setState({
        worker: 'ready',
        switching: false,
        backend: { name: ev.backend, reason: ev.reason, fallbacks: ev.fallbacks },
      }),
    status: (ev) => useTrainerStore.setState({ phase: ev.phase }),
    progress: (ev) => {
      this.curve.push(ev.step, ev.loss);
      this.latest = { ...(this.latest ?? { startedAt: performance.now() }), step: ev.step, total: ev.total, loss: ev.loss };
      this.scheduleFlush();
    },
    eval: ({ type: _, ...ev }) => {
      this.flush();
      useTrainerStore.setState({ lastEval: ev });
    },
    done: (ev) => {
      this.runEnded({ outcome: ev.stopped ? 'stopped' : 'finished', seconds: ev.seconds, step: this.latest?.step ?? ev.final.step });
      useTrainerStore.setState({ lastEval: ev.final });
    },
    error: (ev) => {
      if (ev.endedRun) this.runEnded({ outcome: 'failed', seconds: null, step: this.latest?.step ?? 0 });
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
    this.running = false;
    this.cancelFlush();
    const { preference, errors } = useTrainerStore.getState();
    useTrainerStore.setState({ ...initialTrainerState, preference, errors });
    this.connect();
  }

  setBackend(preference: BackendPreference): void {
    useTrainerStore.setState({ preference, switching: true });
    this.send({ type: 'init', backend: preference });
  }

  start(options: QuickTrainOptions): void {
    this.cancelFlush();
    this.curve.reset(options.steps);
    this.latest = { step: 0, total: options.steps, loss: NaN, startedAt: performance.now() };
    this.running = true;
    useTrainerStore.setState({ phase: 'training', progress: this.latest, curve: [], lastEval: null, result: null });
    this.send({ type: 'start', options });
  }

  pause = () => this.send({ type: 'pause' });
  resume = () => this.send({ type: 'resume' });
  step = () => this.send({ type: 'step' });
  stop = () => this.send({ type: 'stop' });

  private send(cmd: TrainerCommand): void {
    if (!this.worker) {
      reportError('the training worker is not running; restart it first');
      return;
    }
    this.worker.postMessage(cmd);
  }

  private onEvent(ev: TrainerEvent): void {
    const handler = this.handlers[ev.type] as ((e: TrainerEvent) => void) | undefined;
    if (handler) handler(ev);
    else reportError(`the worker sent an unknown event "${String(ev.type)}"`);
  }

  private runEnded(result: RunResult): void {
    this.running = false;
    this.flush();
    useTrainerStore.setState({ result });
  }

  private crashed(why: string): void {
    if (this.running) this.runEnded({ outcome: 'failed', seconds: null, step: this.latest?.step ?? 0 });
    this.worker?.terminate();
    this.worker = null;
    useTrainerStore.setState({ worker: 'crashed', switching: false, phase: 'idle' });
    reportError(`The training worker stopped: ${why}. Restart it to continue.`);
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private cancelFlush(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
  }

  private flush(): void {
    this.cancelFlush();
    if (this.latest) useTrainerStore.setState({ progress: { ...this.latest }, curve: this.curve.snapshot() });
  }
}

export const trainer = new TrainerClient();
