// The one reducer of a run: (state, event) → state, pure. The runner folds its own events through it to build the
// results document, and the page folds the same events (through the worker) to draw the run live, so a finished run's
// document and the page's final state are the same object shape with the same numbers.
import type { RunEvent } from '../experiment/events';
import { downsampleCurve } from '../experiment/downsample';
import { RESULTS_FORMAT, RESULTS_VERSION, type LossCurve } from '../experiment/results';
import { continualMetrics } from '../metrics/continual';
import type { RunProgress, RunState, StrategyLive, StrategyState } from './state';

type Handlers = { [K in RunEvent['type']]: (s: RunState, e: Extract<RunEvent, { type: K }>) => RunState };

const emptyStrategy = (label: string): StrategyState => ({
  name: label.split(' ')[0],
  label,
  knobs: {},
  matrix: [],
  metrics: null,
  fusions: [],
  losses: [],
  curves: [],
  samples: [],
  timings: { trainSeconds: 0, afterTaskSeconds: 0, evalSeconds: 0, totalSeconds: 0 },
  live: { pending: true },
});

/** Replaces strategy i with f(it). */
const update = (s: RunState, i: number, f: (x: StrategyState) => StrategyState): RunState => ({
  ...s,
  strategies: s.strategies.map((x, j) => (j === i ? f(x) : x)),
});

const withLive = (x: StrategyState, live: StrategyLive): StrategyState => ({ ...x, live: { ...x.live, ...live } });

/** Downsamples the open (raw) curve of a phase that ended. */
function closeCurve(x: StrategyState, maxPoints: number): StrategyState {
  if (!x.live?.openCurve) return x;
  const { openCurve: _, ...live } = x.live;
  return { ...x, losses: [...x.losses.slice(0, -1), downsampleCurve(x.losses.at(-1)!, maxPoints)], live };
}

const lossPointsOf = (s: RunState) => s.live?.lossPoints ?? 100;

/** The live progress list with strategy `i`'s row replaced by `row` (null: dropped), in spec order. */
function withProgressRow(s: RunState, i: number, row: RunProgress | null): RunState {
  if (!s.live) return s;
  const others = s.live.progress.filter((p) => p.strategy !== i);
  const progress = row ? [...others, row].sort((a, b) => a.strategy - b.strategy) : others;
  return { ...s, live: { ...s.live, progress } };
}

/** A new task: the strategy's last phase (its evaluation of the task before) is over. */
function withoutPhase(s: RunState, i: number): RunState {
  if (!s.live?.phases || !(i in s.live.phases)) return s;
  const { [i]: _, ...phases } = s.live.phases;
  return { ...s, live: { ...s.live, phases } };
}

const handlers: Handlers = {
  'run-start': (_, e) => ({
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    ...e.header,
    warnings: [...e.header.warnings],
    stopped: false,
    strategies: e.strategies.map(emptyStrategy),
    timings: { totalSeconds: 0 },
    live: { totalSteps: e.totalSteps, lossPoints: e.lossPoints, progress: [], fraction: 0, phase: null },
  }),
  warning: (s, e) => ({ ...s, warnings: [...s.warnings, e.message] }),
  'strategy-start': (s, e) =>
    update(s, e.strategy, (x) => ({
      ...x,
      name: e.name,
      label: e.label,
      knobs: e.knobs,
      ...(e.tracksImportance ? { importance: { tasks: [], accumulated: [] } } : {}),
      live: {},
    })),
  // The units a strategy announced keep when its checkpoint predates units on results (kif-lora resumed from one).
  'strategy-restored': (s, e) =>
    update(s, e.strategy, (x) => ({
      ...(x.units ? { units: x.units } : {}),
      ...structuredClone(e.result),
      ...(e.done ? {} : { live: {} }),
    })),
  'strategy-units': (s, e) => update(s, e.strategy, (x) => ({ ...x, units: e.units })),
  phase: (s, e) =>
    s.live ? { ...s, live: { ...s.live, phase: e.phase, phases: { ...s.live.phases, [e.strategy]: e.phase } } } : s,
  'task-start': (s, e) =>
    withProgressRow(withoutPhase(s, e.strategy), e.strategy, {
      strategy: e.strategy,
      task: e.task,
      phase: 'train',
      step: 0,
      steps: e.steps,
      loss: NaN,
      lr: NaN,
      gradNorm: NaN,
    }),
  step: (s, e) => {
    const { type: _, fraction, ...row } = e;
    const next = update(s, e.strategy, (x0) => {
      // A phase's first step opens a new curve (the one before it, if still open, ended).
      const x = e.step === 1 ? closeCurve(x0, lossPointsOf(s)) : x0;
      if (x.live?.openCurve) {
        const c = x.losses.at(-1)!;
        const open: LossCurve = {
          ...c,
          steps: [...c.steps, e.step],
          losses: [...c.losses, e.loss],
          lr: [...c.lr!, e.lr],
          gradNorm: [...c.gradNorm!, e.gradNorm],
        };
        return { ...x, losses: [...x.losses.slice(0, -1), open] };
      }
      const curve: LossCurve = {
        task: e.task,
        phase: e.phase,
        steps: [e.step],
        losses: [e.loss],
        lr: [e.lr],
        gradNorm: [e.gradNorm],
      };
      return withLive({ ...x, losses: [...x.losses, curve] }, { openCurve: true });
    });
    const withRow = withProgressRow(next, e.strategy, row);
    return withRow.live ? { ...withRow, live: { ...withRow.live, fraction } } : withRow;
  },
  importance: (s, e) =>
    update(s, e.strategy, (x) => {
      const importance = x.importance ?? { tasks: [], accumulated: [] };
      const live = withLive(x, { importance: { task: e.task, step: e.step, scores: e.scores } });
      return e.final
        ? { ...live, importance: { ...importance, tasks: [...importance.tasks, e.scores] } }
        : { ...live, importance };
    }),
  accumulated: (s, e) =>
    update(s, e.strategy, (x) => {
      const importance = x.importance ?? { tasks: [], accumulated: [] };
      return { ...x, importance: { ...importance, accumulated: [...importance.accumulated, e.scores] } };
    }),
  fusion: (s, e) => update(s, e.strategy, (x) => ({ ...x, fusions: [...x.fusions, e.fusion] })),
  'eval-row': (s, e) =>
    update(s, e.strategy, (x0) => {
      const x = closeCurve(x0, lossPointsOf(s));
      const matrix = [...x.matrix.slice(0, e.row), [...e.scores]];
      return { ...x, matrix, metrics: matrix.length >= 2 ? continualMetrics(matrix) : null, samples: e.samples };
    }),
  'eval-curve': (s, e) =>
    update(s, e.strategy, (x) => ({
      ...x,
      curves: [...x.curves, { task: e.task, step: e.step, scores: [...e.scores] }],
    })),
  error: (s, e) => update(s, e.strategy, (x) => ({ ...x, error: e.message })),
  'strategy-done': (s, e) =>
    update(withProgressRow(s, e.strategy, null), e.strategy, (x) => {
      const { live: _, ...done } = closeCurve(x, lossPointsOf(s));
      return { ...done, metrics: done.matrix.length >= 2 ? continualMetrics(done.matrix) : null, timings: e.timings };
    }),
  'run-done': (s, e) => {
    const { live: _, ...doc } = s;
    // Strategies a stop kept from starting are not part of the results.
    return {
      ...doc,
      stopped: e.stopped,
      strategies: s.strategies.filter((x) => !x.live?.pending),
      timings: { totalSeconds: e.seconds },
    };
  },
};

/** The state after `event`; `state` is undefined before the run's first event ('run-start'). */
export function reduceRun(state: RunState | undefined, event: RunEvent): RunState {
  if (event.type === 'run-start') return handlers['run-start'](state as RunState, event);
  if (!state) throw new Error(`run event "${event.type}" came before "run-start"`);
  const handler = handlers[event.type] as ((s: RunState, e: RunEvent) => RunState) | undefined;
  if (!handler) throw new Error(`unknown run event "${String(event.type)}"`);
  return handler(state, event);
}

/** Folds a whole event stream: the state a run's events leave. */
export const foldRun = (events: Iterable<RunEvent>): RunState | undefined => {
  let s: RunState | undefined;
  for (const e of events) s = reduceRun(s, e);
  return s;
};
