// The results document as a file: JSON out, and JSON in through the one validation the app uses (parseResults).
import { jsonDepthOver, limits } from '../limits';
import { parseResults, type ResultsDocument } from '../experiment/results';

/** Largest results file read (a t5-small run with importance per task stays well below). */
export const MAX_RESULTS_FILE_CHARS = 64 * 1024 * 1024;

export const resultsToJson = (doc: ResultsDocument): string => JSON.stringify(doc, null, 1) + '\n';

export type ReadOutcome<T> = { ok: true; value: T; warnings: string[] } | { ok: false; errors: string[] };

const jsonError = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** JSON text to a value, or a message; deep nesting that overflows the parser's stack is a message too. */
export function readJson(
  text: string,
  what: string,
  maxChars: number,
): { ok: true; json: unknown } | { ok: false; errors: string[] } {
  if (text.length > maxChars)
    return { ok: false, errors: [`${what} has ${text.length} characters, more than the ${maxChars} this app reads`] };
  if (!text.trim()) return { ok: false, errors: [`${what} is empty`] };
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return { ok: false, errors: [`${what} is not valid JSON (${jsonError(e)})`] };
  }
  return jsonDepthOver(json)
    ? { ok: false, errors: [`${what} nests deeper than the ${limits.depth.value} ${limits.depth.what} this app reads`] }
    : { ok: true, json };
}

export function readResultsFile(text: string): ReadOutcome<ResultsDocument> {
  const json = readJson(text, 'the results file', MAX_RESULTS_FILE_CHARS);
  if (!json.ok) return json;
  const r = parseResults(json.json);
  return r.ok
    ? { ok: true, value: r.results, warnings: r.results.warnings }
    : { ok: false, errors: r.errors.slice(0, 8) };
}
