// Everything a user can bring in, as one registry of readers: a results document (someone else's run), an experiment
// spec, a dataset (JSON / JSONL / CSV) and a Hugging Face checkpoint folder. Each reader returns its value or messages
// naming the problem, never throws: the engine's own error classes carry those messages; any other exception is a bug
// in a reader and is reported as "unexpected" (the fuzz test looks for exactly that).
import { DatasetImportError, importDataset, type ImportResult } from '../data/importDataset';
import { RESULTS_FORMAT, type ResultsDocument } from '../experiment/results';
import { CheckpointError } from '../io/checkpointError';
import { FetchError } from '../io/fetchBytes';
import { loadHfModelFromFiles, type HfFiles, type HfModel } from '../io/loadHfModel';
import { parseSpec, type ExperimentSpec } from '../spec/experiment';
import { TokenizerError } from '../tokenizers/tokenizer';
import { readJson, readResultsFile, type ReadOutcome } from '../export/resultsFile';

/** Largest spec file read: a spec is a few kilobytes. */
export const MAX_SPEC_FILE_CHARS = 1024 * 1024;

const expectedErrors = [DatasetImportError, CheckpointError, TokenizerError, FetchError];

/** Runs a reader that may throw the engine's named errors; any other exception is reported as unexpected. */
export function guarded<T>(what: string, read: () => ReadOutcome<T>): ReadOutcome<T> {
  try {
    return read();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (expectedErrors.some((c) => e instanceof c)) return { ok: false, errors: [`${what}: ${msg}`] };
    // JSON.parse and the validators can overflow the stack on absurdly deep nesting: a bad file, not a bug.
    if (e instanceof RangeError)
      return { ok: false, errors: [`${what} is nested too deeply or too large to read (${msg})`] };
    return { ok: false, errors: [`${what} could not be read: unexpected error (${msg})`] };
  }
}

/** A spec file: the spec itself, or the spec inside a results document. */
export function readSpecFile(text: string): ReadOutcome<ExperimentSpec> {
  return guarded('the experiment file', () => {
    const json = readJson(text, 'the experiment file', MAX_SPEC_FILE_CHARS);
    if (!json.ok) return json;
    const doc = json.json as { format?: unknown; spec?: unknown } | null;
    const fromResults = typeof doc === 'object' && doc !== null && doc.format === RESULTS_FORMAT;
    const r = parseSpec(fromResults ? doc.spec : json.json);
    if (!r.ok) return { ok: false, errors: r.errors.slice(0, 8).map((e) => (fromResults ? `spec.${e}` : e)) };
    return {
      ok: true,
      value: r.spec,
      warnings: fromResults ? ['the experiment was taken from a results document'] : [],
    };
  });
}

export function readDatasetFile(text: string, fileName?: string): ReadOutcome<ImportResult> {
  return guarded(fileName ? `dataset ${fileName}` : 'the dataset', () => {
    const r = importDataset(text, { fileName });
    return { ok: true, value: r, warnings: r.warnings };
  });
}

export function readCheckpointFiles(files: HfFiles): ReadOutcome<HfModel> {
  return guarded('the checkpoint', () => ({ ok: true, value: loadHfModelFromFiles(files), warnings: [] }));
}

export interface TextImporter<T> {
  label: string;
  /** The file picker's accept attribute. */
  accept: string;
  read(text: string, fileName?: string): ReadOutcome<T>;
}

export const textImporters = {
  results: {
    label: 'Results document (JSON)',
    accept: '.json,application/json',
    read: (t) => guarded('the results file', () => readResultsFile(t)),
  } satisfies TextImporter<ResultsDocument>,
  spec: {
    label: 'Experiment (JSON)',
    accept: '.json,application/json',
    read: readSpecFile,
  } satisfies TextImporter<ExperimentSpec>,
  dataset: {
    label: 'Dataset (JSON, SuperNI task, JSONL, CSV, TSV)',
    accept: '.json,.jsonl,.ndjson,.csv,.tsv',
    read: readDatasetFile,
  } satisfies TextImporter<ImportResult>,
};
export type TextImportKind = keyof typeof textImporters;
