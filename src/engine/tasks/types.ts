// What a task is: a named, seeded generator of text-to-text examples with an instruction prefix.
import type { Rng } from '../util/rng';

/** One text-to-text example, as trained and evaluated (input already carries its instruction). */
export interface Example {
  input: string;
  output: string;
  /** Every acceptable output when a dataset gives several (SuperNI); `output`, the first, is the training target. */
  accepted?: readonly string[];
}

export type TaskMetric = 'exact' | 'rougeL';

/**
 * Group tags. A pretraining mixture picks by tag (e.g. 'skill'); continual demos use tasks the base has not seen
 * (e.g. 'composition'), so the two sets can be kept apart.
 */
export type TaskTag = 'string' | 'skill' | 'composition' | 'conflict' | 'arithmetic' | 'classification' | 'pretrain';

export interface TaskGenOptions {
  /** Longest letter string a string task draws (shortest is MIN_WORD_LEN); other tasks ignore it. */
  maxLen: number;
}

export interface TaskDef {
  name: string;
  title: string;
  /** One line, shown in the task picker. */
  description: string;
  /** Prefix put before each generated input, e.g. "reverse: ". */
  instruction: string;
  metric: TaskMetric;
  tags: readonly TaskTag[];
  /** Only for building a pretrained base (e.g. copying, span infilling); demos do not list it. */
  pretrainOnly?: boolean;
  /** Draws one example without the instruction prefix. Must be a pure function of the rng stream. */
  generate(rng: Rng, opts: TaskGenOptions): Example;
}
