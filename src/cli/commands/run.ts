// `run`: runs an experiment spec, writes the results document and prints the metrics table. Also the helpers that the
// other experiment commands share (reading JSON and datasets, running with progress on stderr).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stringFlag, UsageError, type Args } from '../args';
import { baseWeightsFor } from '../baseWeights';
import { loadCheckpointSource } from '../checkpointSource';
import { startBackend } from '../nodeBackend';
import { importDataset } from '../../engine/data/importDataset';
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

/** Datasets of the spec's tasks from DIR/ID.train.json and DIR/ID.test.json (the Long Sequence layout). */
export function datasetsFor(spec: ExperimentSpec, dir: string | undefined): DatasetResolver | undefined {
  const ids = [...new Set(spec.tasks.flatMap((t) => (typeof t.task === 'string' ? [] : [t.task.dataset])))];
  if (ids.length === 0) return undefined;
  if (!dir) throw new UsageError(`the spec uses imported datasets (${ids.join(', ')}): give their folder with --data DIR (files ID.train.json and ID.test.json)`);
  const loaded = new Map<string, DatasetData>();
  for (const id of ids) {
    const read = (split: 'train' | 'test') => {
      const file = join(dir, `${id}.${split}.json`);
      if (!existsSync(file)) throw new UsageError(`dataset "${id}": no file ${file}`);
      try {
        return importDataset(readFileSync(file, 'utf8'), { fileName: file }).examples.map(({ input, output }) => ({ input, output }));
      } catch (e) {
        throw new UsageError(`${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    loaded.set(id, { train: read('train'), test: read('test') });
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
        console.error(`running ${e.strategies.length} strategies on ${e.tasks.join(' → ')} (${e.totalSteps} training steps, ${e.backend})`);
        console.error(`  best constant answer: ${e.majorityScores.map((x) => x.toFixed(1)).join(' / ')}`);
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
export async function runToFile(spec: ExperimentSpec, args: Args, out: string, quiet = false): Promise<ResultsDocument> {
  if (!backendStarted) await startBackend(stringFlag(args, 'backend', spec.backend));
  backendStarted = true;
  const datasets = datasetsFor(spec, args.flags.has('data') ? stringFlag(args, 'data') : undefined);
  const split = stringFlag(args, 'split', 'test');
  if (split !== 'test' && split !== 'val') throw new UsageError(`--split must be test or val (got ${split})`);
  const baseWeights = baseWeightsFor(spec, args);
  // A spec naming a checkpoint runs its config and weights with its own tokenizer (the byte tokenizer if it has none).
  let model = {};
  if ('checkpoint' in spec.model) {
    const source = spec.model.checkpoint;
    const m = await loadCheckpointSource(source);
    model = { checkpoint: { config: m.config, weights: m.tensors }, ...(m.tokenizer ? { tokenizer: checkpointTokenizerSpec(m.tokenizer, source) } : {}) };
    if (!quiet) console.error(`checkpoint ${source}: ${m.format}, ${m.params} parameters, tokenizer ${m.tokenizer ? `${m.tokenizer.kind} (${m.tokenizer.tokenizer.vocabSize} ids)` : 'none (bytes)'}`);
  }
  const results = await runExperiment(spec, quiet ? {} : progressHooks(), { datasets, baseWeights, evalSplit: split, ...model });
  writeJson(out, results);
  console.log(resultsTable(results));
  console.error(`results written to ${out} (${results.timings.totalSeconds.toFixed(1)} s on ${results.backend})`);
  return results;
}

registerCommand({
  name: 'run',
  summary: 'run an experiment spec; writes the results document and prints AP / BWT / FWT / forgetting per strategy',
  usage: 'run SPEC.json --out RESULTS.json [--data DIR] [--backend wasm|cpu|auto] [--base DIR] [--split test|val]',
  async run(args) {
    const [path] = args.positionals;
    if (!path) throw new UsageError('run needs a spec file: run SPEC.json --out RESULTS.json');
    await runToFile(readSpecFile(path), args, stringFlag(args, 'out'));
  },
});
