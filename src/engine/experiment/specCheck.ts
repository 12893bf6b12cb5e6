// What a spec needs checked before it runs: its model's config, and every problem that keeps it from running. Free of
// TF.js (strategies are checked against their catalog), so the page checks a spec before the worker has loaded.
import { presetConfig, type T5Config } from '../model/config';
import type { ExperimentSpec } from '../spec/experiment';
import { resolveStrategyInfo } from '../strategies/catalog';
import { createByteTokenizer } from '../tokenizers/byteTokenizer';
import type { Tokenizer } from '../tokenizers/tokenizer';

/** The model's config; a spec naming a checkpoint has one only once the host has loaded it (given as `loaded`). */
export function modelConfig(spec: ExperimentSpec, loaded?: T5Config): T5Config {
  if ('preset' in spec.model) return presetConfig(spec.model.preset);
  if ('config' in spec.model) return { ...spec.model.config };
  if (!loaded)
    throw new Error(
      `model.checkpoint: the checkpoint ${spec.model.checkpoint} must be loaded before the run (its config.json gives the model)`,
    );
  return { ...loaded };
}

/**
 * Every problem that keeps the spec from running (strategy names and knobs, model against tokenizer), or none. A
 * checkpoint's model is checked against its tokenizer when its config is given.
 */
export function experimentProblems(
  spec: ExperimentSpec,
  tok: Pick<Tokenizer, 'name' | 'vocabSize'> = createByteTokenizer(),
  loaded?: T5Config,
): string[] {
  const context = { granularity: spec.units.granularity, tasks: spec.tasks.length };
  const problems = spec.strategies.flatMap((s, i) => {
    const r = resolveStrategyInfo(s, `strategies[${i}]`, context);
    return r.ok ? [] : r.problems;
  });
  if ('checkpoint' in spec.model && !loaded) return problems;
  const config = modelConfig(spec, loaded);
  if (config.vocabSize < tok.vocabSize) {
    problems.push(
      `model: vocabSize ${config.vocabSize} is smaller than the ${tok.name} tokenizer's ${tok.vocabSize} ids`,
    );
  }
  return problems;
}
