// The CLI's side of checkpoint folders: PATH_OR_URL is a folder on disk (or a file in it), or a folder URL (http or
// https, e.g. a Hugging Face "resolve/main/" address). Files on disk are read only when the loader asks for them.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from './args';
import { readCheckpointFolder } from '../engine/io/checkpointFolder';
import { loadHfModelFromUrl, type HfModel } from '../engine/io/loadHfModel';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const isUrl = (s: string) => /^https?:\/\//i.test(s);

function readFolder(path: string): HfModel {
  if (!existsSync(path)) throw new UsageError(`${path}: no such folder`);
  const dir = statSync(path).isDirectory() ? path : dirname(path);
  const cache = new Map<string, Uint8Array | undefined>();
  const file = (name: string) => {
    if (!cache.has(name)) {
      const p = join(dir, name);
      // A plain Uint8Array copy: Node's Buffer.slice() shares memory, which the readers' copies rely on not doing.
      cache.set(name, existsSync(p) && statSync(p).isFile() ? new Uint8Array(readFileSync(p)) : undefined);
    }
    return cache.get(name);
  };
  return readCheckpointFolder(file, readdirSync(dir));
}

/** Loads a checkpoint folder by path or URL; every problem comes back as a UsageError naming the source. */
export async function loadCheckpointSource(source: string): Promise<HfModel> {
  try {
    return isUrl(source) ? await loadHfModelFromUrl(source) : readFolder(source);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${source}: ${message(e)}`);
  }
}
