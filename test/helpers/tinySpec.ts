// A tiny byte-level model and a two-task experiment spec (length, then compare) that runs in seconds: shared by the
// runner, strategy and CLI tests, which differ only in seed, sizes and strategies.
import { tinyConfig } from './tf';
import { runExperiment } from '../../src/engine/experiment/runner';
import type { T5Config } from '../../src/engine/model/config';
import type { HostTensors } from '../../src/engine/model/init';
import { parseSpec, type ExperimentSpec, type StrategySpec } from '../../src/engine/spec/experiment';

/** helpers/tf's tiny model with the byte vocabulary and room for the byte tasks. */
export const tinyByteConfig: T5Config = tinyConfig({ vocabSize: 259, dModel: 16, dKv: 8, dFf: 32 });

export interface TinySpecOptions {
  strategies: unknown[];
  seed: number;
  steps: number;
  trainSize: number;
  testSize: number;
  warmupSteps: number;
}

/** The plain JSON of the spec, before validation. */
export const tinySpecInput = (o: TinySpecOptions) => ({
  version: 1,
  model: { config: tinyByteConfig },
  init: 'scratch',
  seed: o.seed,
  tasks: ['length', 'compare'].map((task) => ({ task, steps: o.steps, trainSize: o.trainSize, testSize: o.testSize })),
  strategies: o.strategies,
  training: {
    lr: 1e-2,
    warmupSteps: o.warmupSteps,
    weightDecay: 0.01,
    batchSize: 4,
    clipNorm: 1,
    maxInputLen: 16,
    maxOutputLen: 4,
    evalEvery: 0,
  },
});

/** The strategy tests' spec: the tiny two-task spec (seed 3, 40 examples a task) with `steps` steps a task, validated. */
export function strategySpec(
  strategies: StrategySpec[],
  over: Partial<ExperimentSpec> = {},
  steps = 8,
): ExperimentSpec {
  const r = parseSpec({
    ...tinySpecInput({ strategies, seed: 3, steps, trainSize: 40, testSize: 6, warmupSteps: 2 }),
    ...over,
  });
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.spec;
}

/**
 * DROPOUT_SPEC_STEPS steps a task on 24 examples with dropout on (each phase's dropout seeds must come out the same whether task 0 was
 * trained or taken over): the task-0 sharing and lanes tests' spec.
 */
export const DROPOUT_SPEC_STEPS = 5;

export function dropoutSpec(strategies: string[], seed: number): ExperimentSpec {
  const input = tinySpecInput({
    strategies: strategies.map((name) => ({ name })),
    seed,
    steps: DROPOUT_SPEC_STEPS,
    trainSize: 24,
    testSize: 6,
    warmupSteps: 1,
  });
  const r = parseSpec({ ...input, model: { config: { ...tinyByteConfig, dropout: 0.1 } } });
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.spec;
}

/** Runs a spec and keeps the model's weights (adapters included) at every stage the runner shows, keyed "task/stage". */
export async function runCapturing(spec: ExperimentSpec) {
  const weights = new Map<string, HostTensors>();
  const results = await runExperiment(spec, {
    onModel: async ({ task, stage }, model) => void weights.set(`${task}/${stage}`, await model.exportWeights()),
  });
  return { results, weights, s: results.strategies[0] };
}
