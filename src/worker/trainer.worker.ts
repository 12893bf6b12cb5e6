// The training worker: hosts the engine off the page's thread, runs one command at a time and reports
// what happens as typed events.
import { chooseBackend, type BackendPreference } from '../engine/backend';
import { runQuickTrain, type QuickTrainOptions } from '../engine/demo/quickTrain';
import { PauseGate } from './pauseGate';
import type { TrainerCommand, TrainerEvent } from './protocol';
import { wasmPaths } from './wasmAssets';
import { yieldToEvents } from './yieldToEvents';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: TrainerEvent) => scope.postMessage(event);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

const gate = new PauseGate();
let training = false;
let stopRequested = false;
// Backend switches and run starts wait for the switch before them, so a run never starts mid-switch.
let backendSwitch: Promise<unknown> = Promise.resolve();

function init(preference: BackendPreference): void {
  if (training) throw new Error('stop the training run before switching the backend');
  backendSwitch = backendSwitch
    .then(() => chooseBackend(preference, { wasmPaths }))
    .then((choice) => post({ type: 'ready', backend: choice.name, reason: choice.reason, fallbacks: choice.fallbacks }))
    .catch((e) => post({ type: 'error', message: message(e) }));
}

async function start(options: QuickTrainOptions): Promise<void> {
  if (training) throw new Error('a training run is already going; stop it first');
  training = true;
  stopRequested = false;
  gate.resume();
  try {
    await backendSwitch;
    post({ type: 'status', phase: 'training' });
    const t0 = performance.now();
    const final = await runQuickTrain(options, {
      onStep: (step, loss) => post({ type: 'progress', step, total: options.steps, loss }),
      onEval: (ev) => post({ type: 'eval', ...ev }),
      shouldStop: () => stopRequested,
      isPaused: async () => {
        await yieldToEvents(); // lets a pause, step or stop sent during the step arrive
        await gate.wait();
      },
    });
    post({ type: 'done', final, stopped: stopRequested, seconds: (performance.now() - t0) / 1000 });
  } catch (e) {
    post({ type: 'error', message: message(e), endedRun: true });
  } finally {
    training = false;
    post({ type: 'status', phase: 'idle' });
  }
}

function setPaused(paused: boolean): void {
  if (!training) return;
  if (paused) gate.pause();
  else gate.resume();
  post({ type: 'status', phase: paused ? 'paused' : 'training' });
}

type Handlers = { [K in TrainerCommand['type']]: (cmd: Extract<TrainerCommand, { type: K }>) => void | Promise<void> };
const handlers: Handlers = {
  init: (cmd) => init(cmd.backend),
  start: (cmd) => start(cmd.options),
  pause: () => setPaused(true),
  resume: () => setPaused(false),
  step: () => gate.step(),
  stop: () => {
    if (!training) return;
    stopRequested = true;
    gate.resume(); // a paused loop must wake up to see the stop
    post({ type: 'status', phase: 'stopping' });
  },
};

scope.onmessage = (e: MessageEvent<TrainerCommand>) => {
  const cmd = e.data;
  const handler = handlers[cmd.type] as ((c: TrainerCommand) => void | Promise<void>) | undefined;
  if (!handler) {
    post({ type: 'error', message: `the worker does not know the command "${String(cmd.type)}"` });
    return;
  }
  Promise.resolve()
    .then(() => handler(cmd))
    .catch((err) => post({ type: 'error', message: message(err) }));
};

// Anything that escapes the handlers still reaches the page as a message.
scope.addEventListener('unhandledrejection', (e) => post({ type: 'error', message: message(e.reason) }));
