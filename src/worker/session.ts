// The training session: everything the worker does, as one object built with its config and a `post` callback, so a
// test drives it in Node. It runs one experiment at a time, tags every event of a run with the run's id, and keeps
// every strategy's task models (and the inputs of each KIF strategy's last fusion) so the page can ask what any fusion
// rule with any knobs would have merged (what-if) without retraining.
import {
  chooseBackend,
  fallBackFrom,
  isBackendFailure,
  type BackendEnv,
  type BackendName,
  type BackendPreference,
} from '../engine/backend';
import type { ResultsDocument } from '../engine/experiment/results';
import { resumePoint, type RunCheckpoint } from '../engine/experiment/resume';
import { planLanes } from '../engine/experiment/lanes';
import type { LaneHost } from '../engine/experiment/laneProtocol';
import { runExperiment, type RunHooks } from '../engine/experiment/runner';
import { FusionInputsRecorder, whatIfFusion } from '../engine/experiment/whatIf';
import { resolveWhatIf } from '../engine/experiment/whatIfKnobs';
import { FinalModels } from '../engine/export/finalModels';
import type { T5Config } from '../engine/model/config';
import type { HostTensors } from '../engine/model/init';
import type { ExperimentSpec } from '../engine/spec/experiment';
import type { RunTokenizerSpec } from '../engine/tokenizers/runTokenizer';
import { loadBaseWeights } from './baseWeights';
import { loadCheckpointModel, type CheckpointModel } from './checkpointModel';
import { FaultSwitch } from './faultSwitch';
import type { RecomputeFusionRequest, StartCommand, TrainerCommand, TrainerEvent } from './protocol';
import { StepThrottle } from './stepThrottle';
import { PauseGate } from '../engine/util/pauseGate';
import { yieldToMessages } from '../engine/util/yieldToMessages';

export interface SessionConfig {
  post: (event: TrainerEvent) => void;
  /** Where the wasm backend finds its binaries (the worker's bundled assets; Node needs none). */
  wasmPaths?: BackendEnv['wasmPaths'];
  /** Milliseconds between two 'steps' messages. */
  stepIntervalMs?: number;
  /** Threads this host can lend a run's strategies (browserLanes in the worker); none: one strategy at a time. */
  lanes?: () => Promise<LaneHost | undefined>;
}

type Handlers = { [K in TrainerCommand['type']]: (cmd: Extract<TrainerCommand, { type: K }>) => void | Promise<void> };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Where a run restarted from this checkpoint goes on, in words. */
const resumePointText = (cp: RunCheckpoint | undefined) => {
  if (!cp) return 'the start of the run';
  const at = resumePoint(cp);
  return `task ${at.task + 1} of strategy ${at.strategy + 1}`;
};

/** What the last finished run leaves for what-if fusion and model export. */
interface LastRun {
  spec: ExperimentSpec;
  datasets: StartCommand['datasets'];
  /** The tokenizer of the run (an imported checkpoint's own), which what-if fusion evaluates with. */
  tokenizer?: RunTokenizerSpec;
  config?: T5Config;
}

export class TrainerSession {
  private readonly gate = new PauseGate();
  private readonly recorder = new FusionInputsRecorder();
  /** Each strategy's trained model of the last run, for 'export-model'. */
  private readonly finalModels = new FinalModels();
  private readonly faults = new FaultSwitch();
  /** The run in progress, or null. */
  private current: { id: number; stopRequested: boolean; downloadAbort: AbortController | null } | null = null;
  private last: LastRun | null = null;
  private lastTokenizer: RunTokenizerSpec | undefined;
  // Backend switches and run starts wait for the switch before them, so a run never starts mid-switch.
  private backendSwitch: Promise<unknown> = Promise.resolve();
  private activeBackend: BackendName | null = null;
  // What-if requests come as fast as a slider moves: only the newest waiting one is computed.
  private nextRecompute: RecomputeFusionRequest | null = null;
  private recomputing = false;

  constructor(private readonly config: SessionConfig) {}

  private post(e: TrainerEvent): void {
    this.config.post(e);
  }

  private readonly handlers: Handlers = {
    init: (cmd) => this.init(cmd.backend),
    start: (cmd) => this.start(cmd),
    pause: () => this.setPaused(true),
    resume: () => this.setPaused(false),
    step: () => this.gate.step(),
    stop: () => this.stop(),
    reset: () => {
      this.stop();
      this.recorder.clear();
      this.last = null;
    },
    'recompute-fusion': (cmd) => this.recomputeFusion(cmd.request),
    'export-model': (cmd) =>
      this.post({
        type: 'model-export',
        id: cmd.id,
        result: this.finalModels.export(
          cmd.strategy,
          this.lastTokenizer && this.lastTokenizer.kind !== 'byte' ? this.lastTokenizer.json : undefined,
        ),
      }),
  };

  /** Routes one command; whatever it throws reaches the page as an 'error' event. Resolves when the command is done. */
  handle(cmd: TrainerCommand): Promise<void> {
    const handler = this.handlers[cmd.type] as ((c: TrainerCommand) => void | Promise<void>) | undefined;
    if (!handler) {
      this.post({ type: 'error', message: `the worker does not know the command "${String(cmd.type)}"` });
      return Promise.resolve();
    }
    return Promise.resolve()
      .then(() => handler(cmd))
      .catch((err) => this.fail(err));
  }

  /** An error no command caught (the worker's unhandled rejections). */
  fail(err: unknown): void {
    this.post({ type: 'error', message: message(err) });
  }

  private async init(preference: BackendPreference): Promise<void> {
    if (this.current) throw new Error('stop the training run before switching the backend');
    this.backendSwitch = this.backendSwitch
      .then(() => chooseBackend(preference, { wasmPaths: this.config.wasmPaths }))
      .then((choice) => {
        this.activeBackend = choice.name;
        this.post({ type: 'ready', backend: choice.name, reason: choice.reason, fallbacks: choice.fallbacks });
      })
      .catch((e) => this.post({ type: 'error', message: message(e) }));
    await this.backendSwitch;
  }

  private async start({
    runId,
    spec,
    resume,
    datasets,
    baseWeights,
    tokenizer,
    fault,
    sideBySide,
  }: StartCommand): Promise<void> {
    if (this.current) throw new Error('an experiment is already running; stop it first');
    // The recompute's end posts 'idle': a run started under it would look idle to the page (no Pause).
    if (this.recomputing) throw new Error('a what-if fusion is being recomputed; start again when it is done');
    const run = (this.current = { id: runId, stopRequested: false, downloadAbort: null as AbortController | null });
    const post = (e: TrainerEvent) => this.post(e);
    this.gate.resume();
    this.recorder.clear();
    this.finalModels.clear();
    this.last = null;
    this.faults.arm(fault);
    const steps = new StepThrottle(post, runId, this.config.stepIntervalMs);
    const notices: string[] = [];
    try {
      await this.backendSwitch;
      let base: { weights?: HostTensors } | null = baseWeights ? { weights: baseWeights } : null;
      let model: Partial<CheckpointModel> = tokenizer ? { tokenizer } : {};
      if ('checkpoint' in spec.model) {
        post({ type: 'status', phase: 'loading-base' });
        run.downloadAbort = new AbortController();
        const loaded = await loadCheckpointModel(spec.model.checkpoint, {
          signal: run.downloadAbort.signal,
          onProgress: (loadedBytes, total) => post({ type: 'download', loaded: loadedBytes, total }),
          sha256: spec.model.sha256,
        });
        run.downloadAbort = null;
        model = loaded.model;
        post({ type: 'notice', runId, message: loaded.notice });
        if (loaded.mismatch) {
          notices.push(loaded.mismatch);
          post({ type: 'notice', runId, message: loaded.mismatch });
        }
      } else if (!base) {
        post({ type: 'status', phase: 'loading-base' });
        const loaded = await loadBaseWeights(spec);
        if (loaded?.notice) post({ type: 'notice', runId, message: loaded.notice });
        base = loaded;
      }
      post({ type: 'status', phase: this.gate.isPaused ? 'paused' : 'training' });
      // The last task boundary: a backend that fails mid-run hands over to the next one from here.
      let from = resume;
      const hooks: RunHooks = {
        onEvent: (e) => {
          if (e.type === 'step') return steps.push(e);
          steps.flush();
          this.recorder.onEvent(e);
          post({ type: 'run', runId, event: e });
        },
        onModel: async (at, m) => {
          await this.recorder.onModel(at, m);
          await this.finalModels.onModel(at, m);
        },
        onCheckpoint: (checkpoint) => {
          steps.flush();
          from = checkpoint;
          post({ type: 'checkpoint', runId, checkpoint });
        },
        shouldStop: () => run.stopRequested,
        beforeStep: async () => {
          await yieldToMessages(); // lets a pause, step or stop sent during the last step arrive
          if (this.gate.isPaused) steps.flush();
          await this.gate.wait();
          this.faults.tick();
        },
      };
      const lanes = sideBySide !== false ? await this.config.lanes?.() : undefined;
      const options = {
        baseWeights: base?.weights,
        datasets: (id: string) => datasets?.[id],
        ...model,
        lanes,
        pause: this.gate,
      };
      const plan = planLanes(spec, { ...options, resume: from });
      if (plan) {
        const lanesText = plan.map((l) => l.map((i) => spec.strategies[i].name).join(' then ')).join('; ');
        post({
          type: 'notice',
          runId,
          message: `The strategies train ${plan.length} at a time, one per core (${lanesText}). "Strategies side by side" under Compute backend turns this off.`,
        });
      }
      let results: ResultsDocument | undefined;
      while (!results) {
        try {
          results = await runExperiment(spec, hooks, { ...options, resume: from });
        } catch (e) {
          if (!isBackendFailure(e) || run.stopRequested || !this.activeBackend) throw e;
          steps.flush();
          const failed = this.activeBackend;
          const choice = await fallBackFrom(failed, { wasmPaths: this.config.wasmPaths });
          this.activeBackend = choice.name;
          const notice = `The ${failed} backend failed during the run (${message(e)}). Switched to ${choice.name}; the run goes on from ${resumePointText(from)}.`;
          notices.push(notice);
          post({ type: 'ready', backend: choice.name, reason: choice.reason, fallbacks: choice.fallbacks });
          post({ type: 'fallback', runId, from: failed, to: choice.name, message: notice });
        }
      }
      steps.flush();
      results.warnings.unshift(...notices);
      this.last = { spec, datasets, tokenizer: model.tokenizer, config: model.checkpoint?.config };
      this.lastTokenizer = model.tokenizer;
      post({ type: 'done', runId, results });
      post({ type: 'recomputable', runId, strategies: this.recorder.strategies(), kif: this.recorder.kifStrategies() });
    } catch (e) {
      steps.flush();
      post({ type: 'error', message: message(e), runId });
    } finally {
      this.current = null;
      post({ type: 'status', phase: 'idle' });
    }
  }

  private async recomputeFusion(request: RecomputeFusionRequest): Promise<void> {
    if (this.current) throw new Error('what-if fusion needs a finished run; wait for the run to end');
    this.nextRecompute = request;
    if (this.recomputing) return;
    this.recomputing = true;
    this.post({ type: 'status', phase: 'recomputing-fusion' });
    try {
      while (this.nextRecompute) {
        const r = this.nextRecompute;
        this.nextRecompute = null;
        const recorded = this.recorder.run(r.strategy);
        const last = this.last;
        if (!last || !recorded) {
          this.post({
            type: 'error',
            message: 'there is nothing to merge: run an experiment over at least two tasks first',
            requestId: r.id,
          });
          continue;
        }
        const knobs = resolveWhatIf(r);
        if (!knobs.ok) {
          this.post({ type: 'error', message: `what-if fusion: ${knobs.problems.join('; ')}`, requestId: r.id });
          continue;
        }
        try {
          const result = await whatIfFusion(last.spec, recorded, knobs.rule, knobs.beta, {
            datasets: (id) => last.datasets?.[id],
            tokenizer: last.tokenizer,
            config: last.config,
          });
          this.post({ type: 'fusion-recomputed', id: r.id, result });
        } catch (e) {
          this.post({ type: 'error', message: `what-if fusion failed: ${message(e)}`, requestId: r.id });
        }
      }
    } finally {
      this.recomputing = false;
      this.post({ type: 'status', phase: 'idle' });
    }
  }

  private setPaused(paused: boolean): void {
    if (!this.current) return;
    if (paused) this.gate.pause();
    else this.gate.resume();
    this.post({ type: 'status', phase: paused ? 'paused' : 'training' });
  }

  private stop(): void {
    const run = this.current;
    if (!run) return;
    run.stopRequested = true;
    run.downloadAbort?.abort();
    this.gate.resume(); // a paused loop must wake up to see the stop
    this.post({ type: 'status', phase: 'stopping' });
  }
}
