// Datasets and checkpoints imported into this tab (the Import panel, or a saved run that carried them), by id. The task
// queue adds a dataset as {dataset: id}; a checkpoint becomes the model (its config in the spec, its weights the run's
// pretrained base). Runs look them up here when they start (runInputs.ts).
import { create } from 'zustand';
import { provenanceOf } from '../engine/data/datasetCard';
import type { SkipReport } from '../engine/data/records';
import { splitDataset } from '../engine/data/split';
import type { ImportedExample } from '../engine/data/types';
import type { DatasetData } from '../engine/experiment/taskData';
import type { T5Config } from '../engine/model/config';
import type { HostTensors } from '../engine/model/init';
import type { RunTokenizerSpec } from '../engine/tokenizers/runTokenizer';

export interface ImportedCheckpoint {
  config: T5Config;
  weights: HostTensors;
  /** The folder's own tokenizer (tokenizer.json or spiece.model), which runs of this model use; absent: bytes. */
  tokenizer?: RunTokenizerSpec;
}

export interface ImportedState {
  datasets: Record<string, DatasetData>;
  checkpoints: Record<string, ImportedCheckpoint>;
}

export const useImportedStore = create<ImportedState>()(() => ({ datasets: {}, checkpoints: {} }));

/** Share of a dataset held out for the matrix when its file names no splits. */
const TEST_FRACTION = 0.2;

/**
 * Train and test sets of an imported file: the file's own split where every record names one (and both train and test
 * occur), else a seeded 80/20 split by input. With a source and the import's report, it carries its provenance (the
 * dataset card and the results document show the records skipped). Throws with a message when it cannot be split.
 */
export function datasetFromImport(
  r: { examples: readonly ImportedExample[]; report?: SkipReport },
  source?: string,
): DatasetData {
  const own =
    r.examples.every((e) => e.split) &&
    r.examples.some((e) => e.split === 'train') &&
    r.examples.some((e) => e.split === 'test');
  const s = splitDataset(
    r.examples,
    own ? { kind: 'file' } : { kind: 'fraction', seed: 0, testFraction: TEST_FRACTION },
  );
  return {
    train: s.train,
    test: s.test,
    ...(source && r.report ? { provenance: provenanceOf(source, r.report) } : {}),
  };
}

export const addDataset = (id: string, data: DatasetData) =>
  useImportedStore.setState((s) => ({ datasets: { ...s.datasets, [id]: data } }));
export const addCheckpoint = (id: string, ckpt: ImportedCheckpoint) =>
  useImportedStore.setState((s) => ({ checkpoints: { ...s.checkpoints, [id]: ckpt } }));

/** The same config, field by field (key order differs between a parsed spec and a read config.json). */
export function sameConfig(a: T5Config, b: T5Config): boolean {
  const keys = Object.keys(a) as (keyof T5Config)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
