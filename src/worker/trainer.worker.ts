// The training worker: hosts the engine off the page's thread, runs one experiment at a time and reports what happens
// as typed events. It keeps every strategy's task models (and the inputs of each KIF strategy's last fusion), so the
// page can ask what any fusion rule with any knobs would have merged (what-if) without retraining.
import { chooseBackend, fallBackFrom, isBackendFailure, type BackendName, type BackendPreference } from '../engine/backend';
import type { ResultsDocument } from '../engine/experiment/results';
import { resumePoint, type RunCheckpoint } from '../engine/experiment/resume';
import { runExperiment, type RunHooks } from '../engine/experiment/runner';
import { FusionInputsRecorder, whatIfFusion } from '../engine/experiment/whatIf';
import { FinalModels } from '../engine/export/finalModels';
import type { T5Config } from '../engine/model/config';
import type { HostTensors } from '../engine/model/init';
import type { ExperimentSpec } from '../engine/spec/experiment';
import { loadBaseWeights } from './baseWeights';
import { loadCheckpointModel, type CheckpointModel } from './checkpointModel';
import { FaultSwitch } from './faultSwitch';
import { PauseGate } from './pauseGate';
import type { RefuseRequest, StartCommand, TrainerCommand, TrainerEvent } from './protocol';
import type { RunTokenizerSpec } from '../engine/tokenizers/runTokenizer';
import { StepThrottle } from './stepThrottle';
import { wasmPaths } from './wasmAssets';
import { yieldToEvents } from './yieldToEvents';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: TrainerEvent) => scope.postMessage(event);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

const gate = new PauseGate();
const recorder = new FusionInputsRecorder();
/** Each strategy's trained model of the last run, for 'export-model'. */
const finalModels = new FinalModels();
let training = false;
let stopRequested = false;
/** The spec of the last run and its imported datasets, for what-if. */
let lastSpec: ExperimentSpec | null = null;
let lastDatasets: StartCommand['datasets'] = undefined;
/** The tokenizer of the last run (an imported checkpoint's own), which what-if fusion evaluates with. */
let lastTokenizer: RunTokenizerSpec | undefined;
let lastConfig: T5Config | undefined;
/** Cancels the checkpoint download of a starting run (Stop while it downloads). */
let downloadAbort: AbortController | null = null;
// Backend switches and run starts wait for the switch before them, so a run never starts mid-switch.
let backendSwitch: Promise<unknown> = Promise.resolve();
let activeBackend: BackendName | null = null;

function init(preference: BackendPreference): void {
  if (training) throw new Error('stop the training run before switching the backend');
  backendSwitch = backendSwitch
    .then(() => chooseBackend(preference, { wasmPaths }))
    .then((choice) => {
      activeBackend = choice.name;
      post({ type: 'ready', backend: choice.name, reason: choice.reason, fallbacks: choice.fallbacks });
    })
    .catch((e) => post({ type: 'error', message: message(e) }));
}

const faults = new FaultSwitch();
/** Where a run restarted from this checkpoint goes on, in words. */
const resumePointText = (cp: RunCheckpoint | undefined) => {
  if (!cp) return 'the start of the run';
  const at = resumePoint(cp);
  return `task ${at.task + 1} of strategy ${at.strategy + 1}`;
};

async function start({ spec, resume, datasets, baseWeights, tokenizer, fault }: StartCommand): Promise<void> {
  if (training) throw new Error('an experiment is already running; stop it first');
  training = true;
  stopRequested = false;
  gate.resume();
  recorder.clear();
  finalModels.clear();
  lastSpec = null;
  faults.arm(fault);
  const steps = new StepThrottle(post);
  const notices: string[] = [];
  try {
    await backendSwitch;
    let base: { weights?: HostTensors } | null = baseWeights ? { weights: baseWeights } : null;
    let model: Partial<CheckpointModel> = tokenizer ? { tokenizer } : {};
    if ('checkpoint' in spec.model) {
      post({ type: 'status', phase: 'loading-base' });
      downloadAbort = new AbortController();
      const loaded = await loadCheckpointModel(spec.model.checkpoint, {
        signal: downloadAbort.signal,
        onProgress: (loadedBytes, total) => post({ type: 'download', loaded: loadedBytes, total }),
        sha256: spec.model.sha256,
      });
      downloadAbort = null;
      model = loaded.model;
      post({ type: 'notice', message: loaded.notice });
      if (loaded.mismatch) {
        notices.push(loaded.mismatch);
        post({ type: 'notice', message: loaded.mismatch });
      }
    } else if (!base) {
      post({ type: 'status', phase: 'loading-base' });
      const loaded = await loadBaseWeights(spec);
      if (loaded?.notice) post({ type: 'notice', message: loaded.notice });
      base = loaded;
    }
    post({ type: 'status', phase: gate.isPaused ? 'paused' : 'training' });
    // The last task boundary: a backend that fails mid-run hands over to the next one from here.
    let from = resume;
    const hooks: RunHooks = {
      onEvent: (e) => {
        if (e.type === 'step') return steps.push(e);
        steps.flush();
        recorder.onEvent(e);
        post({ type: 'run', event: e });
      },
      onModel: async (at, model) => {
        await recorder.onModel(at, model);
        await finalModels.onModel(at, model);
      },
      onCheckpoint: (checkpoint) => {
        steps.flush();
        from = checkpoint;
        post({ type: 'checkpoint', checkpoint });
      },
      shouldStop: () => stopRequested,
      beforeStep: async () => {
        await yieldToEvents(); // lets a pause, step or stop sent during the last step arrive
        if (gate.isPaused) steps.flush();
        await gate.wait();
        faults.tick();
      },
    };
    const options = { baseWeights: base?.weights, datasets: (id: string) => datasets?.[id], ...model };
    let results: ResultsDocument | undefined;
    while (!results) {
      try {
        results = await runExperiment(spec, hooks, { ...options, resume: from });
      } catch (e) {
        if (!isBackendFailure(e) || stopRequested || !activeBackend) throw e;
        steps.flush();
        const failed = activeBackend;
        const choice = await fallBackFrom(failed, { wasmPaths });
        activeBackend = choice.name;
        const notice = `The ${failed} backend failed during the run (${message(e)}). Switched to ${choice.name}; the run goes on from ${resumePointText(from)}.`;
        notices.push(notice);
        post({ type: 'ready', backend: choice.name, reason: choice.reason, fallbacks: choice.fallbacks });
        post({ type: 'fallback', from: failed, to: choice.name, message: notice });
      }
    }
    steps.flush();
    results.warnings.unshift(...notices);
    lastSpec = spec;
    lastDatasets = datasets;
    lastTokenizer = model.tokenizer;
    lastConfig = model.checkpoint?.config;
    post({ type: 'done', results });
    post({ type: 'refusable', strategies: recorder.strategies(), kif: recorder.kifStrategies() });
  } catch (e) {
    steps.flush();
    post({ type: 'error', message: message(e), endedRun: true });
  } finally {
    training = false;
    post({ type: 'status', phase: 'idle' });
  }
}

// What-if requests come as fast as a slider moves: only the newest waiting one is computed.
let nextRefuse: RefuseRequest | null = null;
let refusing = false;

async function refuse(request: RefuseRequest): Promise<void> {
  if (training) throw new Error('what-if fusion needs a finished run; wait for the run to end');
  nextRefuse = request;
  if (refusing) return;
  refusing = true;
  post({ type: 'status', phase: 'refusing' });
  try {
    while (nextRefuse) {
      const r = nextRefuse;
      nextRefuse = null;
      const recorded = recorder.run(r.strategy);
      if (!lastSpec || !recorded) {
        post({ type: 'error', message: 'there is nothing to merge: run an experiment over at least two tasks first', refuseId: r.id });
        continue;
      }
      try {
        post({ type: 'refused', id: r.id, result: await whatIfFusion(lastSpec, recorded, r.rule, r.beta, { datasets: (id) => lastDatasets?.[id], tokenizer: lastTokenizer, config: lastConfig }) });
      } catch (e) {
        post({ type: 'error', message: `what-if fusion failed: ${message(e)}`, refuseId: r.id });
      }
    }
  } finally {
    refusing = false;
    post({ type: 'status', phase: 'idle' });
  }
}

function setPaused(paused: boolean): void {
  if (!training) return;
  if (paused) gate.pause();
  else gate.resume();
  post({ type: 'status', phase: paused ? 'paused' : 'training' });
}

function stop(): void {
  if (!training) return;
  stopRequested = true;
  downloadAbort?.abort();
  gate.resume(); // a paused loop must wake up to see the stop
  post({ type: 'status', phase: 'stopping' });
}

type Handlers = { [K in TrainerCommand['type']]: (cmd: Extract<TrainerCommand, { type: K }>) => void | Promise<void> };
const handlers: Handlers = {
  init: (cmd) => init(cmd.backend),
  start,
  pause: () => setPaused(true),
  resume: () => setPaused(false),
  step: () => gate.step(),
  stop,
  reset: () => {
    stop();
    recorder.clear();
    lastSpec = null;
  },
  refuse: (cmd) => refuse(cmd.request),
  'export-model': (cmd) => post({ type: 'model-export', id: cmd.id, result: finalModels.export(cmd.strategy, lastTokenizer && lastTokenizer.kind !== 'byte' ? lastTokenizer.json : undefined) }),
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
