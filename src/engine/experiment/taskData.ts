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
import { fitInputs, sharedFrame } from '../train/truncate';
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
export function resolveTasks(
  spec: ExperimentSpec,
  datasets?: DatasetResolver,
  split: EvalSplit = 'test',
): { tasks: TaskRun[]; warnings: string[] } {
  const warnings: string[] = [];
  const tasks = spec.tasks.map((entry, i): TaskRun => {
    if (typeof entry.task === 'string') {
      const valSize = split === 'val' ? entry.testSize : 0;
      const data = makeTaskData(entry.task, {
        seed: spec.seed,
        trainSize: entry.trainSize,
        testSize: entry.testSize,
        valSize,
      });
      const held = split === 'val' ? data.val : data.test;
      return {
        name: entry.task,
        scorer: metricScorers[getTask(entry.task).metric],
        steps: entry.steps,
        train: data.train,
        test: held,
      };
    }
    const id = entry.task.dataset;
    const data = datasets?.(id);
    if (!data)
      throw new Error(
        `tasks[${i}].task.dataset: no dataset "${id}" was provided (from the command line, give its folder with --data DIR)`,
      );
    const scorer = data.scorer ?? 'exact-match';
    if (!Object.hasOwn(textScorers, scorer))
      throw new Error(`tasks[${i}]: dataset "${id}" asks for unknown scorer "${scorer}"`);
    const cut = (split: 'train' | 'test', n: number) => {
      const all = data[split];
      if (all.length === 0) throw new Error(`tasks[${i}].task.dataset: dataset "${id}" has no ${split} examples`);
      if (all.length < n)
        warnings.push(
          `tasks[${i}]: dataset "${id}" has ${all.length} ${split} examples, fewer than the ${n} asked; all are used`,
        );
      return shuffle(makeRng(deriveSeed(spec.seed, `dataset/${id}/${split}`)), [...all]).slice(0, n);
    };
    if (split === 'val') {
      const rows = cut('train', entry.trainSize + entry.testSize);
      return {
        name: id,
        scorer,
        steps: entry.steps,
        train: rows.slice(entry.testSize),
        test: rows.slice(0, entry.testSize),
      };
    }
    return {
      name: id,
      scorer,
      steps: entry.steps,
      train: cut('train', entry.trainSize),
      test: cut('test', entry.testSize),
    };
  });
  return { tasks, warnings };
}

/**
 * The task with its inputs fitted into training.maxInputLen (truncate.ts: the answer cue and the text's head and end
 * are kept), and warnings: how many inputs were cut, whether the cut made different inputs identical, and outputs
 * longer than training.maxOutputLen (a cut answer can never be matched exactly).
 */
export function fitTask(
  task: TaskRun,
  index: number,
  tok: Tokenizer,
  training: TrainingSpec,
): { task: TaskRun; warnings: string[] } {
  const all = [...task.train, ...task.test];
  const frame = sharedFrame(all.map((e) => e.input));
  const fit = fitInputs(tok, all, frame, training.maxInputLen);
  const out: string[] = [];
  const at = `tasks[${index}] (${task.name})`;
  const outputs = all.filter((e) => tok.encode(e.output).length > training.maxOutputLen).length;
  if (outputs)
    out.push(
      `${at}: ${outputs} of ${all.length} outputs are longer than training.maxOutputLen (${training.maxOutputLen} tokens with the end token) and are cut, so they cannot be predicted exactly`,
    );
  if (fit.cut) {
    const kept = frame.suffix
      ? `their answer cue ${JSON.stringify(frame.suffix.trim())} and the head and end of the text are kept`
      : 'the head and end of each are kept';
    out.push(
      `${at}: ${fit.cut} of ${all.length} inputs are longer than training.maxInputLen (${training.maxInputLen} tokens) and are cut; ${kept}`,
    );
  }
  if (fit.distinctAfter < fit.distinctBefore) {
    out.push(
      `${at}: cutting inputs to ${training.maxInputLen} tokens makes ${fit.distinctBefore - fit.distinctAfter} of them identical to another input (${fit.distinctAfter} distinct of ${fit.distinctBefore}); raise training.maxInputLen`,
    );
  }
  const n = task.train.length;
  return { task: { ...task, train: fit.examples.slice(0, n), test: fit.examples.slice(n) }, warnings: out };
}
