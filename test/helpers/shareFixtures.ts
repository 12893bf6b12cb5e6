// Specs and results documents for the share, export and fuzz tests: a typical experiment (5 tasks, 3 strategies with
// knobs) and a results document shaped like one the runner writes, with unit maps over the nano model's real units.
import { RESULTS_VERSION, type ResultsDocument, type StrategyResult } from '../../src/engine/experiment/results';
import { buildUnits, unitTable } from '../../src/engine/kif/units';
import { continualMetrics } from '../../src/engine/metrics/continual';
import { presetConfig } from '../../src/engine/model/config';
import { paramSpecs } from '../../src/engine/model/paramSpec';
import { defaultTraining, SPEC_VERSION, type ExperimentSpec } from '../../src/engine/spec/experiment';
import { makeRng } from '../../src/engine/util/rng';

/** Five built-in tasks, three strategies with changed knobs, head/neuron units on nano. */
export const typicalSpec = (): ExperimentSpec => ({
  version: SPEC_VERSION,
  name: 'Five tasks, KIF against replay and EWC',
  model: { preset: 'nano' },
  init: 'pretrained',
  backend: 'auto',
  seed: 1234,
  tasks: ['length', 'compare', 'upper', 'sentiment', 'topic'].map((task, i) => ({
    task,
    steps: 150 + 50 * i,
    trainSize: 1000,
    testSize: 100,
  })),
  strategies: [
    { name: 'kif-hard', knobs: { gamma: 0.6, topPercent: 25, metric: 'second-order', beta1: 0.8 } },
    { name: 'replay', knobs: { memory: 80, mix: 0.3 } },
    { name: 'ewc', knobs: { lambda: 500, fisherBatches: 4 } },
  ],
  training: { ...defaultTraining, lr: 2e-3, batchSize: 16 },
  units: { granularity: 'head-neuron', blockSize: 16 },
});

const cases = ['shared', 'kept', 'taken', 'averaged'] as const;

/** A results document for `spec` on nano, every number drawn from a seeded stream; KIF strategies get unit maps. */
export function fakeResults(spec: ExperimentSpec, seed = 5): ResultsDocument {
  const rng = makeRng(seed);
  const config = presetConfig('nano');
  const units = unitTable(
    spec.units.granularity,
    buildUnits(spec.units.granularity, paramSpecs(config), {
      numHeads: config.numHeads,
      neuronBlock: spec.units.blockSize,
    }),
  );
  const names = units.names;
  const T = spec.tasks.length;
  const scores = () => Object.fromEntries(names.map((n) => [n, rng() ** 3 * 1e-4]));
  const strategies: StrategyResult[] = spec.strategies.map((s) => {
    const matrix = Array.from({ length: T + 1 }, () => Array.from({ length: T }, () => Math.round(rng() * 200) / 2));
    const kif = s.name.startsWith('kif');
    return {
      name: s.name,
      label: s.name,
      knobs: s.knobs,
      matrix,
      metrics: continualMetrics(matrix),
      ...(kif
        ? { importance: { tasks: Array.from({ length: T }, scores), accumulated: Array.from({ length: T }, scores) } }
        : {}),
      fusions: kif
        ? Array.from({ length: T - 1 }, (_, k) => ({
            afterTask: k + 1,
            rule: 'hard',
            prevWeight: Object.fromEntries(names.map((n, i) => [n, [0.7, 1, 0, 0.5][i % 4]])),
            cases: Object.fromEntries(names.map((n, i) => [n, cases[i % 4]])),
            thresholds: { prev: 0.4123456, cur: 0.3876543 },
          }))
        : [],
      losses: [{ task: 0, phase: 'train', steps: [10, 20, 30], losses: [3.2, 2.1, 1.4] }],
      curves: [{ task: 0, step: 100, scores: Array.from({ length: T }, () => 12.5) }],
      samples: [{ task: 0, predictions: [{ input: 'length: abc, "quoted"', expected: '3', output: '4', score: 0 }] }],
      timings: { trainSeconds: 12.5, afterTaskSeconds: 1.25, evalSeconds: 3, totalSeconds: 16.75 },
    };
  });
  return {
    format: 'kif-playground-results',
    version: RESULTS_VERSION,
    spec,
    backend: 'wasm',
    warnings: [],
    stopped: false,
    tasks: spec.tasks.map((t) => ({
      name: typeof t.task === 'string' ? t.task : t.task.dataset,
      scorer: 'exact-match',
      steps: t.steps,
      trainSize: t.trainSize,
      testSize: t.testSize,
    })),
    units,
    strategies,
    timings: { totalSeconds: 100 },
  };
}
