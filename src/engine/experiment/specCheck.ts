// What a spec needs checked before it runs: its model's config, and every problem that keeps it from running. Free of
// TF.js (strategies are checked against their catalog), so the page checks a spec before the worker has loaded.
import { presetConfig, type T5Config } from '../model/config';
import type { ExperimentSpec } from '../spec/experiment';
import { resolveStrategyInfo } from '../strategies/catalog';
import { createByteTokenizer } from '../tokenizers/byteTokenizer';
import type { Tokenizer } from '../tokenizers/tokenizer';

export function modelConfig(spec: ExperimentSpec): T5Config {
  return 'preset' in spec.model ? presetConfig(spec.model.preset) : { ...spec.model.config };
}

/** Every problem that keeps the spec from running (strategy names and knobs, model against tokenizer), or none. */
export function experimentProblems(spec: ExperimentSpec, tok: Tokenizer = createByteTokenizer()): string[] {
  const context = { granularity: spec.units.granularity, tasks: spec.tasks.length };
  const problems = spec.strategies.flatMap((s, i) => {
    const r = resolveStrategyInfo(s, `strategies[${i}]`, context);
    return r.ok ? [] : r.problems;
  });
  const config = modelConfig(spec);
  if (config.vocabSize < tok.vocabSize) {
    problems.push(`model: vocabSize ${config.vocabSize} is smaller than the ${tok.name} tokenizer's ${tok.vocabSize} ids`);
  }
  return problems;
}
