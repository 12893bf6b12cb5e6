// A spec whose model names a checkpoint by URL (a share link's, a spec file's): the worker downloads the folder once
// per URL in this worker's life, and the run takes its config, weights and own tokenizer.
import { loadHfModelFromUrl } from '../engine/io/loadHfModel';
import type { T5Config } from '../engine/model/config';
import type { HostTensors } from '../engine/model/init';
import { checkpointTokenizerSpec, type RunTokenizerSpec } from '../engine/tokenizers/runTokenizer';

export interface CheckpointModel {
  checkpoint: { config: T5Config; weights: HostTensors };
  tokenizer?: RunTokenizerSpec;
}

const cache = new Map<string, CheckpointModel>();

/** The model of `url`; throws with the file and the problem when the folder cannot be read. */
export async function loadCheckpointModel(url: string, onProgress?: (loaded: number, total: number | undefined) => void): Promise<CheckpointModel> {
  const hit = cache.get(url);
  if (hit) return hit;
  let href: string;
  try {
    href = new URL(url, self.location.href).href;
  } catch {
    throw new Error(`model.checkpoint: "${url}" is not a URL of a checkpoint folder`);
  }
  const m = await loadHfModelFromUrl(href, { onProgress });
  const model: CheckpointModel = { checkpoint: { config: m.config, weights: m.tensors }, ...(m.tokenizer ? { tokenizer: checkpointTokenizerSpec(m.tokenizer, url) } : {}) };
  cache.set(url, model);
  return model;
}
