// Resolves the spec's task queue to data: built-in tasks are generated from the seed, imported datasets are looked up
// by id (the host reads the files) and cut to the sizes the spec asks for with a seeded shuffle.
import type { DatasetProvenance } from '../data/datasetCard';
import { textScorers } from '../metrics/text';
import type { ExperimentSpec, TrainingSpec } from '../spec/experiment';
import type { TaskRun } from '../strategies/types';
import type { Tokenizer } from '../tokenizers/tokenizer';
import { makeTaskData } from '../tasks/makeTaskData';
import { getTask } from '../tasks/registry';
import type { Example, TaskMetric } from '../tasks/types';
import { deriveSeed, makeRng, shuffle } from '../util/rng';

/** An imported dataset, split; `scorer` defaults to exact match (the Long Sequence tasks are classification). */
export interface DatasetData {
  train: Example[];
  test: Example[];
  scorer?: string;
  /** Where it came from and what the import skipped (the dataset card and the results document show it). */
  provenance?: DatasetProvenance;
}

export type DatasetResolver = (id: string) => DatasetData | undefined;

export const metricScorers: Record<TaskMetric, string> = { exact: 'exact-match', rougeL: 'rouge-l' };

/**
 * Which held-out set the matrix scores: 'test' (reported figures) or 'val' (for choosing settings without looking at
 * the test set). A val set has the test set's size; built-in tasks draw it apart from train and test, an imported
 * dataset carves it out of its train split.
 */
export type EvalSplit = 'test' | 'val';

/** The tasks as runs, and warnings for datasets smaller than asked. Throws naming the spec field of a missing dataset. */
export function resolveTasks(spec: ExperimentSpec, datasets?: DatasetResolver, split: EvalSplit = 'test'): { tasks: TaskRun[]; warnings: string[] } {
  const warnings: string[] = [];
  const tasks = spec.tasks.map((entry, i): TaskRun => {
    if (typeof entry.task === 'string') {
      const valSize = split === 'val' ? entry.testSize : 0;
      const data = makeTaskData(entry.task, { seed: spec.seed, trainSize: entry.trainSize, testSize: entry.testSize, valSize });
      const held = split === 'val' ? data.val : data.test;
      return { name: entry.task, scorer: metricScorers[getTask(entry.task).metric], steps: entry.steps, train: data.train, test: held };
    }
    const id = entry.task.dataset;
    const data = datasets?.(id);
    if (!data) throw new Error(`tasks[${i}].task.dataset: no dataset "${id}" was provided (from the command line, give its folder with --data DIR)`);
    const scorer = data.scorer ?? 'exact-match';
    if (!Object.hasOwn(textScorers, scorer)) throw new Error(`tasks[${i}]: dataset "${id}" asks for unknown scorer "${scorer}"`);
    const cut = (split: 'train' | 'test', n: number) => {
      const all = data[split];
      if (all.length === 0) throw new Error(`tasks[${i}].task.dataset: dataset "${id}" has no ${split} examples`);
      if (all.length < n) warnings.push(`tasks[${i}]: dataset "${id}" has ${all.length} ${split} examples, fewer than the ${n} asked; all are used`);
      return shuffle(makeRng(deriveSeed(spec.seed, `dataset/${id}/${split}`)), [...all]).slice(0, n);
    };
    if (split === 'val') {
      const rows = cut('train', entry.trainSize + entry.testSize);
      return { name: id, scorer, steps: entry.steps, train: rows.slice(entry.testSize), test: rows.slice(0, entry.testSize) };
    }
    return { name: id, scorer, steps: entry.steps, train: cut('train', entry.trainSize), test: cut('test', entry.testSize) };
  });
  return { tasks, warnings };
}

/** Warnings for examples that training.maxInputLen / maxOutputLen cut: a cut answer can never be matched exactly. */
export function truncationWarnings(task: TaskRun, index: number, tok: Tokenizer, training: TrainingSpec): string[] {
  const all = [...task.train, ...task.test];
  const over = (pick: (e: (typeof all)[number]) => string, max: number) => all.filter((e) => tok.encode(pick(e)).length > max).length;
  const out: string[] = [];
  const outputs = over((e) => e.output, training.maxOutputLen);
  if (outputs) out.push(`tasks[${index}] (${task.name}): ${outputs} of ${all.length} outputs are longer than training.maxOutputLen (${training.maxOutputLen} tokens with the end token) and are cut, so they cannot be predicted exactly`);
  const inputs = over((e) => e.input, training.maxInputLen);
  if (inputs) out.push(`tasks[${index}] (${task.name}): ${inputs} of ${all.length} inputs are longer than training.maxInputLen (${training.maxInputLen} tokens) and are cut`);
  return out;
}
