// What a run needs besides its spec: the imported datasets its queue names and, for a model given as a config with
// init "pretrained", the weights of the imported checkpoint with that config. Saved runs keep them when they are small
// enough for IndexedDB to hold cheaply; larger ones are named so the page can ask for the file again.
import type { DatasetData } from '../engine/experiment/taskData';
import type { HostTensors } from '../engine/model/init';
import type { ExperimentSpec } from '../engine/spec/experiment';
import type { RunTokenizerSpec } from '../engine/tokenizers/runTokenizer';
import { addCheckpoint, addDataset, sameConfig, useImportedStore } from './importedStore';

export interface RunInputs {
  datasets: Record<string, DatasetData>;
  /** The imported checkpoint whose weights start the run, and its own tokenizer when it has one. */
  base?: { id: string; weights: HostTensors; tokenizer?: RunTokenizerSpec };
}

/** Most characters of dataset text, and most weights, a saved run carries (beyond them it names what it left out). */
export const SAVE_LIMITS = { datasetChars: 4_000_000, weights: 4_000_000 };

export const datasetIds = (spec: ExperimentSpec) => [
  ...new Set(spec.tasks.flatMap((t) => (typeof t.task === 'string' ? [] : [t.task.dataset]))),
];

/** The inputs of a run of `spec` from this tab's imports, and the dataset ids that are not loaded. */
export function runInputsFor(spec: ExperimentSpec): { inputs: RunInputs; missing: string[] } {
  const { datasets, checkpoints } = useImportedStore.getState();
  const inputs: RunInputs = { datasets: {} };
  const missing: string[] = [];
  for (const id of datasetIds(spec)) {
    if (datasets[id]) inputs.datasets[id] = datasets[id];
    else missing.push(id);
  }
  const config = 'config' in spec.model ? spec.model.config : null;
  if (config && spec.init === 'pretrained') {
    const hit = Object.entries(checkpoints).find(([, c]) => sameConfig(c.config, config));
    if (hit)
      inputs.base = {
        id: hit[0],
        weights: hit[1].weights,
        ...(hit[1].tokenizer ? { tokenizer: hit[1].tokenizer } : {}),
      };
  }
  return { inputs, missing };
}

const datasetChars = (d: DatasetData) =>
  [...d.train, ...d.test].reduce((n, e) => n + e.input.length + e.output.length, 0);
const weightCount = (w: HostTensors) => [...w.values()].reduce((n, t) => n + t.data.length, 0);

/** What a saved run keeps of its inputs: the whole of them within SAVE_LIMITS, else the rest named in `leftOut`. */
export function savableInputs(inputs: RunInputs): { kept: RunInputs; leftOut: string[] } {
  const kept: RunInputs = { datasets: {} };
  const leftOut: string[] = [];
  let chars = 0;
  for (const [id, d] of Object.entries(inputs.datasets)) {
    chars += datasetChars(d);
    if (chars <= SAVE_LIMITS.datasetChars) kept.datasets[id] = d;
    else leftOut.push(`dataset "${id}"`);
  }
  if (inputs.base) {
    if (weightCount(inputs.base.weights) <= SAVE_LIMITS.weights) kept.base = inputs.base;
    else leftOut.push(`checkpoint "${inputs.base.id}"`);
  }
  return { kept, leftOut };
}

/** Puts a saved run's inputs back among this tab's imports (a reopened or resumed run needs them to run again). */
export function restoreInputs(inputs: RunInputs | undefined, config: ExperimentSpec['model']): void {
  if (!inputs) return;
  Object.entries(inputs.datasets).forEach(([id, d]) => addDataset(id, d));
  if (inputs.base && 'config' in config) {
    addCheckpoint(inputs.base.id, {
      config: config.config,
      weights: inputs.base.weights,
      ...(inputs.base.tokenizer ? { tokenizer: inputs.base.tokenizer } : {}),
    });
  }
}
