// A run in lanes: the strategies split over threads the host lends (LaneHost), each lane running its share in spec
// order, lane 0 in this thread. Every lane's events are merged into one stream folded by the one reducer, so the
// results document is the one a run in one lane gives: strategies are independent (same θ₀, data, batch streams and
// seeds), they are keyed by their spec index, and each lane's header is the whole run's. Task 0 records travel between
// lanes (firstTask.ts), so a strategy that would have taken task 0 over in one lane still does when the record is there.
// The host's hooks reach every lane: its pause control (RunOptions.pause) is mirrored in each, the models onModel
// sees come over as copies, and the task-boundary checkpoints of all lanes are composed into run checkpoints.
import * as tf from '@tensorflow/tfjs';
import { reduceRun } from '../run/reduce';
import { isDone, type RunState } from '../run/state';
import { isBackendFailure } from '../backend/failure';
import type { ExperimentSpec } from '../spec/experiment';
import { resolveStrategy } from '../strategies/registry';
import type { RunEvent } from './events';
import type { FirstTaskRecord } from './firstTask';
import { yieldToMessages } from '../util/yieldToMessages';
import { takeOnce, type FromLane, type LaneStartOptions, type LaneWorker } from './laneProtocol';
import { memoryVerdict } from './memoryBudget';
import type { ResultsDocument, StrategyResult } from './results';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  resumePoint,
  stepsBefore,
  type RunCheckpoint,
  type StrategyCheckpoint,
} from './resume';
import type { ModelSnapshot, RunHooks, RunOptions } from './runHooks';

/**
 * A step with importance tracking (its hooks) against a plain one, for balancing lanes: kif-hard's 600 steps took 14.4 s
 * where seqft's took 13.7 s (the forgetting demo, wasm, Node).
 */
const IMPORTANCE_COST = 1.05;

/**
 * The strategies (spec indices) of each lane, or undefined where lanes do not help or fit: no host or one thread, fewer
 * than two strategies left to run, a backend other than wasm or cpu (GPU backends share one device), or a memory budget
 * that does not hold a model per lane (and the task 0 records lanes trade).
 */
export function planLanes(spec: ExperimentSpec, options: RunOptions): number[][] | undefined {
  const host = options.lanes;
  const resume = options.resume;
  const first = resume?.done.length ?? 0;
  if (!host || options.lane || host.count < 2 || spec.strategies.length - first < 2) return undefined;
  const backend = tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu') return undefined;
  const context = { granularity: spec.units.granularity, tasks: spec.tasks.length };
  const defs = spec.strategies.map((s, i) => resolveStrategy(s, `strategies[${i}]`, context));
  if (defs.some((d) => !d.ok)) return undefined; // the run in one lane names the problem
  const shares = spec.training.evalEvery <= 0 && defs.filter((d) => d.ok && d.def.firstTaskAsSeqft).length >= 2;
  let memory;
  try {
    memory = memoryVerdict(spec, backend, options.checkpoint?.config);
  } catch {
    return undefined;
  }
  // Where task 0 is shared, a lane holds its own record and one another lane sent: weights and the row's weights each.
  const records = shares ? 4 * 4 * memory.estimate.params : 0;
  const count = Math.min(
    host.count,
    spec.strategies.length - first,
    Math.floor(memory.budget / (memory.estimate.total + records)),
  );
  if (count < 2) return undefined;
  // Cost: steps still to train, less task 0 where another strategy's record can stand in for it.
  const taskSteps = spec.tasks.map((t) => t.steps);
  const steps = taskSteps.reduce((a, b) => a + b, 0);
  const under = resume?.current;
  let firstSeen = false;
  const cost = defs.map((d, i) => {
    if (!d.ok || i < first) return 0;
    const left = under?.strategy === i ? steps - stepsBefore({ ...resume!, done: [] }, taskSteps) : steps;
    const fresh = under?.strategy !== i;
    const shared = shares && fresh && d.def.firstTaskAsSeqft && firstSeen;
    if (fresh && d.def.firstTaskAsSeqft) firstSeen = true;
    return (left - (shared ? spec.tasks[0].steps : 0)) * (d.def.tracksImportance ? IMPORTANCE_COST : 1);
  });
  // Longest first onto the least loaded lane; each lane then runs its strategies in spec order.
  const lanes: number[][] = Array.from({ length: count }, () => []);
  const load = lanes.map(() => 0);
  const order = cost
    .map((_, i) => i)
    .filter((i) => i >= first)
    .sort((a, b) => cost[b] - cost[a] || a - b);
  for (const i of order) {
    const lane = load.indexOf(Math.min(...load));
    lanes[lane].push(i);
    load[lane] += cost[i];
  }
  return lanes.map((l) => l.sort((a, b) => a - b));
}

/** The run's options as a lane's thread gets them: datasets resolved for the spec's tasks, no functions. */
function laneOptions(spec: ExperimentSpec, options: RunOptions): LaneStartOptions {
  const ids = spec.tasks.flatMap((t) => (typeof t.task === 'string' ? [] : [t.task.dataset]));
  const found = ids.flatMap((id) => {
    const d = options.datasets?.(id);
    return d ? [[id, d] as const] : [];
  });
  const { datasets: _d, lanes: _h, lane: _l, pause: _p, ...given } = options;
  // Only the options given: an undefined one would override the runner's default.
  return {
    ...(found.length ? { datasets: Object.fromEntries(found) } : {}),
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  };
}

const ZERO_TIMINGS = { trainSeconds: 0, afterTaskSeconds: 0, evalSeconds: 0, totalSeconds: 0 };

/**
 * Run checkpoints of a run in lanes, composed from the task-boundary checkpoints every lane sends and the results the
 * host folds. The v1 format holds finished strategies as a prefix of the spec's list and at most one under way, so the
 * checkpoint is coarse: done is the longest prefix of finished strategies, current the latest boundary of the strategy
 * after them. Resuming it gives the uninterrupted run's numbers (each strategy's training is fixed by its own start);
 * what other lanes had done beyond that prefix is trained again.
 */
class CheckpointComposer {
  /** The latest task-boundary checkpoint of each strategy under way. */
  private readonly boundaries = new Map<number, StrategyCheckpoint>();
  private last: string;
  /** Calls of the host's hook, in order; the run ends after the last one. */
  settled: Promise<void> = Promise.resolve();

  constructor(
    private readonly tasks: number,
    private readonly hook: (checkpoint: RunCheckpoint) => void | Promise<void>,
    resume?: RunCheckpoint,
  ) {
    if (resume?.current) this.boundaries.set(resume.current.strategy, resume.current);
    this.last = resume ? key(resume) : '0/0';
  }

  boundary(checkpoint: StrategyCheckpoint): void {
    this.boundaries.set(checkpoint.strategy, checkpoint);
  }

  /** A new checkpoint from `state`, given to the hook when it differs from the last one. */
  compose(state: RunState): void {
    const finished = (s: RunState['strategies'][number]) =>
      isDone(s) && (s.error !== undefined || s.matrix.length === this.tasks + 1);
    let n = 0;
    while (n < state.strategies.length && finished(state.strategies[n])) n++;
    if (n === state.strategies.length) return; // nothing left to resume, as in one lane
    for (const i of this.boundaries.keys()) if (i < n) this.boundaries.delete(i);
    const checkpoint: RunCheckpoint = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      done: structuredClone(state.strategies.slice(0, n)) as StrategyResult[],
      current: this.boundaries.get(n) ?? null,
    };
    const at = key(checkpoint);
    if (at === this.last) return;
    this.last = at;
    this.settled = this.settled.then(() => this.hook(checkpoint));
  }
}

const key = (cp: RunCheckpoint) => {
  const at = resumePoint(cp);
  return `${at.strategy}/${at.task}`;
};

/** The model of a 'model' message as onModel sees it. */
const snapshotOf = (m: Extract<FromLane, { type: 'model' }>): ModelSnapshot => ({
  config: m.config,
  exportWeights: async () => m.weights,
});

/**
 * A stopped run's document keeps the strategies that started, and a stop in one lane keeps the later ones from
 * starting: its strategies are the spec's first ones, in order. In lanes a stop can keep one from starting while a later
 * one (in another lane) ran; each such is shown stopped at its start (no rows), so the document still lists the spec's
 * first strategies in order and each at its spec index.
 */
function stoppedBeforeStart(spec: ExperimentSpec, state: RunState, emit: (e: RunEvent) => void): void {
  const started = state.strategies.map((s) => !s.live?.pending);
  const context = { granularity: spec.units.granularity, tasks: spec.tasks.length };
  for (let i = 0; i < started.lastIndexOf(true); i++) {
    const r = resolveStrategy(spec.strategies[i], `strategies[${i}]`, context);
    if (started[i] || !r.ok) continue;
    const { label } = state.strategies[i];
    emit({
      type: 'strategy-start',
      strategy: i,
      name: r.def.name,
      label,
      knobs: r.knobs,
      tracksImportance: !!r.def.tracksImportance,
    });
    emit({ type: 'strategy-done', strategy: i, timings: ZERO_TIMINGS });
  }
}

/** Runs `spec` in `lanes` (planLanes): `run` is runExperiment, given so that this file and the runner do not cycle. */
export async function runInLanes(
  spec: ExperimentSpec,
  hooks: RunHooks,
  options: RunOptions,
  lanes: number[][],
  run: (spec: ExperimentSpec, hooks: RunHooks, options: RunOptions) => Promise<ResultsDocument>,
): Promise<ResultsDocument> {
  const t0 = performance.now();
  const host = options.lanes!;
  const resume = options.resume;
  let state: RunState | undefined;
  const finished = new Set<number>();
  const stopped = lanes.map(() => false);
  const remotes: (LaneWorker | undefined)[] = lanes.map(() => undefined);
  const ends: (() => void)[] = [];
  const ended = lanes.map((_, i) => (i === 0 ? Promise.resolve() : new Promise<void>((r) => (ends[i] = r))));
  const over = lanes.map(() => false);
  // Each lane's messages in order, one at a time: an async onModel is done before the lane's next event is folded.
  const chains = lanes.map(() => Promise.resolve());
  let stopSent = false;
  const fromOthers = takeOnce<FirstTaskRecord>();
  const composer = hooks.onCheckpoint && new CheckpointComposer(spec.tasks.length, hooks.onCheckpoint, resume);
  // The run's progress, counted here: each lane's own fraction counts a resumed run's earlier steps once per lane.
  const progress = { done: 0, planned: 1 };

  const emit = (e: RunEvent) => {
    state = reduceRun(state, e);
    hooks.onEvent?.(e);
    if (e.type === 'step') hooks.onProgress?.(e);
  };
  const pollStop = () => {
    if (stopSent || !hooks.shouldStop?.()) return;
    stopLanes();
  };
  const stopLanes = () => {
    stopSent = true;
    remotes.forEach((w) => w?.post({ type: 'stop' }));
  };
  /** Lane `lane` is over: its strategies that did not finish are marked failed with `why`, when given. */
  const end = (lane: number, why?: string) => {
    if (over[lane]) return;
    over[lane] = true;
    if (why && state)
      for (const i of lanes[lane].filter((i) => !finished.has(i))) {
        emit({ type: 'error', strategy: i, message: `${state.strategies[i].label}: ${why}` });
        emit({ type: 'strategy-done', strategy: i, timings: ZERO_TIMINGS });
        finished.add(i);
        composer?.compose(state);
      }
    remotes[lane]?.close();
    ends[lane]?.();
  };
  const fromLane = (lane: number, event: RunEvent) => {
    let e = event;
    if (e.type === 'run-done') stopped[lane] = e.stopped;
    // Every lane's header, warnings, run-start and restored finished strategies are the whole run's: lane 0's stand for all.
    if (
      e.type === 'run-done' ||
      (lane > 0 && (e.type === 'run-start' || e.type === 'warning' || (e.type === 'strategy-restored' && e.done)))
    )
      return;
    if (e.type === 'run-start') {
      progress.planned = e.totalSteps;
      progress.done = resume
        ? stepsBefore(
            resume,
            e.header.tasks.map((t) => t.steps),
          )
        : 0;
    }
    if (e.type === 'step') {
      if (e.phase === 'train') progress.done++;
      e = { ...e, fraction: Math.min(1, progress.done / progress.planned) };
    }
    if (e.type === 'strategy-done') finished.add(e.strategy);
    emit(e);
    if (e.type === 'strategy-done') composer?.compose(state!);
    if (e.type === 'run-start') openRemotes();
    pollStop();
  };
  const relay = (from: number, record: FirstTaskRecord) => {
    if (from !== 0) fromOthers.put(record);
    remotes.forEach((w, i) => i !== from && !over[i] && w?.post({ type: 'first-task', record }));
  };
  const fromRemote = async (lane: number, m: FromLane) => {
    if (over[lane]) return;
    if (m.type === 'event') fromLane(lane, m.event);
    else if (m.type === 'first-task') relay(lane, m.record);
    else if (m.type === 'model') await hooks.onModel?.(m.at, snapshotOf(m));
    else if (m.type === 'checkpoint') {
      composer?.boundary(m.checkpoint);
      composer?.compose(state!);
    } else if (m.type === 'done') end(lane);
    else end(lane, `its lane failed: ${m.message}`);
  };
  const queue = (lane: number, f: () => void | Promise<void>) => {
    chains[lane] = chains[lane]
      .then(f)
      .catch((e) =>
        end(lane, `the host could not take its lane's results: ${e instanceof Error ? e.message : String(e)}`),
      );
  };
  const pause = options.pause;
  const unsubscribe = pause?.subscribe((command) => {
    // A host stops a paused run by resuming it: the stop goes first, so no lane takes a step on the resume.
    pollStop();
    remotes.forEach((w, i) => !over[i] && w?.post({ type: command }));
  });
  const openRemotes = () => {
    const startOptions = laneOptions(spec, options);
    const laneHooks = { models: !!hooks.onModel, checkpoints: !!hooks.onCheckpoint };
    for (let lane = 1; lane < lanes.length; lane++) {
      let w: LaneWorker;
      try {
        w = host.open();
      } catch (e) {
        end(lane, `its lane did not start (${e instanceof Error ? e.message : String(e)})`);
        continue;
      }
      remotes[lane] = w;
      w.onMessage((m) => queue(lane, () => fromRemote(lane, m)));
      w.onFailure((message) => queue(lane, () => end(lane, `its lane's thread ended: ${message}`)));
      w.post({
        type: 'start',
        spec,
        backend: tf.getBackend(),
        only: lanes[lane],
        options: startOptions,
        hooks: { ...laneHooks, paused: pause?.isPaused ?? false },
      });
      if (stopSent) w.post({ type: 'stop' });
    }
  };

  let failure: { error: unknown } | undefined;
  try {
    await run(
      spec,
      {
        onEvent: (e) => fromLane(0, e),
        ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
        // Between steps the other lanes' messages get their turn (the wasm and cpu backends never yield).
        beforeStep: async () => {
          await yieldToMessages();
          await hooks.beforeStep?.();
        },
        ...(hooks.onModel ? { onModel: hooks.onModel } : {}),
        ...(composer
          ? {
              onCheckpoint: (cp: RunCheckpoint) => {
                if (cp.current) composer.boundary(cp.current);
                composer.compose(state!);
                return composer.settled;
              },
            }
          : {}),
      },
      {
        ...options,
        lanes: undefined,
        pause: undefined,
        lane: {
          only: lanes[0],
          relay: {
            take: fromOthers.take,
            publish: (record) => relay(0, record),
          },
        },
      },
    );
    end(0);
  } catch (e) {
    // Before 'run-start' the spec itself is refused, as in one lane (no other lane is open yet).
    if (!state) {
      unsubscribe?.();
      throw e;
    }
    // The host hands a failed backend's run over to the next backend from the last checkpoint: every lane stops, and
    // what they checkpointed until then is composed before the failure is thrown on.
    if (isBackendFailure(e)) {
      failure = { error: e };
      stopLanes();
    } else end(0, `its lane failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  await Promise.all(ended);
  await Promise.all(chains);
  unsubscribe?.();
  await composer?.settled;
  if (failure) throw failure.error;
  const wasStopped = stopSent || stopped.some(Boolean);
  if (wasStopped) stoppedBeforeStart(spec, state!, emit);
  emit({
    type: 'run-done',
    stopped: wasStopped,
    seconds: Math.round(performance.now() - t0) / 1000,
  });
  return state as unknown as ResultsDocument;
}
