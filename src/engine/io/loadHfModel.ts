// Loads a Hugging Face T5 checkpoint folder (config.json, model.safetensors, optional tokenizer.json) from a URL,
// as the hub lays it out (e.g. https://huggingface.co/google/t5-efficient-tiny/resolve/main/), or from files the user
// picked. Every failure names the file and the problem.
import type { Tokenizer } from '../tokenizers/tokenizer';
import { loadHfTokenizer } from '../tokenizers/hfTokenizer';
import { readCheckpoint, type Checkpoint } from './checkpoint';
import { CheckpointError } from './checkpointError';
import { fetchBytes, FetchError } from './fetchBytes';

export interface HfModel extends Checkpoint {
  /** Present when the folder has a tokenizer.json; otherwise the caller uses the byte tokenizer. */
  tokenizer?: Tokenizer;
}

export interface HfFiles {
  config: string | Uint8Array;
  safetensors: Uint8Array;
  tokenizer?: string | Uint8Array;
}

const text = (x: string | Uint8Array) => (typeof x === 'string' ? x : new TextDecoder().decode(x));

export function loadHfModelFromFiles(files: HfFiles): HfModel {
  const ckpt = readCheckpoint(files.safetensors, text(files.config));
  if (files.tokenizer === undefined) return ckpt;
  const tokenizer = loadHfTokenizer(text(files.tokenizer));
  if (tokenizer.vocabSize > ckpt.config.vocabSize) {
    throw new CheckpointError(`tokenizer.json has ${tokenizer.vocabSize} tokens but the model's vocabulary holds ${ckpt.config.vocabSize}`);
  }
  return { ...ckpt, tokenizer };
}

export interface LoadUrlOptions {
  signal?: AbortSignal;
  /** Progress of the weights file, the large one. */
  onProgress?(loaded: number, total: number | undefined): void;
  maxBytes?: number;
}

/** base: the folder URL; its config.json, model.safetensors and (if present) tokenizer.json are fetched. */
export async function loadHfModelFromUrl(base: string, opts: LoadUrlOptions = {}): Promise<HfModel> {
  const folder = base.endsWith('/') ? base : `${base}/`;
  const get = (name: string, accept: string[], extra: Partial<LoadUrlOptions> = {}) =>
    fetchBytes(new URL(name, folder).href, { signal: opts.signal, accept, ...extra }).catch((e: unknown) => {
      throw e instanceof FetchError ? new FetchError(`${name}: ${e.message}`, e.kind, e.status) : e;
    });
  const json = ['application/json', 'text/plain'];
  const config = await get('config.json', json);
  const safetensors = await get('model.safetensors', ['application/octet-stream', 'binary/octet-stream'], { onProgress: opts.onProgress, maxBytes: opts.maxBytes });
  let tokenizer: Uint8Array | undefined;
  try {
    tokenizer = await get('tokenizer.json', json);
  } catch (e) {
    if (!(e instanceof FetchError && e.status === 404)) throw e;
  }
  return loadHfModelFromFiles({ config, safetensors, tokenizer });
}
