// A run in lanes: the strategies split over threads the host lends (LaneHost), each lane running its share in spec
// order, lane 0 in this thread. Every lane's events are merged into one stream folded by the one reducer, so the
// results document is the one a run in one lane gives: strategies are independent (same θ₀, data, batch streams and
// seeds), they are keyed by their spec index, and each lane's header is the whole run's. Task 0 records travel between
// lanes (firstTask.ts), so a strategy that would have taken task 0 over in one lane still does when the record is there.
import * as tf from '@tensorflow/tfjs';
import { reduceRun } from '../run/reduce';
import type { RunState } from '../run/state';
import type { ExperimentSpec } from '../spec/experiment';
import { resolveStrategy } from '../strategies/registry';
import type { RunEvent } from './events';
import type { FirstTaskRecord } from './firstTask';
import { yieldToMessages } from '../util/yieldToMessages';
import { takeOnce, type LaneStartOptions, type LaneWorker } from './laneProtocol';
import { memoryVerdict } from './memoryBudget';
import type { ResultsDocument } from './results';
import type { RunHooks, RunOptions } from './runHooks';

/**
 * A step with importance tracking (its hooks) against a plain one, for balancing lanes: kif-hard's 600 steps took 14.4 s
 * where seqft's took 13.7 s (the forgetting demo, wasm, Node).
 */
const IMPORTANCE_COST = 1.05;

/**
 * The strategies (spec indices) of each lane, or undefined where lanes do not help or fit: no host or one thread, fewer
 * than two strategies, a backend other than wasm or cpu (GPU backends share one device), a memory budget that does not
 * hold a model per lane, or hooks that need the models or the loop in this thread (pause, checkpoints, model access).
 */
export function planLanes(spec: ExperimentSpec, hooks: RunHooks, options: RunOptions): number[][] | undefined {
  const host = options.lanes;
  if (!host || options.lane || host.count < 2 || spec.strategies.length < 2) return undefined;
  if (hooks.beforeStep || hooks.onModel || hooks.onCheckpoint || options.resume) return undefined;
  const backend = tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu') return undefined;
  const context = { granularity: spec.units.granularity, tasks: spec.tasks.length };
  const defs = spec.strategies.map((s, i) => resolveStrategy(s, `strategies[${i}]`, context));
  if (defs.some((d) => !d.ok)) return undefined; // the run in one lane names the problem
  let memory;
  try {
    memory = memoryVerdict(spec, backend, options.checkpoint?.config);
  } catch {
    return undefined;
  }
  const count = Math.min(host.count, spec.strategies.length, Math.floor(memory.budget / memory.estimate.total));
  if (count < 2) return undefined;
  // Cost: planned steps, less task 0 where another strategy's record can stand in for it.
  const steps = spec.tasks.reduce((a, t) => a + t.steps, 0);
  const shares = spec.training.evalEvery <= 0;
  let firstSeen = false;
  const cost = defs.map((d) => {
    if (!d.ok) return 0;
    const shared = shares && d.def.firstTaskAsSeqft && firstSeen;
    if (d.def.firstTaskAsSeqft) firstSeen = true;
    return (steps - (shared ? spec.tasks[0].steps : 0)) * (d.def.tracksImportance ? IMPORTANCE_COST : 1);
  });
  // Longest first onto the least loaded lane; each lane then runs its strategies in spec order.
  const lanes: number[][] = Array.from({ length: count }, () => []);
  const load = lanes.map(() => 0);
  const order = cost.map((_, i) => i).sort((a, b) => cost[b] - cost[a] || a - b);
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
  const { datasets: _d, lanes: _h, lane: _l, resume: _r, ...given } = options;
  // Only the options given: an undefined one would override the runner's default.
  return {
    ...(found.length ? { datasets: Object.fromEntries(found) } : {}),
    ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
  };
}

const ZERO_TIMINGS = { trainSeconds: 0, afterTaskSeconds: 0, evalSeconds: 0, totalSeconds: 0 };

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
  let state: RunState | undefined;
  const fractions = lanes.map(() => 0);
  const finished = new Set<number>();
  const stopped = lanes.map(() => false);
  const remotes: (LaneWorker | undefined)[] = lanes.map(() => undefined);
  const ends: (() => void)[] = [];
  const ended = lanes.map((_, i) => (i === 0 ? Promise.resolve() : new Promise<void>((r) => (ends[i] = r))));
  const over = lanes.map(() => false);
  let stopSent = false;
  const fromOthers = takeOnce<FirstTaskRecord>();

  const emit = (e: RunEvent) => {
    state = reduceRun(state, e);
    hooks.onEvent?.(e);
    if (e.type === 'step') hooks.onProgress?.(e);
  };
  const pollStop = () => {
    if (stopSent || !hooks.shouldStop?.()) return;
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
      }
    remotes[lane]?.close();
    ends[lane]?.();
  };
  const fromLane = (lane: number, event: RunEvent) => {
    let e = event;
    if (e.type === 'run-done') stopped[lane] = e.stopped;
    // Every lane's header, warnings and run-start are the whole run's: lane 0's stand for all.
    if (e.type === 'run-done' || (lane > 0 && (e.type === 'run-start' || e.type === 'warning'))) return;
    if (e.type === 'step') {
      fractions[lane] = e.fraction;
      e = {
        ...e,
        fraction: Math.min(
          1,
          fractions.reduce((a, b) => a + b, 0),
        ),
      };
    }
    if (e.type === 'strategy-done') finished.add(e.strategy);
    emit(e);
    if (e.type === 'run-start') openRemotes();
    pollStop();
  };
  const relay = (from: number, record: FirstTaskRecord) => {
    if (from !== 0) fromOthers.put(record);
    remotes.forEach((w, i) => i !== from && !over[i] && w?.post({ type: 'first-task', record }));
  };
  const openRemotes = () => {
    const startOptions = laneOptions(spec, options);
    for (let lane = 1; lane < lanes.length; lane++) {
      let w: LaneWorker;
      try {
        w = host.open();
      } catch (e) {
        end(lane, `its lane did not start (${e instanceof Error ? e.message : String(e)})`);
        continue;
      }
      remotes[lane] = w;
      w.onMessage((m) => {
        if (over[lane]) return;
        if (m.type === 'event') fromLane(lane, m.event);
        else if (m.type === 'first-task') relay(lane, m.record);
        else if (m.type === 'done') end(lane);
        else end(lane, `its lane failed: ${m.message}`);
      });
      w.onFailure((message) => end(lane, `its lane's thread ended: ${message}`));
      w.post({ type: 'start', spec, backend: tf.getBackend(), only: lanes[lane], options: startOptions });
      if (stopSent) w.post({ type: 'stop' });
    }
  };

  try {
    await run(
      spec,
      {
        onEvent: (e) => fromLane(0, e),
        ...(hooks.shouldStop ? { shouldStop: hooks.shouldStop } : {}),
        // Between steps the other lanes' messages get their turn (the wasm and cpu backends never yield).
        beforeStep: yieldToMessages,
      },
      {
        ...options,
        lanes: undefined,
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
    if (!state) throw e;
    end(0, `its lane failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  await Promise.all(ended);
  emit({
    type: 'run-done',
    stopped: stopSent || stopped.some(Boolean),
    seconds: Math.round(performance.now() - t0) / 1000,
  });
  return state as unknown as ResultsDocument;
}
