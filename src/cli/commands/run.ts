// `run`: runs an experiment spec, writes the results document and prints the metrics table. Also the helpers that the
// other experiment commands share (reading JSON and datasets, running with progress on stderr).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { intFlag, outFileFlag, stringFlag, UsageError, type Args } from '../args';
import { baseWeightsFor } from '../baseWeights';
import { loadCheckpointSource } from '../checkpointSource';
import { nodeLanes } from '../laneHost';
import { startBackend } from '../nodeBackend';
import { provenanceOf } from '../../engine/data/datasetCard';
import { importDataset, importParquet, type ImportOptions, type ImportResult } from '../../engine/data/importDataset';
import { inspectParquet } from '../../engine/data/parquet';
import type { BadRecordPolicy } from '../../engine/data/records';
import { MAX_FEW_SHOT } from '../../engine/data/superNi';
import { runExperiment, type RunHooks } from '../../engine/experiment/runner';
import type { ResultsDocument } from '../../engine/experiment/results';
import { resultsTable } from '../../engine/experiment/table';
import type { DatasetData, DatasetResolver } from '../../engine/experiment/taskData';
import { parseSpec, type ExperimentSpec } from '../../engine/spec/experiment';
import { checkpointTokenizerSpec } from '../../engine/tokenizers/runTokenizer';
import { registerCommand } from './registry';

/** Parsed JSON of a file, or an error naming the file and what is wrong. */
export function readJsonFile(path: string, what: string): unknown {
  if (!existsSync(path)) throw new UsageError(`${what} ${path}: no such file`);
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} ${path}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

export function readSpecFile(path: string): ExperimentSpec {
  const r = parseSpec(readJsonFile(path, 'spec'));
  if (!r.ok) throw new UsageError(`spec ${path} is not valid:\n  ${r.errors.join('\n  ')}`);
  return r.spec;
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, JSON.stringify(value) + '\n');
}

/** File endings tried for DIR/ID.SPLIT, in this order. */
const DATASET_EXTENSIONS = ['json', 'jsonl', 'csv', 'tsv', 'parquet'];

/** --on-bad-record: skip records that cannot be used (default; a warning names them) or refuse the file. */
export function badRecordPolicy(args: Args): BadRecordPolicy {
  const v = stringFlag(args, 'on-bad-record', 'skip');
  if (v !== 'skip' && v !== 'refuse') throw new UsageError(`--on-bad-record must be skip or refuse (got ${v})`);
  return v;
}

async function readDatasetFile(file: string, opts: ImportOptions): Promise<ImportResult> {
  if (!file.endsWith('.parquet')) return importDataset(readFileSync(file, 'utf8'), opts);
  const part = new Uint8Array(readFileSync(file));
  // Columns as the import preview guesses them (input / text / sentence ..., output / label ...), with ClassLabel names.
  const { guess } = inspectParquet([part], file);
  return importParquet([part], { inputColumn: guess.input, outputColumn: guess.output }, opts);
}

/**
 * Datasets of the spec's tasks from DIR/ID.train.EXT and DIR/ID.test.EXT (the Long Sequence layout; JSON, SuperNI task
 * files, JSONL, CSV, TSV or parquet). Skipped records are a warning on stderr and in the dataset's provenance.
 */
export async function datasetsFor(
  spec: ExperimentSpec,
  dir: string | undefined,
  args: Args,
): Promise<DatasetResolver | undefined> {
  const ids = [...new Set(spec.tasks.flatMap((t) => (typeof t.task === 'string' ? [] : [t.task.dataset])))];
  if (ids.length === 0) return undefined;
  if (!dir)
    throw new UsageError(
      `the spec uses imported datasets (${ids.join(', ')}): give their folder with --data DIR (files ID.train.json and ID.test.json)`,
    );
  const onBadRecord = badRecordPolicy(args);
  const fewShot = intFlag(args, 'few-shot', 0, 0, MAX_FEW_SHOT);
  const loaded = new Map<string, DatasetData>();
  for (const id of ids) {
    let records = 0;
    let skipped = 0;
    const why: string[] = [];
    const read = async (split: 'train' | 'test') => {
      const file = DATASET_EXTENSIONS.map((ext) => join(dir, `${id}.${split}.${ext}`)).find(existsSync);
      if (!file)
        throw new UsageError(
          `dataset "${id}": no file ${join(dir, `${id}.${split}.json`)} (nor .${DATASET_EXTENSIONS.slice(1).join(', .')})`,
        );
      try {
        const r = await readDatasetFile(file, { fileName: file, onBadRecord, fewShot });
        for (const w of r.warnings) console.error(`warning: ${file}: ${w}`);
        records += r.report.records;
        skipped += r.report.skipped;
        if (r.report.skipped) why.push(`${split}: ${provenanceOf(file, r.report).skippedWhy}`);
        return r.examples.map(({ input, output, accepted }) =>
          accepted ? { input, output, accepted } : { input, output },
        );
      } catch (e) {
        throw new UsageError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    const train = await read('train');
    const test = await read('test');
    const provenance = {
      source: join(dir, id),
      records,
      skipped,
      ...(why.length ? { skippedWhy: why.join('; ') } : {}),
    };
    loaded.set(id, { train, test, provenance });
  }
  return (id) => loaded.get(id);
}

/** Progress on stderr: one line per matrix row and per warning or error, so stdout keeps only the table. */
const progressHooks = (): RunHooks => {
  const names: string[] = [];
  let tasks: string[] = [];
  return {
    onEvent(e) {
      if (e.type === 'run-start') {
        names.push(...e.strategies);
        tasks = e.tasks;
        console.error(
          `running ${e.strategies.length} strategies on ${e.tasks.join(' → ')} (${e.totalSteps} training steps, ${e.backend})`,
        );
        console.error(`  best constant answer: ${e.majorityScores.map((x) => x.toFixed(1)).join(' / ')}`);
        e.header.warnings.forEach((w) => console.error(`warning: ${w}`));
      } else if (e.type === 'eval-row') {
        const when = e.row === 0 ? 'untrained' : `after ${tasks[e.row - 1]}`;
        console.error(`  ${names[e.strategy]} ${when}: ${e.scores.map((x) => x.toFixed(1)).join(' / ')}`);
      } else if (e.type === 'warning') console.error(`warning: ${e.message}`);
      else if (e.type === 'error') console.error(`error: ${e.message}`);
    },
  };
};

let backendStarted = false;

/** Runs a spec on the backend of --backend (default: the spec's), writes the results to `out`, prints the table. */
/** Exit code of a run, demo or sweep that finished and wrote its results, but with strategies that stopped early. */
export const STOPPED_EARLY = 3;

export async function runToFile(
  spec: ExperimentSpec,
  args: Args,
  out: string,
  quiet = false,
): Promise<ResultsDocument> {
  // Every flag and input file is checked before the backend starts.
  const split = stringFlag(args, 'split', 'test');
  if (split !== 'test' && split !== 'val') throw new UsageError(`--split must be test or val (got ${split})`);
  const datasets = await datasetsFor(spec, args.flags.has('data') ? stringFlag(args, 'data') : undefined, args);
  const baseWeights = baseWeightsFor(spec, args);
  // A spec naming a checkpoint runs its config and weights with its own tokenizer (the byte tokenizer if it has none).
  let model = {};
  if ('checkpoint' in spec.model) {
    const source = spec.model.checkpoint;
    const m = await loadCheckpointSource(source);
    model = {
      checkpoint: { config: m.config, weights: m.tensors },
      ...(m.tokenizer ? { tokenizer: checkpointTokenizerSpec(m.tokenizer, source) } : {}),
    };
    if (!quiet)
      console.error(
        `checkpoint ${source}: ${m.format}, ${m.params} parameters, tokenizer ${m.tokenizer ? `${m.tokenizer.kind} (${m.tokenizer.tokenizer.vocabSize} ids)` : 'none (bytes)'}`,
      );
  }
  const lanes = nodeLanes(args.flags.has('lanes') ? intFlag(args, 'lanes', 1, 1, 64) : undefined);
  if (!backendStarted) await startBackend(stringFlag(args, 'backend', spec.backend));
  backendStarted = true;
  const results = await runExperiment(spec, quiet ? {} : progressHooks(), {
    lanes,
    datasets,
    baseWeights,
    evalSplit: split,
    ...model,
  });
  writeJson(out, results);
  console.log(resultsTable(results));
  console.error(`results written to ${out} (${results.timings.totalSeconds.toFixed(1)} s on ${results.backend})`);
  // The document holds what they did before they stopped; a script must still learn that the run is not whole.
  const stopped = results.strategies.filter((s) => s.error);
  if (stopped.length) {
    console.error(
      `${stopped.length} of ${results.strategies.length} strategies stopped early (exit code ${STOPPED_EARLY}): ${stopped.map((s) => s.error).join('; ')}`,
    );
    process.exitCode = STOPPED_EARLY;
  }
  return results;
}

registerCommand({
  name: 'run',
  summary: 'run an experiment spec; writes the results document and prints AP / BWT / FWT / forgetting per strategy',
  usage:
    'run SPEC.json --out RESULTS.json [--data DIR] [--on-bad-record skip|refuse] [--few-shot N] [--backend wasm|cpu|auto] [--base DIR] [--split test|val] [--lanes N (1: off; default one per core)]',
  async run(args) {
    const [path] = args.positionals;
    if (!path) throw new UsageError('run needs a spec file: run SPEC.json --out RESULTS.json');
    const out = outFileFlag(args, 'out');
    await runToFile(readSpecFile(path), args, out);
  },
});
