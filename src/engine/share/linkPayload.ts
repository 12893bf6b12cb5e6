// One link payload: JSON, compressed with lz-string into URL-safe characters, behind a link-format version and a
// checksum of the JSON text, written `<version>.<checksum>.<data>`. The checksum tells a truncated or hand-edited link
// apart from a valid one, so the message can say so instead of showing whatever a damaged stream decompresses to.
import LZString from 'lz-string';
import { jsonDepthOver, limits } from '../limits';

/** Version of the `<version>.<checksum>.<data>` layout (not of the documents inside, which carry their own). */
export const LINK_FORMAT_VERSION = 1;
/**
 * Longest payload the decoder reads. LZ decompression can expand quadratically in the worst case, so an absurd link is
 * refused before it is decompressed; real links are far below this (a spec about 1,000, a spec with results under 8,000).
 */
export const MAX_PAYLOAD_CHARS = 32_000;
/** Longest text a payload may decompress to. */
const MAX_JSON_CHARS = 2_000_000;

export type PayloadResult = { ok: true; json: unknown } | { ok: false; error: string };

/** FNV-1a over UTF-16 code units, base 36: a check against damage, not a signature. */
export function checksum(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

export function packPayload(json: unknown): string {
  const text = JSON.stringify(json);
  return `${LINK_FORMAT_VERSION}.${checksum(text)}.${LZString.compressToEncodedURIComponent(text)}`;
}

const layout = /^(\d{1,6})\.([0-9a-z]{1,7})\.([A-Za-z0-9+\-$]*)$/;

/** Reads a payload; every failure is a message naming the problem, never an exception. */
export function unpackPayload(token: string): PayloadResult {
  const fail = (error: string): PayloadResult => ({ ok: false, error });
  if (token.length > MAX_PAYLOAD_CHARS)
    return fail(`is ${token.length} characters long, more than the ${MAX_PAYLOAD_CHARS} this app reads`);
  const m = layout.exec(token);
  if (!m) {
    return fail(
      /^\d+\./.test(token)
        ? 'is damaged: it holds characters a link of this app never contains'
        : 'is not a link of this app (expected <version>.<checksum>.<data>)',
    );
  }
  const version = Number(m[1]);
  if (version > LINK_FORMAT_VERSION)
    return fail(
      `uses link format ${version}, newer than this app reads (${LINK_FORMAT_VERSION}); update the app to open it`,
    );
  if (version < 1) return fail(`uses link format ${version}, which no version of this app wrote`);
  let text: string | null;
  try {
    text = LZString.decompressFromEncodedURIComponent(m[3]);
  } catch {
    text = null;
  }
  if (!text) return fail('is truncated or damaged: its data cannot be decompressed');
  if (text.length > MAX_JSON_CHARS)
    return fail(`decompresses to ${text.length} characters, more than the ${MAX_JSON_CHARS} this app reads`);
  if (checksum(text) !== m[2]) return fail('is truncated or was altered: its checksum does not match its data');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`holds data that is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return jsonDepthOver(json)
    ? fail(`nests deeper than the ${limits.depth.value} ${limits.depth.what} this app reads`)
    : { ok: true, json };
}
