// A checkpoint folder's content hash, so a share link that names a checkpoint by URL can tell when the URL now serves
// other files: SHA-256 over the folder's files sorted by name, each as "name:sha256(bytes)\n" (names matter, so a
// weight file renamed or a tokenizer added changes it; the order the files were fetched in does not).

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');
const sha256 = async (bytes: Uint8Array) =>
  hex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));

/** A content hash is 64 lowercase hex digits (the spec's model.sha256). */
export const CONTENT_HASH = /^[0-9a-f]{64}$/;

/** The hash of a folder's files, by file name (a path or URL is cut to its last part). */
export async function folderHash(files: Iterable<readonly [string, Uint8Array]>): Promise<string> {
  const lines: string[] = [];
  for (const [name, bytes] of files) lines.push(`${name.slice(name.lastIndexOf('/') + 1)}:${await sha256(bytes)}\n`);
  if (lines.length === 0) throw new Error('a folder with no files has no content hash');
  return sha256(new TextEncoder().encode(lines.sort().join('')));
}

/** The first 12 digits, for messages. */
export const shortHash = (h: string) => h.slice(0, 12);

/** What to tell the user when a checkpoint's files are not those a link was made with; null when they are. */
export function hashMismatch(url: string, expected: string | undefined, actual: string): string | null {
  if (expected === undefined || expected === actual) return null;
  return (
    `The checkpoint at ${url} is not the one this experiment was shared with: the link names content hash ` +
    `${shortHash(expected)}…, and the files read now hash to ${shortHash(actual)}…. The URL now serves something else, ` +
    `so this run's numbers may differ from the shared ones.`
  );
}
