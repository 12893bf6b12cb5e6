// Loads a Hugging Face T5 checkpoint folder (checkpointFolder.ts says which files) from a URL, as the hub lays it out
// (e.g. https://huggingface.co/google/t5-efficient-tiny/resolve/main/), or from files the user picked or a directory
// read from disk. Every failure names the file and the problem.
import {
  readCheckpointFolder,
  shardIndex,
  tokenizerFiles,
  weightFiles,
  type CheckpointFolderData,
} from './checkpointFolder';
import { fetchBytes, FetchError, type FetchBytesOptions } from './fetchBytes';

export type HfModel = CheckpointFolderData;

/** The folder's files by name (a picked file's name without its path); text files may be given as strings. */
export type HfFiles = Record<string, string | Uint8Array>;

const bytes = (x: string | Uint8Array) => (typeof x === 'string' ? new TextEncoder().encode(x) : x);

export function loadHfModelFromFiles(files: HfFiles): HfModel {
  const names = Object.keys(files);
  return readCheckpointFolder((name) => (Object.hasOwn(files, name) ? bytes(files[name]) : undefined), names);
}

export interface LoadUrlOptions {
  signal?: AbortSignal;
  /** Progress of the weights (all shards together once their sizes are known), the large files. */
  onProgress?(loaded: number, total: number | undefined): void;
  /** Largest download of weights, all shards together. */
  maxBytes?: number;
  /** How a file is fetched (default fetchBytes; the worker's reads Cache Storage first, modelCache.ts). */
  fetchFile?: (url: string, opts: FetchBytesOptions) => Promise<Uint8Array>;
}

const json = ['application/json', 'text/plain'];
// Static servers often send .bin and .model files with no content type: that is not an HTML page, so it is taken.
const binary = [
  'application/octet-stream',
  'binary/octet-stream',
  'application/zip',
  'application/x-zip-compressed',
  '',
];

/** base: the folder URL. Fetches config.json, the first weights file the folder has, its shards, and its tokenizer. */
export async function loadHfModelFromUrl(base: string, opts: LoadUrlOptions = {}): Promise<HfModel> {
  const folder = base.endsWith('/') ? base : `${base}/`;
  const got = new Map<string, Uint8Array>();
  let weightBytes = 0;
  const get = async (name: string, accept: string[], weights = false) => {
    const done = weightBytes;
    try {
      const b = await (opts.fetchFile ?? fetchBytes)(new URL(name, folder).href, {
        signal: opts.signal,
        accept,
        ...(weights
          ? {
              onProgress: (loaded: number, total: number | undefined) =>
                opts.onProgress?.(done + loaded, total === undefined ? undefined : done + total),
              maxBytes: opts.maxBytes === undefined ? undefined : opts.maxBytes - done,
            }
          : {}),
      });
      if (weights) weightBytes += b.length;
      got.set(name, b);
      return b;
    } catch (e) {
      throw e instanceof FetchError ? new FetchError(`${name}: ${e.message}`, e.kind, e.status, e.mediaType) : e;
    }
  };
  /**
   * A file the folder may not have: undefined on 404, or on an HTML page in its place (a static host that answers
   * every unknown path with the site's index.html, as the page's own server does for public/models/). Such pages are
   * kept: when the folder then has no weights, the first one is the error (a login page where the weights should be).
   */
  const html: FetchError[] = [];
  const optional = (name: string, accept: string[], weights = false) =>
    get(name, accept, weights).catch((e: unknown) => {
      if (e instanceof FetchError && e.status === 404) return undefined;
      if (e instanceof FetchError && e.kind === 'content-type' && e.mediaType === 'text/html') return void html.push(e);
      throw e;
    });
  await get('config.json', json);
  for (const name of weightFiles) {
    const index = name.endsWith('.json');
    const b = await optional(name, index ? json : binary, !index);
    if (!b) continue;
    // A missing shard is left for readCheckpointFolder, which says how many tensors it holds.
    if (index) for (const shard of shardIndex(b, name).keys()) await optional(shard, binary, true);
    break;
  }
  for (const name of tokenizerFiles) {
    if (name === 'spiece.model' && got.has('tokenizer.json')) continue;
    await optional(name, name.endsWith('.json') ? json : binary);
  }
  if (html.length && !weightFiles.some((n) => got.has(n))) throw html[0];
  return readCheckpointFolder((name) => got.get(name), [...got.keys()]);
}
