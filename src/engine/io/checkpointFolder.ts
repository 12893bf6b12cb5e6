// A Hugging Face T5 checkpoint folder as users find it: config.json, the weights as model.safetensors, sharded
// safetensors (model.safetensors.index.json + shards), pytorch_model.bin (or its sharded index), and the tokenizer as
// tokenizer.json or spiece.model. Reading is synchronous over the files' bytes; the URL and file-picker loaders
// (loadHfModel.ts) and the CLI fetch the files this module says it needs, then call readCheckpointFolder.
import { checkedTokenizer, type CheckpointTokenizer } from '../tokenizers/checkpointTokenizer';
import { checkpointFromTensors, type Checkpoint } from './checkpoint';
import { CheckpointError } from './checkpointError';
import { fromHfConfig } from './hfConfig';
import { parsePytorchBin } from './pytorchBin';
import { parseSafetensors, type LoadedTensor } from './safetensors';

export type WeightsFormat = 'safetensors' | 'safetensors-sharded' | 'pytorch';

/** The weight files a folder may have, in the order they are preferred. */
export const weightFiles = [
  'model.safetensors',
  'model.safetensors.index.json',
  'pytorch_model.bin',
  'pytorch_model.bin.index.json',
] as const;
export type WeightFile = (typeof weightFiles)[number];
/** Tokenizer files, preferred first, and tokenizer_config.json (pad / eos names, sentinel count). */
export const tokenizerFiles = ['tokenizer.json', 'spiece.model', 'tokenizer_config.json'] as const;
// Files of other frameworks that a folder may hold instead, named when a folder has no weights this app reads.
const otherWeights = ['tf_model.h5', 'flax_model.msgpack', 'model.ckpt.index', 'rust_model.ot', 'model.onnx'];

export interface CheckpointFolderData extends Checkpoint {
  format: WeightsFormat;
  /** config.json as written (for `inspect`, and the special ids the tokenizer is checked against). */
  rawConfig: Record<string, unknown>;
  tokenizer: CheckpointTokenizer | null;
  /** Number of parameters (tied embeddings counted once). */
  params: number;
}

/** The bytes of a file of the folder, or undefined when it has none by that name. */
export type FolderFiles = (name: string) => Uint8Array | undefined;

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** Runs a reader of one file, its CheckpointErrors prefixed with the file's name. */
function inFile<T>(file: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof CheckpointError && !e.message.startsWith(file)) throw new CheckpointError(`${file}: ${e.message}`);
    throw e;
  }
}

/** Shard file names of an index.json, checked: every tensor maps to a file name without a path. */
export function shardIndex(bytes: Uint8Array, file: string): Map<string, string[]> {
  let index: unknown;
  try {
    index = JSON.parse(decode(bytes));
  } catch {
    throw new CheckpointError(`${file} is not valid JSON`);
  }
  const map = (index as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map))
    throw new CheckpointError(`${file} has no "weight_map" object (tensor name -> shard file)`);
  const byShard = new Map<string, string[]>();
  for (const [tensor, shard] of Object.entries(map)) {
    if (typeof shard !== 'string' || !/^[\w.-]+$/.test(shard))
      throw new CheckpointError(
        `${file}: tensor "${tensor}" maps to ${JSON.stringify(shard)}, not a shard file name in the folder`,
      );
    byShard.set(shard, [...(byShard.get(shard) ?? []), tensor]);
  }
  if (!byShard.size) throw new CheckpointError(`${file} maps no tensors to shards`);
  return byShard;
}

function readSharded(
  files: FolderFiles,
  indexFile: string,
  parse: (b: Uint8Array, f: string) => Map<string, LoadedTensor>,
): Map<string, LoadedTensor> {
  const index = shardIndex(files(indexFile)!, indexFile);
  const missing = [...index.keys()].filter((s) => !files(s));
  if (missing.length) {
    const lost = missing.reduce((a, s) => a + index.get(s)!.length, 0);
    const total = [...index.values()].reduce((a, t) => a + t.length, 0);
    throw new CheckpointError(
      `${indexFile} names shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the folder does not have (${lost} of ${total} tensors are in ${missing.length > 1 ? 'them' : 'it'})`,
    );
  }
  const out = new Map<string, LoadedTensor>();
  for (const [shard, names] of index) {
    const tensors = inFile(shard, () => parse(files(shard)!, shard));
    for (const name of names) {
      const t = tensors.get(name);
      if (!t) throw new CheckpointError(`${indexFile} puts tensor "${name}" in ${shard}, which does not hold it`);
      out.set(name, t);
    }
  }
  return out;
}

/** Which weights file of the folder is read: the first of weightFiles it has. */
export function pickWeights(has: (name: string) => boolean, listing?: string[]): WeightFile {
  const found = weightFiles.find(has);
  if (found) return found;
  const others = otherWeights.filter((f) => (listing ? listing.includes(f) : has(f)));
  throw new CheckpointError(
    `the folder has no weights this app reads: none of ${weightFiles.join(', ')}` +
      (others.length ? ` (it has ${others.join(', ')}, which are for other frameworks)` : ''),
  );
}

/** Reads a checkpoint folder from its files' bytes. Every problem is a CheckpointError or TokenizerError naming it. */
export function readCheckpointFolder(files: FolderFiles, listing?: string[]): CheckpointFolderData {
  const configBytes = files('config.json');
  if (!configBytes) throw new CheckpointError("the folder has no config.json, which says the model's shape");
  const config = inFile('config.json', () => fromHfConfig(decode(configBytes)));
  const rawConfig = JSON.parse(decode(configBytes)) as Record<string, unknown>;
  const weights = pickWeights((n) => files(n) !== undefined, listing);
  const loaded =
    weights === 'model.safetensors'
      ? inFile(weights, () => parseSafetensors(files(weights)!))
      : weights === 'pytorch_model.bin'
        ? parsePytorchBin(files(weights)!, weights)
        : readSharded(files, weights, weights === 'model.safetensors.index.json' ? parseSafetensors : parsePytorchBin);
  const ckpt = checkpointFromTensors(config, loaded);
  const text = (f: string) => (files(f) ? decode(files(f)!) : undefined);
  const tokenizer = checkedTokenizer(
    {
      tokenizerJson: text('tokenizer.json'),
      spiece: files('spiece.model'),
      tokenizerConfig: text('tokenizer_config.json'),
    },
    rawConfig,
  );
  const params = [...ckpt.tensors.values()].reduce((a, t) => a + t.data.length, 0);
  const format: WeightsFormat =
    weights === 'model.safetensors'
      ? 'safetensors'
      : weights === 'model.safetensors.index.json'
        ? 'safetensors-sharded'
        : 'pytorch';
  return { ...ckpt, format, rawConfig, tokenizer, params };
}
