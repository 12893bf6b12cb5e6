// What the Import panel does with files and URLs: recognise the kind of a picked file, read it with the engine's
// importers (every problem comes back as a message), and put the result where the page uses it. Datasets go through
// the import preview first (importPreview.ts): only its Import button adds them.
import { fetchHubSplit } from '../../../engine/data/hub';
import type { DatasetData } from '../../../engine/experiment/taskData';
import { fetchBytes, FetchError } from '../../../engine/io/fetchBytes';
import { loadHfModelFromUrl, type HfModel } from '../../../engine/io/loadHfModel';
import { cachedFetch, type CachedFetch } from '../../../engine/io/modelCache';
import { paramSpecs } from '../../../engine/model/paramSpec';
import { checkpointTokenizerSpec } from '../../../engine/tokenizers/runTokenizer';
import { readCheckpointFiles, textImporters, type TextImportKind } from '../../../engine/share/importers';
import { RESULTS_FORMAT } from '../../../engine/experiment/results';
import { useExperimentStore } from '../../experimentStore';
import { addCheckpoint, addDataset, datasetFromImport } from '../../importedStore';
import { modelCacheChanged } from '../../modelCacheStore';
import { isParquet, queueParquet, queueText, readPending } from './importPreview';
import { dropFirst, type PendingImport } from './pendingImports';
import { notify } from '../../services/shareStore';
import { showResults } from '../../services/showResults';

/** Browser limits: a download this large is refused before it fills the tab's memory. */
export const MAX_CHECKPOINT_BYTES = 1024 * 2 ** 20;
export const MAX_DATASET_BYTES = 256 * 2 ** 20;

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

function sniff(text: string): TextImportKind {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    if (j && typeof j === 'object' && !Array.isArray(j)) {
      if (j.format === RESULTS_FORMAT) return 'results';
      if ('version' in j && 'tasks' in j && 'strategies' in j) return 'spec';
    }
  } catch {
    // not one JSON document: JSONL or CSV, both datasets
  }
  return 'dataset';
}

const datasetId = (fileName: string) => fileName.replace(/\.(json|jsonl|ndjson|csv|tsv|parquet)$/i, '');

function applyText(kind: TextImportKind, text: string, fileName: string, source = fileName): void {
  const store = useExperimentStore.getState();
  if (kind === 'results') {
    const r = textImporters.results.read(text);
    if (!r.ok)
      return notify('error', `${fileName} is not a results document this app can show: ${r.errors.join('; ')}`);
    store.setSpec(r.value.spec);
    showResults(r.value);
    return notify(
      'info',
      `Showing the results in ${fileName} (${r.value.strategies.length} strategies on ${r.value.backend}); the experiment is theirs, so Run reproduces it.`,
    );
  }
  if (kind === 'spec') {
    const r = textImporters.spec.read(text);
    if (!r.ok) return notify('error', `${fileName} is not a valid experiment: ${r.errors.join('; ')}`);
    store.setSpec(r.value);
    return notify('info', `Opened the experiment in ${fileName}.`);
  }
  queueText(datasetId(fileName), source, fileName, text);
}

function startParquet(id: string, source: string, fileName: string, parts: Uint8Array[]): void {
  const r = queueParquet(id, source, fileName, parts);
  if (!r.ok) notify('error', r.errors.join('; '));
}

/** Adds the first pending dataset as read with its choices (bad records skipped and counted); drops it from the queue. */
export async function confirmImport(p: PendingImport): Promise<void> {
  const r = await readPending(p, 'skip');
  if (!r.ok) return notify('error', r.errors.join('; '));
  const { id, source } = p.source;
  let data: DatasetData;
  try {
    data = datasetFromImport(r.value, source);
  } catch (e) {
    return notify(
      'error',
      `${p.source.fileName} cannot be split into train and test: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  dropFirst();
  addDataset(id, data);
  const warn = r.warnings.length ? ` Note: ${r.warnings.join('; ')}.` : '';
  notify(
    'info',
    `Read dataset "${id}": ${r.value.examples.length} examples (${data.train.length} train, ${data.test.length} test). Add it to the task queue under "Add an imported dataset".${warn}`,
  );
}

/** Refuses the first pending dataset because of its bad records: the message says which; nothing is added. */
export async function refuseImport(p: PendingImport): Promise<void> {
  const r = await readPending(p, 'refuse');
  dropFirst();
  notify('error', r.ok ? `${p.source.fileName} was not imported.` : r.errors.join('; '));
}

function keepCheckpoint(id: string, m: HfModel): void {
  addCheckpoint(id, {
    config: m.config,
    weights: m.tensors,
    ...(m.tokenizer ? { tokenizer: checkpointTokenizerSpec(m.tokenizer, id) } : {}),
  });
}

function describeCheckpoint(name: string, m: HfModel): string {
  const params = paramSpecs(m.config).reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  return `Read checkpoint "${name}": ${(params / 1e6).toFixed(2)} M parameters, d_model ${m.config.dModel}, ${m.config.numLayers}+${m.config.numDecoderLayers} layers${m.tokenizer ? `, with its tokenizer (${m.tokenizer.kind}, ${m.tokenizer.tokenizer.vocabSize} ids)` : ''}. Use it as the model under "Model and training".`;
}

function cacheNote(f: CachedFetch): string {
  if (f.downloads.length === 0) return "Loaded from this browser's cache, no download.";
  if (f.problems.length) return `Downloaded; not kept for next time: ${f.problems.join('; ')}.`;
  return 'Downloaded and kept in this browser (listed under "Model and training", where it can be deleted).';
}

/** Reads picked files: a checkpoint folder (config.json, the weights in any format the engine reads, the tokenizer) or one JSON / CSV file. */
export async function importPicked(files: File[]): Promise<void> {
  if (!files.length) return;
  const weights = files.find((f) => /\.(safetensors|bin)$|\.index\.json$/i.test(f.name));
  if (weights) {
    if (!files.some((f) => f.name === 'config.json'))
      return notify('error', `${weights.name} needs the config.json of its folder: pick the folder's files together.`);
    const total = files.reduce((a, f) => a + f.size, 0);
    if (total > MAX_CHECKPOINT_BYTES)
      return notify(
        'error',
        `the picked files are ${mib(total)}, more than the ${mib(MAX_CHECKPOINT_BYTES)} this page loads.`,
      );
    const byName: Record<string, Uint8Array> = {};
    for (const f of files) byName[f.name] = new Uint8Array(await f.arrayBuffer());
    const r = readCheckpointFiles(byName);
    if (!r.ok) return notify('error', r.errors.join('; '));
    keepCheckpoint(weights.name, r.value);
    return notify('info', describeCheckpoint(weights.name, r.value));
  }
  for (const f of files) {
    if (f.size > MAX_DATASET_BYTES) {
      notify('error', `${f.name} is ${mib(f.size)}, more than the ${mib(MAX_DATASET_BYTES)} this page reads.`);
      continue;
    }
    const bytes = new Uint8Array(await f.arrayBuffer());
    if (/\.parquet$/i.test(f.name) || isParquet(bytes)) {
      startParquet(datasetId(f.name), f.name, f.name, [bytes]);
      continue;
    }
    const text = new TextDecoder().decode(bytes);
    applyText(sniff(text), text, f.name);
  }
}

export type UrlKind = 'checkpoint' | 'dataset' | 'hub';

/** Where a Hub dataset's parquet files are listed (the tests point it at 127.0.0.1). */
export interface HubTarget {
  split: string;
  /** The dataset's config (subset); empty: "default" or the first listed. */
  config: string;
  server: string;
}
export type Progress = (loaded: number, total: number | undefined) => void;

/** Loads a checkpoint folder or a dataset file by URL, with progress and cancel; every failure is a message. */
export async function importUrl(
  kind: UrlKind,
  url: string,
  signal: AbortSignal,
  onProgress: Progress,
  hub?: HubTarget,
): Promise<void> {
  if (kind === 'hub') return importHub(url, hub ?? { split: 'train', config: '', server: '' }, signal, onProgress);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return notify('error', `"${url}" is not a URL (it should start with https://).`);
  }
  try {
    if (kind === 'checkpoint') {
      // Kept in Cache Storage as the model picker's are: a second load reads it from there, and the list under
      // "Model and training" shows it with a Delete button.
      const fetchFile = cachedFetch();
      const m = await loadHfModelFromUrl(parsed.href, {
        signal,
        onProgress,
        maxBytes: MAX_CHECKPOINT_BYTES,
        fetchFile,
      });
      keepCheckpoint(parsed.href, m);
      if (fetchFile.downloads.length) modelCacheChanged();
      return notify('info', `${describeCheckpoint(parsed.href, m)} ${cacheNote(fetchFile)}`);
    }
    const bytes = await fetchBytes(parsed.href, {
      signal,
      onProgress,
      maxBytes: MAX_DATASET_BYTES,
      accept: [
        'application/json',
        'application/x-ndjson',
        'application/jsonl',
        'text/csv',
        'text/plain',
        'text/tab-separated-values',
        'application/octet-stream',
        'application/vnd.apache.parquet',
        'application/x-parquet',
      ],
    });
    const name = decodeURIComponent(parsed.pathname.split('/').pop() || 'dataset.json');
    if (/\.parquet$/i.test(name) || isParquet(bytes)) startParquet(datasetId(name), parsed.href, name, [bytes]);
    else applyText('dataset', new TextDecoder().decode(bytes), name, parsed.href);
  } catch (e) {
    failed(e);
  }
}

async function importHub(name: string, target: HubTarget, signal: AbortSignal, onProgress: Progress): Promise<void> {
  const split = target.split.trim() || 'train';
  try {
    const config = target.config.trim() || undefined;
    const { parts, files } = await fetchHubSplit(name, split, {
      base: target.server.trim() || undefined,
      config,
      signal,
      onProgress,
      maxBytes: MAX_DATASET_BYTES,
    });
    startParquet(
      `${name.split('/').pop()}-${split}`,
      `Hugging Face Hub: ${name}, config ${files[0].config}, split ${split}`,
      `${name} (${split})`,
      parts,
    );
  } catch (e) {
    failed(e);
  }
}

function failed(e: unknown): void {
  if (e instanceof FetchError && e.kind === 'aborted') return notify('info', 'Download cancelled.');
  const hint =
    e instanceof FetchError && e.kind === 'network'
      ? ' (is the address right, and does the server allow this page to read it? Hugging Face "resolve/main/" URLs do.)'
      : '';
  notify('error', `${e instanceof Error ? e.message : String(e)}${hint}`);
}
