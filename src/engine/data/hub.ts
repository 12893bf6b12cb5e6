// A Hugging Face Hub dataset by name and split, through the parquet files the Hub converts every dataset to. The
// datasets server lists them (GET {base}/parquet?dataset=NAME → {parquet_files: [{config, split, url, size}]}); the
// files are then downloaded with progress, cancel and a size limit. The base is a parameter so tests serve it locally.
import { fetchBytes, FetchError } from '../io/fetchBytes';

export const HUB_DATASETS_SERVER = 'https://datasets-server.huggingface.co';

export interface HubParquetFile {
  config: string;
  split: string;
  url: string;
  filename: string;
  size: number;
}

export interface HubOptions {
  /** The datasets server; default HUB_DATASETS_SERVER. */
  base?: string;
  /** The dataset's configuration (subset); default "default" when listed, else the first one. */
  config?: string;
  signal?: AbortSignal;
  onProgress?: (loaded: number, total: number | undefined) => void;
  maxBytes?: number;
}

const NAME = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;
const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

async function listParquet(name: string, opts: HubOptions): Promise<HubParquetFile[]> {
  if (!NAME.test(name))
    throw new FetchError(`"${name}" is not a Hub dataset name (like "stanfordnlp/sst2" or "ag_news")`, 'http');
  const url = `${(opts.base ?? HUB_DATASETS_SERVER).replace(/\/+$/, '')}/parquet?dataset=${encodeURIComponent(name)}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: opts.signal });
  } catch (e) {
    if (opts.signal?.aborted) throw new FetchError(`listing of Hub dataset "${name}" was cancelled`, 'aborted');
    throw new FetchError(
      `could not reach the Hub's datasets server at ${url}: network error (${e instanceof Error ? e.message : String(e)})`,
      'network',
    );
  }
  const body = await res.text().catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const said = (json as { error?: unknown } | undefined)?.error;
    const why = typeof said === 'string' ? ` (the server says: ${said})` : '';
    const what =
      res.status === 404 || res.status === 401
        ? `Hub dataset "${name}" was not found or is not public`
        : `the Hub's datasets server refused to list "${name}"`;
    throw new FetchError(`${what}: HTTP ${res.status} from ${url}${why}`, 'http', res.status);
  }
  const files = (json as { parquet_files?: unknown } | undefined)?.parquet_files;
  const ok = (f: unknown): f is HubParquetFile =>
    typeof f === 'object' &&
    f !== null &&
    ['config', 'split', 'url'].every((k) => typeof (f as Record<string, unknown>)[k] === 'string');
  if (!Array.isArray(files) || !files.every(ok))
    throw new FetchError(
      `${url} did not answer with a list of parquet files ({"parquet_files": [...]})`,
      'content-type',
      res.status,
    );
  return files.map((f) => ({ ...f, filename: f.filename ?? f.url.split('/').pop() ?? '', size: Number(f.size) || 0 }));
}

/** The files of one split of one config, or a message listing what there is. */
export function filesOfSplit(
  files: readonly HubParquetFile[],
  name: string,
  split: string,
  config?: string,
): HubParquetFile[] {
  const configs = [...new Set(files.map((f) => f.config))];
  if (!configs.length) throw new FetchError(`Hub dataset "${name}" has no parquet files`, 'http');
  const chosen = config ?? (configs.includes('default') ? 'default' : configs[0]);
  if (!configs.includes(chosen))
    throw new FetchError(
      `Hub dataset "${name}" has no config "${chosen}"; its configs are ${configs.join(', ')}`,
      'http',
    );
  const inConfig = files.filter((f) => f.config === chosen);
  const picked = inConfig.filter((f) => f.split === split);
  if (!picked.length)
    throw new FetchError(
      `Hub dataset "${name}" (config ${chosen}) has no split "${split}"; its splits are ${[...new Set(inConfig.map((f) => f.split))].join(', ')}`,
      'http',
    );
  return picked;
}

/** Downloads one split's parquet files; progress counts bytes over all of them. */
export async function fetchHubSplit(
  name: string,
  split: string,
  opts: HubOptions = {},
): Promise<{ parts: Uint8Array[]; files: HubParquetFile[] }> {
  const files = filesOfSplit(await listParquet(name, opts), name, split, opts.config);
  const total = files.reduce((n, f) => n + f.size, 0);
  if (opts.maxBytes !== undefined && total > opts.maxBytes) {
    throw new FetchError(
      `Hub dataset "${name}" split ${split} is ${mib(total)} in ${files.length} parquet files, more than the ${mib(opts.maxBytes)} this page reads`,
      'too-large',
    );
  }
  const parts: Uint8Array[] = [];
  let done = 0;
  for (const f of files) {
    const bytes = await fetchBytes(f.url, {
      signal: opts.signal,
      maxBytes: opts.maxBytes === undefined ? undefined : opts.maxBytes - done,
      onProgress: (loaded) => opts.onProgress?.(done + loaded, total || undefined),
    });
    done += bytes.length;
    parts.push(bytes);
  }
  return { parts, files };
}
