// Checkpoint files kept in the browser's Cache Storage, so a second visit and a shared link load a model without
// downloading it again. Keyed by the file's URL; the page lists and deletes them by folder. Where Cache Storage is
// missing (Node, an insecure origin) files are downloaded every time.
import { folderHash } from './checkpointHash';
import { fetchBytes, type FetchBytesOptions } from './fetchBytes';

export const MODEL_CACHE = 'kif-models';

const hasCaches = () => typeof caches !== 'undefined';

/** Why the browser would not keep a file, in words (the download itself still worked). */
export function storageProblem(e: unknown): string {
  const name = (e as { name?: string } | null)?.name;
  if (name === 'QuotaExceededError')
    return "this browser's storage for the site is full: delete cached models (Model and training) or free space";
  if (name === 'SecurityError')
    return 'this browser refuses to store files for the site (private mode or site data blocked)';
  return `this browser could not store it (${e instanceof Error ? e.message : String(e)})`;
}

export interface CachedFetch {
  (url: string, opts: FetchBytesOptions): Promise<Uint8Array>;
  /** Files taken from the cache, files downloaded, and problems storing downloads. */
  hits: string[];
  downloads: string[];
  problems: string[];
}

/** A fetchBytes that reads Cache Storage first and stores what it downloads. */
export function cachedFetch(): CachedFetch {
  const f = (async (url: string, opts: FetchBytesOptions) => {
    const cache = hasCaches() ? await caches.open(MODEL_CACHE).catch(() => undefined) : undefined;
    const hit = await cache?.match(url);
    if (hit) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      opts.onProgress?.(bytes.length, bytes.length);
      f.hits.push(url);
      return bytes;
    }
    const bytes = await fetchBytes(url, opts);
    f.downloads.push(url);
    if (cache) {
      try {
        await cache.put(
          url,
          new Response(bytes.slice().buffer as ArrayBuffer, {
            headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
          }),
        );
      } catch (e) {
        f.problems.push(`${url.split('/').pop()}: ${storageProblem(e)}`);
      }
    }
    return bytes;
  }) as CachedFetch;
  f.hits = [];
  f.downloads = [];
  f.problems = [];
  return f;
}

export interface CachedFolder {
  folder: string;
  files: string[];
  bytes: number;
}

/** The cached checkpoint folders (by the URL of their folder), with their files and size. */
export async function listCachedFolders(): Promise<CachedFolder[]> {
  if (!hasCaches()) return [];
  const cache = await caches.open(MODEL_CACHE);
  const byFolder = new Map<string, CachedFolder>();
  for (const req of await cache.keys()) {
    const folder = req.url.slice(0, req.url.lastIndexOf('/') + 1);
    const entry = byFolder.get(folder) ?? { folder, files: [], bytes: 0 };
    const res = await cache.match(req);
    entry.files.push(req.url.slice(folder.length));
    entry.bytes += Number(res?.headers.get('content-length') ?? 0);
    byFolder.set(folder, entry);
  }
  return [...byFolder.values()];
}

export async function deleteCachedFolder(folder: string): Promise<void> {
  if (!hasCaches()) return;
  const cache = await caches.open(MODEL_CACHE);
  for (const req of await cache.keys())
    if (req.url.startsWith(folder) && !req.url.slice(folder.length).includes('/')) await cache.delete(req);
}

/** The content hash (checkpointHash.ts) of a folder's cached files, or undefined when this browser has none of them. */
export async function cachedFolderHash(folder: string): Promise<string | undefined> {
  if (!hasCaches()) return undefined;
  const cache = await caches.open(MODEL_CACHE);
  const files: [string, Uint8Array][] = [];
  for (const req of await cache.keys()) {
    if (!req.url.startsWith(folder) || req.url.slice(folder.length).includes('/')) continue;
    const res = await cache.match(req);
    if (res) files.push([req.url, new Uint8Array(await res.arrayBuffer())]);
  }
  return files.length ? folderHash(files) : undefined;
}
