// The pretraining mixture of a base model: T5 span corruption over in-domain text, plus a broad set of instruction
// tasks. The list is fixed (not derived from the demos), so a shipped base can be rebuilt from its model card; the
// built-in demos use only tasks outside it (a test checks), so a demo's tasks are new to the base (KIF.md §9).
import type { Encoded } from '../train/batching';
import { getTask } from '../tasks/registry';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { pick, type Rng } from '../util/rng';
import { byteSentinelTop, spanCorrupt, t5SpanDefaults } from './spanCorruption';

export const pretrainTasks = [
  'copy',
  'reverse',
  'shift',
  'sort',
  'upper',
  'double',
  'first3',
  'dedup',
  'length',
  'swap',
] as const;

export interface MixtureOptions {
  /** Share of rows that are span corruption; the rest is split evenly over the instruction tasks. */
  spanShare: number;
  /** Longest letter string the tasks draw. */
  maxLen: number;
  tasks: readonly string[];
}

export const mixtureDefaults: MixtureOptions = { spanShare: 0.3, maxLen: 7, tasks: pretrainTasks };

/** One training row: span corruption over a task's example text, or a task example with its instruction. */
export function drawRow(rng: Rng, tok: Tokenizer, o: MixtureOptions): Encoded {
  const task = getTask(pick(rng, o.tasks));
  const ex = task.generate(rng, { maxLen: o.maxLen });
  if (rng() < o.spanShare) {
    const ids = tok.encode(`${ex.input} ${ex.output}`).slice(0, -1); // without eos
    return spanCorrupt(ids, rng, { ...t5SpanDefaults, sentinelTop: byteSentinelTop, eosId: tok.eosId });
  }
  return { input: tok.encode(task.instruction + ex.input), output: tok.encode(ex.output) };
}
