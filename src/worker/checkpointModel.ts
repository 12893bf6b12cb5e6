// A spec whose model names a checkpoint by URL (a share link's, the model picker's): the worker reads the folder from
// Cache Storage, downloading (and keeping) only what is not there, and the run takes its config, weights and tokenizer.
import { folderHash, hashMismatch, shortHash } from '../engine/io/checkpointHash';
import { loadHfModelFromUrl } from '../engine/io/loadHfModel';
import { cachedFetch } from '../engine/io/modelCache';
import type { T5Config } from '../engine/model/config';
import type { HostTensors } from '../engine/model/init';
import { checkpointTokenizerSpec, type RunTokenizerSpec } from '../engine/tokenizers/runTokenizer';

export interface CheckpointModel {
  checkpoint: { config: T5Config; weights: HostTensors };
  tokenizer?: RunTokenizerSpec;
}

export interface LoadedCheckpointModel {
  model: CheckpointModel;
  /** What the page is told: from the cache or downloaded, its content hash, and any problem keeping the files. */
  notice: string;
  /** The content hash of the files read (checkpointHash.ts). */
  sha256: string;
  /** Set when the spec names another content hash: the URL now serves something else. */
  mismatch: string | null;
}

/** Largest checkpoint download, all weight files together. */
const MAX_BYTES = 1024 * 2 ** 20;
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** The model of `url`; throws with the file and the problem when the folder cannot be read. */
export async function loadCheckpointModel(
  url: string,
  opts: {
    signal?: AbortSignal;
    onProgress?: (loaded: number, total: number | undefined) => void;
    sha256?: string;
  } = {},
): Promise<LoadedCheckpointModel> {
  let href: string;
  try {
    href = new URL(url, self.location.href).href;
  } catch {
    throw new Error(`model.checkpoint: "${url}" is not a URL of a checkpoint folder`);
  }
  const fetchFile = cachedFetch();
  const read = new Map<string, Uint8Array>();
  const keep = async (u: string, o: Parameters<typeof fetchFile>[1]) => {
    const b = await fetchFile(u, o);
    read.set(u, b);
    return b;
  };
  let loaded = 0;
  const m = await loadHfModelFromUrl(href, {
    ...opts,
    onProgress: (n, t) => opts.onProgress?.((loaded = n), t),
    maxBytes: MAX_BYTES,
    fetchFile: keep,
  });
  const sha256 = await folderHash(read);
  const model: CheckpointModel = {
    checkpoint: { config: m.config, weights: m.tensors },
    ...(m.tokenizer ? { tokenizer: checkpointTokenizerSpec(m.tokenizer, url) } : {}),
  };
  const how =
    fetchFile.downloads.length === 0
      ? "from this browser's cache, no download"
      : `downloaded ${mib(loaded)} of weights${fetchFile.hits.length ? ', the rest from the cache' : ''}`;
  const problems = fetchFile.problems.length ? `; not kept for next time: ${fetchFile.problems.join('; ')}` : '';
  return {
    model,
    notice: `Checkpoint ${url}: ${m.format}, ${(m.params / 1e6).toFixed(2)} M parameters, ${how}, content hash ${shortHash(sha256)}…${problems}.`,
    sha256,
    mismatch: hashMismatch(url, opts.sha256, sha256),
  };
}
