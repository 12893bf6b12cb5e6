// The settings of the "train a tiny model" demo that the user does not edit (yet).
import type { QuickTrainOptions } from '../worker/protocol';

export const quickTrainLimits = { steps: { min: 1, max: 20_000 }, seed: { min: 0, max: 2 ** 31 - 1 } };
export const quickTrainDefaultSteps = 1200; // the CLI's default: reaches ~95% exact match on reversal
export const quickTrainDefaultSeed = 1;

export function quickTrainOptions(steps: number, seed: number): QuickTrainOptions {
  // About ten evaluations per run; short runs evaluate only at the end.
  return { preset: 'nano', task: 'reverse', steps, seed, evalEvery: Math.max(25, Math.round(steps / 10)) };
}
