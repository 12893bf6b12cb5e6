// What the Import panel does with files and URLs: recognise the kind of a picked file, read it with the engine's
// importers (every problem comes back as a message), and put the result where the page uses it.
import type { DatasetData } from '../../../engine/experiment/taskData';
import { fetchBytes, FetchError } from '../../../engine/io/fetchBytes';
import { loadHfModelFromUrl, type HfModel } from '../../../engine/io/loadHfModel';
import { paramSpecs } from '../../../engine/model/paramSpec';
import { checkpointTokenizerSpec } from '../../../engine/tokenizers/runTokenizer';
import { readCheckpointFiles, textImporters, type TextImportKind } from '../../../engine/share/importers';
import { RESULTS_FORMAT } from '../../../engine/experiment/results';
import { useExperimentStore } from '../../experimentStore';
import { addCheckpoint, addDataset, datasetFromImport } from '../../importedStore';
import { notify } from './shareStore';
import { showResults } from './showResults';

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

const datasetId = (fileName: string) => fileName.replace(/\.(json|jsonl|ndjson|csv|tsv)$/i, '');

function applyText(kind: TextImportKind, text: string, fileName: string): void {
  const store = useExperimentStore.getState();
  if (kind === 'results') {
    const r = textImporters.results.read(text);
    if (!r.ok) return notify('error', `${fileName} is not a results document this app can show: ${r.errors.join('; ')}`);
    store.setSpec(r.value.spec);
    showResults(r.value);
    return notify('info', `Showing the results in ${fileName} (${r.value.strategies.length} strategies on ${r.value.backend}); the experiment is theirs, so Run reproduces it.`);
  }
  if (kind === 'spec') {
    const r = textImporters.spec.read(text);
    if (!r.ok) return notify('error', `${fileName} is not a valid experiment: ${r.errors.join('; ')}`);
    store.setSpec(r.value);
    return notify('info', `Opened the experiment in ${fileName}.`);
  }
  const r = textImporters.dataset.read(text, fileName);
  if (!r.ok) return notify('error', r.errors.join('; '));
  const id = datasetId(fileName);
  let data: DatasetData;
  try {
    data = datasetFromImport(r.value);
  } catch (e) {
    return notify('error', `${fileName} cannot be split into train and test: ${e instanceof Error ? e.message : String(e)}`);
  }
  addDataset(id, data);
  const warn = r.warnings.length ? ` Note: ${r.warnings.join('; ')}.` : '';
  notify('info', `Read dataset "${id}": ${r.value.examples.length} examples (${data.train.length} train, ${data.test.length} test). Add it to the task queue under "Add an imported dataset".${warn}`);
}

function keepCheckpoint(id: string, m: HfModel): void {
  addCheckpoint(id, { config: m.config, weights: m.tensors, ...(m.tokenizer ? { tokenizer: checkpointTokenizerSpec(m.tokenizer, id) } : {}) });
}

function describeCheckpoint(name: string, m: HfModel): string {
  const params = paramSpecs(m.config).reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  return `Read checkpoint "${name}": ${(params / 1e6).toFixed(2)} M parameters, d_model ${m.config.dModel}, ${m.config.numLayers}+${m.config.numDecoderLayers} layers${m.tokenizer ? `, with its tokenizer (${m.tokenizer.kind}, ${m.tokenizer.tokenizer.vocabSize} ids)` : ''}. Use it as the model under "Model and training".`;
}

/** Reads picked files: a checkpoint folder (config.json, the weights in any format the engine reads, the tokenizer) or one JSON / CSV file. */
export async function importPicked(files: File[]): Promise<void> {
  if (!files.length) return;
  const weights = files.find((f) => /\.(safetensors|bin)$|\.index\.json$/i.test(f.name));
  if (weights) {
    if (!files.some((f) => f.name === 'config.json')) return notify('error', `${weights.name} needs the config.json of its folder: pick the folder's files together.`);
    const total = files.reduce((a, f) => a + f.size, 0);
    if (total > MAX_CHECKPOINT_BYTES) return notify('error', `the picked files are ${mib(total)}, more than the ${mib(MAX_CHECKPOINT_BYTES)} this page loads.`);
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
    const text = await f.text();
    applyText(sniff(text), text, f.name);
  }
}

export type UrlKind = 'checkpoint' | 'dataset';
export type Progress = (loaded: number, total: number | undefined) => void;

/** Loads a checkpoint folder or a dataset file by URL, with progress and cancel; every failure is a message. */
export async function importUrl(kind: UrlKind, url: string, signal: AbortSignal, onProgress: Progress): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return notify('error', `"${url}" is not a URL (it should start with https://).`);
  }
  try {
    if (kind === 'checkpoint') {
      const m = await loadHfModelFromUrl(parsed.href, { signal, onProgress, maxBytes: MAX_CHECKPOINT_BYTES });
      keepCheckpoint(parsed.href, m);
      return notify('info', describeCheckpoint(parsed.href, m));
    }
    const bytes = await fetchBytes(parsed.href, {
      signal,
      onProgress,
      maxBytes: MAX_DATASET_BYTES,
      accept: ['application/json', 'application/x-ndjson', 'application/jsonl', 'text/csv', 'text/plain', 'text/tab-separated-values', 'application/octet-stream'],
    });
    const name = decodeURIComponent(parsed.pathname.split('/').pop() || 'dataset.json');
    applyText('dataset', new TextDecoder().decode(bytes), name);
  } catch (e) {
    if (e instanceof FetchError && e.kind === 'aborted') return notify('info', 'Download cancelled.');
    const hint = e instanceof FetchError && e.kind === 'network' ? ' (is the address right, and does the server allow this page to read it? Hugging Face "resolve/main/" URLs do.)' : '';
    notify('error', `${e instanceof Error ? e.message : String(e)}${hint}`);
  }
}
