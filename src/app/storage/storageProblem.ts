// What to tell the user when the browser will not keep a run: a full quota, or storage refused altogether.
const byName: Record<string, string> = {
  QuotaExceededError: "the browser's storage for this page is full",
  SecurityError: 'the browser refuses to store data for this page (private browsing or a site setting)',
  InvalidStateError: 'the browser refuses to store data for this page (private browsing or a site setting)',
  UnknownError: "the browser's storage failed",
};

/** A short reason for a storage error, naming the error. */
export function storageProblem(e: unknown): string {
  const name =
    e instanceof Error || (typeof DOMException !== 'undefined' && e instanceof DOMException) ? (e as Error).name : '';
  const why = byName[name] ?? (e instanceof Error ? e.message : String(e));
  return name && !why.includes(name) ? `${why} (${name})` : why;
}
