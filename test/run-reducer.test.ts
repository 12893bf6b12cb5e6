// The run model's reducer: every event kind on hand-made events, the fold of a recorded run equal to the results
// document the runner returns (checked against the raw events too), and today's version 1 files and links opening.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { downsample } from '../src/engine/experiment/downsample';
import type { RunEvent, RunHeader, StepEvent } from '../src/engine/experiment/events';
import { parseResults, RESULTS_VERSION, type ResultsDocument } from '../src/engine/experiment/results';
import { runExperiment } from '../src/engine/experiment/runner';
import { continualMetrics } from '../src/engine/metrics/continual';
import { foldRun, reduceRun } from '../src/engine/run/reduce';
import { lossPoints, shownImportance, unitsOf, type RunState } from '../src/engine/run/state';
import { restoreFromFragment, shareWithResults } from '../src/engine/share/shareLink';
import { defaultSpec, parseSpec, type ExperimentSpec } from '../src/engine/spec/experiment';
import { useBackend } from './helpers/tf';
import { tinySpecInput } from './helpers/tinySpec';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/results-v1/${name}`, import.meta.url), 'utf8');

function tinySpec(evalEvery = 0): ExperimentSpec {
  const r = parseSpec(
    tinySpecInput({
      strategies: [{ name: 'seqft' }, { name: 'kif-hard', knobs: { gamma: 0.5 } }],
      seed: 5,
      steps: 6,
      trainSize: 30,
      testSize: 5,
      warmupSteps: 2,
    }),
  );
  if (!r.ok) throw new Error(r.errors.join('\n'));
  r.spec.training.evalEvery = evalEvery;
  return r.spec;
}

const header: RunHeader = {
  spec: defaultSpec(),
  backend: 'cpu',
  warnings: ['early'],
  tasks: [
    { name: 'a', scorer: 'exact-match', steps: 4, trainSize: 8, testSize: 2 },
    { name: 'b', scorer: 'exact-match', steps: 4, trainSize: 8, testSize: 2 },
  ],
  units: {
    granularity: 'tensor',
    names: ['u0', 'u1'],
    infos: [
      { shape: 'other', name: 'u0' },
      { shape: 'other', name: 'u1' },
    ],
  },
};
const start: RunEvent = {
  type: 'run-start',
  strategies: ['seqft', 'kif-hard (gamma=0.5)'],
  tasks: ['a', 'b'],
  majorityScores: [0, 0],
  totalSteps: 16,
  backend: 'cpu',
  header,
  lossPoints: 2,
};
const step = (s: number, loss: number, task = 0, phase = 'train'): StepEvent => ({
  type: 'step',
  strategy: 0,
  task,
  phase,
  step: s,
  steps: 4,
  loss,
  lr: 0.1 * s,
  gradNorm: s,
  fraction: s / 16,
});
const fold = (...events: RunEvent[]) => foldRun([start, ...events]) as RunState;

describe('reduceRun, event by event', () => {
  it('run-start: the header, every strategy pending, nothing measured; any other event first is refused', () => {
    const s = fold();
    expect(s.spec).toEqual(header.spec);
    expect(s.warnings).toEqual(['early']);
    expect(s.strategies.map((x) => [x.name, x.label, x.live])).toEqual([
      ['seqft', 'seqft', { pending: true }],
      ['kif-hard', 'kif-hard (gamma=0.5)', { pending: true }],
    ]);
    expect(s.live).toEqual({ totalSteps: 16, lossPoints: 2, progress: [], fraction: 0, phase: null });
    expect(() => reduceRun(undefined, { type: 'warning', message: 'x' })).toThrow(/before "run-start"/);
  });

  it('warning, strategy-start, phase, task-start', () => {
    const s = fold(
      { type: 'warning', message: 'late' },
      {
        type: 'strategy-start',
        strategy: 1,
        name: 'kif-hard',
        label: 'kif-hard (gamma=0.5)',
        knobs: { gamma: 0.5 },
        tracksImportance: true,
      },
      { type: 'phase', strategy: 1, task: 0, phase: 'compiling' },
      { type: 'task-start', strategy: 1, task: 0, steps: 4 },
    );
    expect(s.warnings).toEqual(['early', 'late']);
    expect(s.strategies[1]).toMatchObject({
      knobs: { gamma: 0.5 },
      importance: { tasks: [], accumulated: [] },
      live: {},
    });
    expect(s.live?.phase).toBe('compiling');
    expect(s.live?.progress).toMatchObject([{ strategy: 1, task: 0, step: 0, steps: 4 }]);
  });

  it('step: a raw curve with learning rate and gradient norm while the phase runs, bucket means once it ends', () => {
    const open = fold(step(1, 4), step(2, 2), step(3, 3));
    expect(open.strategies[0].losses).toEqual([
      { task: 0, phase: 'train', steps: [1, 2, 3], losses: [4, 2, 3], lr: [0.1, 0.2, 0.1 * 3], gradNorm: [1, 2, 3] },
    ]);
    expect(open.live?.progress).toMatchObject([{ step: 3, loss: 3, lr: 0.1 * 3, gradNorm: 3 }]);
    expect(open.live?.fraction).toBe(3 / 16);
    // A new phase's first step closes the curve: lossPoints 2 → two bucket means, as downsample computes them.
    const next = fold(step(1, 4), step(2, 2), step(3, 3), step(4, 5), step(1, 1, 0, 'replay'));
    const closed = next.strategies[0].losses[0];
    expect(closed).toEqual({
      task: 0,
      phase: 'train',
      steps: [2, 4],
      losses: [3, 4],
      lr: [(0.1 + 0.2) / 2, (0.1 * 3 + 0.4) / 2],
      gradNorm: [1.5, 3.5],
    });
    expect(next.strategies[0].losses[1]).toMatchObject({ phase: 'replay', steps: [1], losses: [1] });
    expect(lossPoints(next.strategies[0])).toEqual([
      [2, 3],
      [4, 4],
      [5, 1],
    ]);
  });

  it('live progress: one row per running strategy in spec order, each its own latest step; a done one leaves', () => {
    const timings = { trainSeconds: 1, afterTaskSeconds: 0, evalSeconds: 0, totalSeconds: 1 };
    const begin = (strategy: number): RunEvent[] => [
      { type: 'strategy-start', strategy, name: 'seqft', label: 'seqft', knobs: {}, tracksImportance: false },
      { type: 'task-start', strategy, task: 0, steps: 4 },
    ];
    const stepOf = (strategy: number, s: number, fraction: number): StepEvent => ({
      ...step(s, 10 * strategy + s),
      strategy,
      fraction,
    });
    const rows = (x: RunState) => x.live?.progress.map((p) => [p.strategy, p.step, p.loss]);
    // Two lanes: strategy 1 starts first, their steps interleave, the run's fraction is the latest step's.
    const both = fold(...begin(1), ...begin(0), stepOf(1, 1, 0.1), stepOf(0, 1, 0.15), stepOf(1, 2, 0.2));
    expect(rows(both)).toEqual([
      [0, 1, 1],
      [1, 2, 12],
    ]);
    expect(both.live?.fraction).toBe(0.2);
    // Each lane's phase is its own: one evaluates while the other trains; the run's phase is the latest event's.
    const phases = fold(
      ...begin(1),
      ...begin(0),
      { type: 'phase', strategy: 1, task: 0, phase: 'training' },
      { type: 'phase', strategy: 0, task: 0, phase: 'training' },
      { type: 'phase', strategy: 1, task: 0, phase: 'evaluating' },
      stepOf(0, 1, 0.1),
    );
    expect(phases.live?.phases).toEqual({ 0: 'training', 1: 'evaluating' });
    expect(phases.live?.phase).toBe('evaluating');
    // Its next task's start ends the evaluation; the other lane's phase stays.
    const nextTask = reduceRun(phases, { type: 'task-start', strategy: 1, task: 1, steps: 4 });
    expect(nextTask.live?.phases).toEqual({ 0: 'training' });
    const oneLeft = reduceRun(both, { type: 'strategy-done', strategy: 1, timings });
    expect(rows(oneLeft)).toEqual([[0, 1, 1]]);
    expect(oneLeft.live?.fraction).toBe(0.2);
    // One strategy at a time: a single row, the latest step, replaced by the next task's start.
    const seq = fold(...begin(0), stepOf(0, 1, 0.1), stepOf(0, 4, 0.25));
    expect(seq.live?.progress).toEqual([
      { strategy: 0, task: 0, phase: 'train', step: 4, steps: 4, loss: 4, lr: 0.4, gradNorm: 4 },
    ]);
    const next = reduceRun(seq, { type: 'task-start', strategy: 0, task: 1, steps: 4 });
    expect(next.live?.progress).toMatchObject([{ strategy: 0, task: 1, step: 0 }]);
    expect(next.live?.fraction).toBe(0.25);
  });

  it('importance, accumulated, fusion: live map, final maps per task, fusion reports', () => {
    const s = fold(
      {
        type: 'strategy-start',
        strategy: 1,
        name: 'kif-hard',
        label: 'kif-hard (gamma=0.5)',
        knobs: {},
        tracksImportance: true,
      },
      { type: 'importance', strategy: 1, task: 0, step: 2, final: false, scores: { u0: 1 } },
      { type: 'importance', strategy: 1, task: 0, step: 4, final: true, scores: { u0: 2 } },
      { type: 'accumulated', strategy: 1, task: 0, scores: { u0: 2 } },
      { type: 'fusion', strategy: 1, task: 1, fusion: { afterTask: 1, rule: 'hard', prevWeight: { u0: 1 } } },
    );
    const x = s.strategies[1];
    expect(x.importance).toEqual({ tasks: [{ u0: 2 }], accumulated: [{ u0: 2 }] });
    expect(x.live?.importance).toEqual({ task: 0, step: 4, scores: { u0: 2 } });
    expect(x.fusions).toEqual([{ afterTask: 1, rule: 'hard', prevWeight: { u0: 1 } }]);
  });

  it('eval-row: the matrix row (a repeated row replaces), metrics of the rows so far, the samples; eval-curve', () => {
    const samples = [{ task: 0, predictions: [{ input: 'i', expected: 'e', output: 'o', score: 0 }] }];
    const s = fold(
      { type: 'eval-row', strategy: 0, row: 0, scores: [10, 20], samples: [] },
      { type: 'eval-row', strategy: 0, row: 1, scores: [50, 30], samples: [] },
      { type: 'eval-row', strategy: 0, row: 1, scores: [60, 30], samples },
      { type: 'eval-curve', strategy: 0, task: 1, step: 2, scores: [40, 35] },
    );
    const x = s.strategies[0];
    expect(x.matrix).toEqual([
      [10, 20],
      [60, 30],
    ]);
    expect(x.metrics).toEqual(
      continualMetrics([
        [10, 20],
        [60, 30],
      ]),
    );
    expect(x.samples).toEqual(samples);
    expect(x.curves).toEqual([{ task: 1, step: 2, scores: [40, 35] }]);
  });

  it('error, strategy-done, run-done: a stopped run keeps the strategies that started, with no live part left', () => {
    const timings = { trainSeconds: 1, afterTaskSeconds: 0, evalSeconds: 0.5, totalSeconds: 2 };
    const s = fold(
      { type: 'strategy-start', strategy: 0, name: 'seqft', label: 'seqft', knobs: {}, tracksImportance: false },
      step(1, 4),
      { type: 'error', strategy: 0, message: 'seqft: the loss is NaN' },
      { type: 'strategy-done', strategy: 0, timings },
      { type: 'run-done', stopped: true, seconds: 3 },
    );
    expect(s.live).toBeUndefined();
    expect(s.strategies).toHaveLength(1);
    expect(s.strategies[0]).toMatchObject({
      error: 'seqft: the loss is NaN',
      timings,
      losses: [{ steps: [1], losses: [4] }],
    });
    expect(s.strategies[0].live).toBeUndefined();
    expect(s).toMatchObject({ stopped: true, timings: { totalSeconds: 3 }, version: RESULTS_VERSION });
  });

  it("strategy-units: a strategy's own units, which its views draw instead of the run's", () => {
    const own = {
      granularity: 'lora-rank',
      names: ['encoder.block.0.layer.0.SelfAttention.q.lora|0'],
      infos: [
        {
          shape: 'lora-rank' as const,
          stack: 'encoder' as const,
          layer: 0,
          sublayer: 0,
          module: 'SelfAttention' as const,
          role: 'q' as const,
          index: 0,
        },
      ],
    };
    const s = fold({ type: 'strategy-units', strategy: 1, units: own });
    expect(s.strategies[1].units).toEqual(own);
    expect(unitsOf(s, s.strategies[1])).toBe(s.strategies[1].units);
    expect(unitsOf(s, s.strategies[0])).toBe(s.units);
    // Resumed from a checkpoint whose result has no units (saved before they were kept): the announced ones stay.
    const result = { ...fold().strategies[1] };
    delete result.live;
    const resumed = fold(
      { type: 'strategy-units', strategy: 1, units: own },
      { type: 'strategy-restored', strategy: 1, result, done: false },
    );
    expect(resumed.strategies[1].units).toEqual(own);
  });

  it('strategy-restored: a finished strategy as the checkpoint kept it, or one that goes on', () => {
    const result = { ...fold().strategies[0], matrix: [[1, 2]], live: undefined };
    delete result.live;
    const s = fold(
      { type: 'strategy-restored', strategy: 0, result, done: true },
      { type: 'strategy-restored', strategy: 1, result, done: false },
    );
    expect(s.strategies[0]).toEqual(result);
    expect(s.strategies[1]).toEqual({ ...result, live: {} });
    expect(shownImportance(s.strategies[0], [4, 4])).toBeNull();
  });
});

describe('a recorded run', () => {
  let events: RunEvent[];
  let doc: ResultsDocument;
  beforeAll(async () => {
    await useBackend('cpu');
    events = [];
    doc = await runExperiment(tinySpec(2), { onEvent: (e) => events.push(e) }, { importanceEvery: 2, lossPoints: 4 });
  });

  it('its results document is the fold of its events, and a valid document', () => {
    expect(JSON.parse(JSON.stringify(foldRun(events)))).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(parseResults(JSON.parse(JSON.stringify(doc))).ok).toBe(true);
  });

  it('agrees with the raw events: loss curves are bucket means of the steps, rows and curves as evaluated', () => {
    doc.strategies.forEach((s, i) => {
      const mine = events.filter((e) => 'strategy' in e && e.strategy === i);
      const steps = mine.filter((e): e is StepEvent => e.type === 'step');
      for (const c of s.losses) {
        const raw = steps.filter((e) => e.task === c.task && e.phase === c.phase);
        expect(c.losses).toEqual(
          downsample(
            raw.map((e) => e.loss),
            4,
          ).losses,
        );
        expect(c.lr).toEqual(
          downsample(
            raw.map((e) => e.lr),
            4,
          ).losses,
        );
        expect(c.gradNorm).toEqual(
          downsample(
            raw.map((e) => e.gradNorm),
            4,
          ).losses,
        );
      }
      expect(s.matrix).toEqual(mine.flatMap((e) => (e.type === 'eval-row' ? [e.scores] : [])));
      expect(s.curves).toEqual(
        mine.flatMap((e) => (e.type === 'eval-curve' ? [{ task: e.task, step: e.step, scores: e.scores }] : [])),
      );
      expect(s.curves.length).toBeGreaterThan(0);
    });
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set([
        'run-start',
        'strategy-start',
        'phase',
        'task-start',
        'step',
        'eval-row',
        'eval-curve',
        'importance',
        'accumulated',
        'fusion',
        'strategy-done',
        'run-done',
      ]),
    );
    expect(events.filter((e) => e.type === 'phase').map((e) => e.phase)).toContain('fusing');
  });
});

describe('a link with results', () => {
  it('carries coarse loss curves and the in-task evaluations', async () => {
    await useBackend('cpu');
    const spec = tinySpec(2);
    const doc = await runExperiment(spec, {}, { importanceEvery: 2 });
    const link = shareWithResults(spec, doc);
    if (!link.ok) throw new Error('the link did not fit');
    const r = restoreFromFragment(`#${link.fragment}`, { fallback: defaultSpec });
    if (r.kind !== 'restored' || !r.results) throw new Error(JSON.stringify(r));
    r.results.strategies.forEach((s, i) => {
      const full = doc.strategies[i];
      expect(s.losses.map((c) => [c.task, c.phase, c.steps])).toEqual(
        full.losses.map((c) => [c.task, c.phase, c.steps]),
      );
      s.losses.forEach((c, j) => c.losses.forEach((l, k) => expect(l).toBeCloseTo(full.losses[j].losses[k], 2)));
      expect(s.curves.map((c) => [c.task, c.step])).toEqual(full.curves.map((c) => [c.task, c.step]));
      expect(s.curves.length).toBeGreaterThan(0);
    });
  });
});

describe('version 1 documents (files and links made before the run model)', () => {
  it('a version 1 results file opens as version 2 with every number kept', () => {
    const v1 = JSON.parse(fixture('tiny-run.json'));
    expect(v1.version).toBe(1);
    const r = parseResults(v1);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.results.version).toBe(RESULTS_VERSION);
    expect(r.results.strategies).toEqual(v1.strategies);
  });

  it('the same spec run today gives the numbers version 1 recorded (the run model changed no result)', async () => {
    await useBackend('cpu');
    const v1 = JSON.parse(fixture('tiny-run.json')) as ResultsDocument;
    const now = await runExperiment(tinySpec(), {}, { importanceEvery: 2 });
    // Knobs added since (the fusion variants) are recorded at their defaults, the paper's rule; every other field is equal.
    const added = { within: 'all', norms: 'scored' };
    const numbers = (d: ResultsDocument) =>
      d.strategies.map((s) => ({
        ...s,
        knobs: Object.fromEntries(
          Object.entries(s.knobs).filter(([k, v]) => !(k in added && v === added[k as keyof typeof added])),
        ),
        timings: null,
        losses: s.losses.map(({ task, phase, steps, losses }) => ({ task, phase, steps, losses })),
      }));
    expect(numbers(JSON.parse(JSON.stringify(now)))).toEqual(numbers(v1));
    // Its units held names only: on the way in they get the records a fresh run builds its units with.
    expect((v1.units as { infos?: unknown }).infos).toBeUndefined();
    const opened = parseResults(v1);
    if (!opened.ok) throw new Error(opened.errors.join('\n'));
    expect(now.units.infos.length).toBeGreaterThan(10);
    expect(opened.results.units).toEqual(now.units);
    const link = restoreFromFragment(`#${fixture('tiny-link.txt').trim()}`, { fallback: defaultSpec });
    if (link.kind !== 'restored') throw new Error(JSON.stringify(link));
    expect(link.results?.units).toEqual(now.units);
  });

  it('unit records: a document whose records do not match its names is refused, a kif-lora one gets its own', () => {
    const v1 = JSON.parse(fixture('tiny-run.json'));
    const names: string[] = v1.units.names;
    const short = { ...v1, units: { ...v1.units, infos: [{ shape: 'other', name: 'x' }] } };
    expect(parseResults(short)).toEqual({
      ok: false,
      errors: [`units.infos: has 1 records, one per unit name (${names.length}) expected`],
    });
    const bad = { ...v1, units: { ...v1.units, infos: names.map(() => ({ shape: 'head', stack: 'middle' })) } };
    expect(parseResults(bad).ok).toBe(false);
    // kif-lora before strategies kept their units: scores over adapter ranks the run's list does not hold.
    const q = 'encoder.block.0.layer.0.SelfAttention.q.lora|';
    const scores = { [`${q}0`]: 1, [`${q}1`]: 2 };
    const lora = { ...v1.strategies[1], importance: { tasks: [scores], accumulated: [scores] }, fusions: [] };
    const r = parseResults({ ...v1, strategies: [v1.strategies[0], lora] });
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.results.strategies[0].units).toBeUndefined();
    expect(r.results.strategies[1].units?.names).toEqual([`${q}0`, `${q}1`]);
    expect(r.results.strategies[1].units?.infos.map((i) => i.shape)).toEqual(['lora-rank', 'lora-rank']);
  });

  it('a version 1 "share with results" link opens with its results', () => {
    const r = restoreFromFragment(`#${fixture('tiny-link.txt').trim()}`, { fallback: defaultSpec });
    if (r.kind !== 'restored') throw new Error(JSON.stringify(r));
    expect(r.notes).toEqual([]);
    const v1 = JSON.parse(fixture('tiny-run.json')) as ResultsDocument;
    expect(r.results?.strategies.map((s) => s.matrix.map((row) => row.map((x) => Math.round(x))))).toEqual(
      v1.strategies.map((s) => s.matrix.map((row) => row.map((x) => Math.round(x)))),
    );
  });
});
