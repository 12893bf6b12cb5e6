// Share links: the URL fragment carries the experiment spec (`spec=`) and, for "share with results", a results summary
// (`results=`), each a link payload (linkPayload.ts). One restore step reads a fragment: it validates, migrates an older
// spec version (parseSpec), and on any problem returns a message naming it with the fallback experiment. It never
// throws and never writes anything; what to do with the outcome is the host's choice.
import { parseSpec, type ExperimentSpec, type SpecMigration } from '../spec/experiment';
import type { ResultsDocument } from '../experiment/results';
import { packPayload, unpackPayload } from './linkPayload';
import { parseSummary, resultsFromSummary, summarizeResults, type ResultsSummary } from './resultsSummary';

export const LINK_PARAMS = { spec: 'spec', results: 'results' } as const;
/** A typical experiment (5 tasks, 3 strategies with knobs) must fit in this many characters of fragment (tested). */
export const SPEC_LINK_TARGET = 2_000;
/**
 * Most characters a fragment with results may have. Browsers take far longer URLs, but chat apps, mail clients and
 * QR codes cut or refuse them around here; past it the app offers a results file instead.
 */
export const RESULTS_LINK_BUDGET = 8_000;

export const specFragment = (spec: ExperimentSpec) => `${LINK_PARAMS.spec}=${packPayload(spec)}`;

export type ShareWithResults =
  { ok: true; fragment: string } | { ok: false; length: number; budget: number; message: string };

/** The fragment with the spec and the results summary, or why it does not fit in a link. */
export function shareWithResults(
  spec: ExperimentSpec,
  results: ResultsDocument,
  budget = RESULTS_LINK_BUDGET,
): ShareWithResults {
  const fragment = `${specFragment(spec)}&${LINK_PARAMS.results}=${packPayload(summarizeResults(results))}`;
  if (fragment.length <= budget) return { ok: true, fragment };
  return {
    ok: false,
    length: fragment.length,
    budget,
    message:
      `The results summary makes the link ${fragment.length.toLocaleString('en')} characters long, over the ` +
      `${budget.toLocaleString('en')} a link can safely carry (${results.units.names.length} skill units × ` +
      `${results.strategies.length} strategies). Share the link without results and send the results file with it.`,
  };
}

export type LinkRestore =
  /** The fragment holds no share link. */
  | { kind: 'none' }
  /** `notes`: problems with the results part, when the spec itself was fine. */
  | { kind: 'restored'; spec: ExperimentSpec; results?: ResultsDocument; summary?: ResultsSummary; notes: string[] }
  /** The link could not be used: `spec` is the fallback experiment. */
  | { kind: 'refused'; spec: ExperimentSpec; message: string };

export interface RestoreOptions {
  /** The experiment opened when the link cannot be used. */
  fallback(): ExperimentSpec;
  /** Spec migrations (default: the app's own); tests pass their own to exercise older versions. */
  migrations?: Readonly<Record<number, SpecMigration>>;
}

/** The `name=value` pairs of a fragment; values are kept raw (the payload alphabet has "+", which form decoding would turn into a space). */
function fragmentParams(hash: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    let value = part.slice(eq + 1);
    try {
      value = decodeURIComponent(value); // a mail client may have percent-encoded "$" or "+"
    } catch {
      // a stray "%": leave the value as it is; the payload check names the damage
    }
    out.set(part.slice(0, eq), value);
  }
  return out;
}

const short = (errors: string[]) =>
  errors.slice(0, 3).join('; ') + (errors.length > 3 ? ` (and ${errors.length - 3} more)` : '');

function restore(hash: string, opts: RestoreOptions): LinkRestore {
  const params = fragmentParams(hash);
  const specToken = params.get(LINK_PARAMS.spec);
  const resultsToken = params.get(LINK_PARAMS.results);
  if (specToken === undefined && resultsToken === undefined) return { kind: 'none' };
  const refuse = (message: string): LinkRestore => ({
    kind: 'refused',
    spec: opts.fallback(),
    message: `${message} The default experiment is open instead.`,
  });
  if (specToken === undefined) return refuse('This link has results but no experiment, so it cannot be opened.');

  const payload = unpackPayload(specToken);
  if (!payload.ok) return refuse(`This link's experiment ${payload.error}.`);
  const parsed = parseSpec(payload.json, opts.migrations);
  if (!parsed.ok) return refuse(`This link's experiment is not valid: ${short(parsed.errors)}.`);
  const spec = parsed.spec;
  if (resultsToken === undefined) return { kind: 'restored', spec, notes: [] };

  const dropped = (why: string): LinkRestore => ({
    kind: 'restored',
    spec,
    notes: [`The results in this link were left out: ${why}. The experiment itself opened; run it to get results.`],
  });
  const results = unpackPayload(resultsToken);
  if (!results.ok) return dropped(`the results part ${results.error}`);
  const summary = parseSummary(results.json);
  if (!summary.ok) return dropped(`they are not valid (${short(summary.errors)})`);
  const s = summary.summary;
  if (s.tasks.length !== spec.tasks.length || s.strategies.length !== spec.strategies.length) {
    return dropped(
      `they do not belong to this experiment (${s.tasks.length} tasks and ${s.strategies.length} strategies; the experiment has ${spec.tasks.length} and ${spec.strategies.length})`,
    );
  }
  return { kind: 'restored', spec, summary: s, results: resultsFromSummary(s, spec), notes: [] };
}

/** Reads a URL fragment (with or without "#"). Never throws: an unexpected failure is reported like a bad link. */
export function restoreFromFragment(hash: string, opts: RestoreOptions): LinkRestore {
  try {
    return restore(hash, opts);
  } catch (e) {
    return {
      kind: 'refused',
      spec: opts.fallback(),
      message: `This link could not be read (${e instanceof Error ? e.message : String(e)}). The default experiment is open instead.`,
    };
  }
}
