// Downloads a file as bytes with progress, cancellation, a size limit and a content-type check.
export type FetchErrorKind = 'network' | 'http' | 'content-type' | 'too-large' | 'aborted';

export class FetchError extends Error {
  override name = 'FetchError';
  constructor(
    message: string,
    readonly kind: FetchErrorKind,
    readonly status?: number,
    /** The media type the server sent, for 'content-type' errors. */
    readonly mediaType?: string,
  ) {
    super(message);
  }
}

export interface FetchBytesOptions {
  signal?: AbortSignal;
  /** Called after each chunk; total is undefined when the server does not say the size. */
  onProgress?: (loaded: number, total: number | undefined) => void;
  maxBytes?: number;
  /** Allowed media types, e.g. ['application/octet-stream']; parameters such as "; charset=utf-8" are ignored. */
  accept?: string[];
}

const mediaType = (contentType: string | null) => (contentType ?? '').split(';')[0].trim().toLowerCase();
const describe = (e: unknown) => {
  const cause = (e as { cause?: { message?: string } })?.cause?.message;
  const msg = e instanceof Error ? e.message : String(e);
  return cause ? `${msg}: ${cause}` : msg;
};

export async function fetchBytes(url: string, opts: FetchBytesOptions = {}): Promise<Uint8Array> {
  const { signal, onProgress, maxBytes, accept } = opts;
  const aborted = () => new FetchError(`download of ${url} was cancelled`, 'aborted');
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch (e) {
    if (signal?.aborted) throw aborted();
    throw new FetchError(`could not download ${url}: network error (${describe(e)})`, 'network');
  }
  const reject = async (err: FetchError): Promise<never> => {
    await res.body?.cancel().catch(() => undefined);
    throw err;
  };
  if (!res.ok)
    return reject(
      new FetchError(
        `could not download ${url}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`,
        'http',
        res.status,
      ),
    );
  if (accept) {
    const got = mediaType(res.headers.get('content-type'));
    if (!accept.some((a) => mediaType(a) === got)) {
      return reject(
        new FetchError(
          `${url} has content type "${got || 'none'}", expected ${accept.join(' or ')}`,
          'content-type',
          res.status,
          got,
        ),
      );
    }
  }
  // With a content encoding, content-length counts the compressed bytes: not the size we will receive.
  const lengthHeader = res.headers.get('content-length');
  const total = lengthHeader !== null && !res.headers.get('content-encoding') ? Number(lengthHeader) : undefined;
  const tooLarge = (size: string) =>
    new FetchError(`${url} is too large: ${size}, the limit is ${maxBytes} bytes`, 'too-large', res.status);
  if (maxBytes !== undefined && total !== undefined && total > maxBytes) return reject(tooLarge(`${total} bytes`));
  if (!res.body) return new Uint8Array(0);

  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (e) {
      if (signal?.aborted) throw aborted();
      throw new FetchError(`download of ${url} failed after ${loaded} bytes (${describe(e)})`, 'network', res.status);
    }
    if (chunk.done) break;
    loaded += chunk.value.length;
    if (maxBytes !== undefined && loaded > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(`at least ${loaded} bytes`);
    }
    chunks.push(chunk.value);
    onProgress?.(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
