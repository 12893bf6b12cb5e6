// Resuming a run from a task-boundary checkpoint ends with the same numbers as the uninterrupted run: one run of every
// built-in strategy, against the same spec stopped at a boundary inside each strategy (and once between two) and
// resumed from its last checkpoint each time, as a reloaded page does.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResultsDocument, StrategyResult } from '../src/engine/experiment/results';
import { resumePoint, resumeProblems, stepsBefore, type RunCheckpoint } from '../src/engine/experiment/resume';
import { ExperimentError, runExperiment } from '../src/engine/experiment/runner';
import { parseSpec, type ExperimentSpec } from '../src/engine/spec/experiment';
import { strategyNames } from '../src/engine/strategies/registry';
import { useBackend } from './helpers/tf';
import { tinyByteConfig, tinySpecInput } from './helpers/tinySpec';

beforeAll(() => useBackend('wasm'));

// Every built-in strategy, with small knobs where a default would be slow; seqft is not first, so it resumes too. The
// LoRA strategies need LoRA rank units, so they run as a second experiment.
const fullModel = [
  { name: 'mtl' },
  { name: 'seqft' },
  { name: 'kif-hard', knobs: { gamma: 0.5 } },
  { name: 'ewc', knobs: { lambda: 50, fisherBatches: 2 } },
  { name: 'replay', knobs: { memory: 6 } },
  { name: 'lwf' },
  { name: 'weight-avg', knobs: { form: 'ema', beta: 0.3 } },
  { name: 'kif-soft' },
  { name: 'kif-replay', knobs: { memory: 4, replaySteps: 3 } },
  { name: 'task-arithmetic' },
  { name: 'ties' },
  { name: 'dare', knobs: { drop: 0.5 } },
  { name: 'magmax' },
  { name: 'fisher-merge', knobs: { fisherBatches: 2 } },
];
const lora = [
  { name: 'seqlora', knobs: { rank: 2 } },
  { name: 'kif-lora', knobs: { rank: 2 } },
  { name: 'olora', knobs: { rank: 2 } },
];

it('covers every registered strategy', () => {
  expect([...fullModel, ...lora].map((s) => s.name).sort()).toEqual(strategyNames().sort());
});

function specOf(strategies: unknown[], granularity: string): ExperimentSpec {
  const base = tinySpecInput({ strategies, seed: 11, steps: 6, trainSize: 24, testSize: 5, warmupSteps: 2 });
  const r = parseSpec({
    ...base,
    // Dropout on and three tasks, so a resumed task re-seeds dropout and fuses with restored accumulated scores.
    model: { config: { ...tinyByteConfig, dropout: 0.1 } },
    tasks: ['length', 'compare', 'copy'].map((task) => ({ task, steps: 6, trainSize: 24, testSize: 5 })),
    training: { ...base.training, evalEvery: 3 },
    units: { granularity, blockSize: 16 },
  });
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.spec;
}

/** Everything a strategy computed, without the wall-clock timings. */
const numbers = ({ timings: _t, ...rest }: StrategyResult) => rest;

describe.each([
  { title: 'full-model strategies', strategies: fullModel, granularity: 'tensor', between: 4 },
  { title: 'LoRA strategies', strategies: lora, granularity: 'lora-rank', between: 1 },
])('resume from a task boundary: $title', ({ strategies, granularity, between }) => {
  const spec = () => specOf(strategies, granularity);
  let full: ResultsDocument;
  let fullCheckpoints: RunCheckpoint[];
  let resumed: ResultsDocument;
  let stops: { strategy: number; task: number }[];
  let fractions: number[];

  beforeAll(async () => {
    fullCheckpoints = [];
    full = await runExperiment(spec(), { onCheckpoint: (cp) => void fullCheckpoints.push(cp) }, { importanceEvery: 2 });

    // Stop at the boundary before task 2 of every strategy, and once between two strategies; resume each time.
    const stopAt = (cp: RunCheckpoint) => (cp.current ? cp.current.nextTask === 2 : cp.done.length === between);
    stops = [];
    fractions = [];
    let last: RunCheckpoint | undefined;
    for (let attempt = 0; attempt < 20; attempt++) {
      let stop = false;
      const doc = await runExperiment(
        spec(),
        {
          onCheckpoint: (cp) => {
            // The resumed run re-emits nothing at its own starting point, so any checkpoint here is new.
            last = cp;
            if (stopAt(cp)) stop = true;
          },
          shouldStop: () => stop,
          onProgress: (p) => void fractions.push(p.fraction),
        },
        { importanceEvery: 2, resume: last },
      );
      if (!doc.stopped) {
        resumed = doc;
        return;
      }
      stops.push(resumePoint(last!));
    }
    throw new Error('the resumed run never finished');
  });

  it('stops where asked: inside every strategy and once between two', () => {
    const inside = strategies.map((_, strategy) => ({ strategy, task: 2 }));
    expect(stops).toEqual([...inside.slice(0, between), { strategy: between, task: 0 }, ...inside.slice(between)]);
  });

  it('gives every strategy exactly the matrix, metrics, losses, importance, fusions and samples of the uninterrupted run', () => {
    expect(resumed.stopped).toBe(false);
    expect(resumed.strategies.map((s) => s.label)).toEqual(full.strategies.map((s) => s.label));
    resumed.strategies.forEach((s, i) => {
      expect(s.matrix).toHaveLength(4);
      expect(numbers(s)).toEqual(numbers(full.strategies[i]));
    });
    // The strategies train differently after the first task, so equal losses are not trivially true; by design the
    // merging strategies that start every task from the base train alike, and magmax trains as seqft.
    const trainsAs: Record<string, string> = {
      ties: 'task-arithmetic',
      dare: 'task-arithmetic',
      'fisher-merge': 'task-arithmetic',
      magmax: 'seqft',
    };
    expect(new Set(full.strategies.map((s) => JSON.stringify(s.losses))).size).toBe(
      strategies.filter((s) => !trainsAs[s.name]).length,
    );
  });

  it('emits a checkpoint at each inner task boundary and between strategies', () => {
    const points = fullCheckpoints.map(resumePoint);
    const expected = strategies.flatMap((_, strategy) => [
      { strategy, task: 1 },
      { strategy, task: 2 },
      ...(strategy + 1 < strategies.length ? [{ strategy: strategy + 1, task: 0 }] : []),
    ]);
    expect(points).toEqual(expected);
  });

  it('goes on with the progress fraction where the stopped run left it', () => {
    const cp = fullCheckpoints.find((c) => c.current?.strategy === 1 && c.current.nextTask === 2)!;
    expect(stepsBefore(cp, [6, 6, 6])).toBe(3 * 6 + 12);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
    expect(fractions.at(-1)).toBe(1);
  });

  it('refuses a checkpoint of another spec, naming why', async () => {
    const cp = fullCheckpoints.find((c) => c.current?.strategy === 2)!;
    const other = { ...spec(), strategies: spec().strategies.slice(1) };
    expect(
      resumeProblems(
        cp,
        full.strategies.slice(1).map((s) => s.label),
        3,
      )[0],
    ).toMatch(/^resume: finished strategy 0 is ".+", the spec's is ".+"$/);
    await expect(runExperiment(other, {}, { resume: cp })).rejects.toThrow(ExperimentError);
  });
});

it('keeps what each strategy carries between tasks in its checkpoint state', async () => {
  const states = new Map<number, RunCheckpoint['current']>();
  await runExperiment(specOf(fullModel.slice(1, 4), 'tensor'), {
    onCheckpoint: (cp) => void (cp.current?.nextTask === 2 && states.set(cp.current.strategy, cp.current)),
  });
  const [seq, kif, ewc] = [0, 1, 2].map((i) => states.get(i)!);
  expect(seq.state).toEqual({});
  expect(Object.keys(kif.state.scores!.accumulated).length).toBeGreaterThan(0);
  expect([...ewc.state.tensors!.fisher.keys()]).toEqual([...ewc.weights.keys()]);
  expect([...ewc.state.tensors!.anchor.values()].map((t) => [...t.data])).toEqual(
    [...ewc.weights.values()].map((t) => [...t.data]),
  );
  // A merging strategy carries the base, every task model so far and (fisher-merge) their Fishers.
  const merge = new Map<number, RunCheckpoint['current']>();
  await runExperiment(specOf([{ name: 'fisher-merge', knobs: { fisherBatches: 1 } }], 'tensor'), {
    onCheckpoint: (cp) => void (cp.current?.nextTask === 2 && merge.set(0, cp.current)),
  });
  expect(Object.keys(merge.get(0)!.state.tensors!)).toEqual(['base', 'task-0', 'task-1', 'fisher-0', 'fisher-1']);
});
