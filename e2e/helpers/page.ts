// What the browser tests share: a screenshot attached to the report, a spec written in a test, validated, and the
// short two-task experiment most of them run.
import type { Locator, Page, TestInfo } from '@playwright/test';
import { parseSpec, type ExperimentSpec } from '../../src/engine/spec/experiment';

/** Saves a screenshot of the page (the viewport, or all of it with fullPage) or of one element, and attaches it. */
export async function snap(
  target: Page | Locator,
  info: TestInfo,
  name: string,
  { fullPage = false } = {},
): Promise<void> {
  const path = info.outputPath(`${name}.png`);
  await ('goto' in target ? target.screenshot({ path, fullPage }) : target.screenshot({ path }));
  await info.attach(name, { path, contentType: 'image/png' });
}

/** The spec, validated; a spec a test writes wrong fails the test with the schema's messages. */
export function validSpec(input: unknown): ExperimentSpec {
  const r = parseSpec(input);
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.spec;
}

export interface TwoTaskOptions {
  name: string;
  seed: number;
  /** Steps of the first and the second task. */
  steps: [number, number];
  testSize: number;
  strategies: { name: string; knobs?: Record<string, number> }[];
}

/** length, then compare, on nano from scratch: short enough for a browser test, with a settings block the tests share. */
export function twoTaskSpec(o: TwoTaskOptions): ExperimentSpec {
  return validSpec({
    version: 1,
    name: o.name,
    model: { preset: 'nano' },
    init: 'scratch',
    seed: o.seed,
    tasks: ['length', 'compare'].map((task, i) => ({ task, steps: o.steps[i], trainSize: 200, testSize: o.testSize })),
    strategies: o.strategies,
    training: {
      lr: 2e-3,
      warmupSteps: 5,
      weightDecay: 0.01,
      batchSize: 8,
      clipNorm: 1,
      maxInputLen: 32,
      maxOutputLen: 8,
      evalEvery: 0,
    },
  });
}
