// What comes back from storage is outside data: another version of the app, a full disk mid-write or a hand edit can
// leave any value there. Each record passes this check before the page uses it; one that fails is listed as damaged
// with its reason (export raw, or delete), and the rest of the history goes on.
import { parseResults, strategyResultProblems } from '../../engine/experiment/results';
import { parseSpec } from '../../engine/spec/experiment';
import type { SavedRun } from './savedRun';

/** A record that did not validate: kept as it is, to export or delete. */
export interface DamagedRun {
  /** A run record, or the resume checkpoint of a run that is itself sound (deleting it keeps the run). */
  kind: 'run' | 'checkpoint';
  /** The record's key, always a string in the store's keyPath (IndexedDB refuses records without one). */
  id: string;
  /** A readable name if the record has one. */
  name: string;
  reason: string;
  raw: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** The first problems of a stored run record, or none. */
export function savedRunProblems(raw: unknown): string[] {
  if (!isObject(raw)) return ['the record is not an object'];
  const out: string[] = [];
  if (typeof raw.id !== 'string' || !raw.id) out.push('id: missing');
  if (typeof raw.name !== 'string') out.push('name: missing');
  if (!isTime(raw.createdAt) || !isTime(raw.updatedAt)) out.push('createdAt / updatedAt: not times');
  if (raw.status !== 'running' && raw.status !== 'done' && raw.status !== 'stopped')
    out.push(`status: ${JSON.stringify(raw.status) ?? 'missing'} is not running, done or stopped`);
  const spec = parseSpec(raw.spec);
  if (raw.spec === undefined) out.push('spec: missing');
  else if (!spec.ok) out.push(...spec.errors.slice(0, 3).map((e) => `spec.${e.replace(/^\(spec\): /, '')}`));
  if (!Array.isArray(raw.strategies)) out.push('strategies: not a list');
  else out.push(...raw.strategies.flatMap((s, i) => strategyResultProblems(s, `strategies[${i}]`)).slice(0, 3));
  if (raw.results === undefined) out.push('results: missing');
  else if (raw.results !== null) {
    const r = parseResults(raw.results);
    if (!r.ok) out.push(...r.errors.slice(0, 3).map((e) => `results.${e.replace(/^\(results\): /, '')}`));
  }
  const at = raw.resumeAt;
  if (at === undefined) out.push('resumeAt: missing');
  else if (at !== null && !(isObject(at) && Number.isInteger(at.strategy) && Number.isInteger(at.task)))
    out.push('resumeAt: not a { strategy, task } position');
  else if (
    at &&
    spec.ok &&
    ((at.strategy as number) >= spec.spec.strategies.length || (at.task as number) >= spec.spec.tasks.length)
  ) {
    out.push(`resumeAt: strategy ${at.strategy}, task ${at.task} is outside the spec`);
  }
  return out;
}

/** A valid record with its results as the one door opens them (records saved before unit records get theirs). */
function opened(run: SavedRun): SavedRun {
  const r = run.results ? parseResults(run.results) : null;
  return r?.ok ? { ...run, results: r.results } : run;
}

/** Splits stored records into runs the page can use and damaged ones, each with its reason. */
export function sortRecords(records: readonly unknown[]): { runs: SavedRun[]; damaged: DamagedRun[] } {
  const runs: SavedRun[] = [];
  const damaged: DamagedRun[] = [];
  for (const raw of records) {
    const problems = savedRunProblems(raw);
    if (!problems.length) runs.push(opened(raw as SavedRun));
    else {
      const r = isObject(raw) ? raw : {};
      const id = typeof r.id === 'string' ? r.id : String(r.id);
      damaged.push({
        kind: 'run',
        id,
        name: typeof r.name === 'string' && r.name ? r.name : id,
        reason: problems.join('; '),
        raw,
      });
    }
  }
  return { runs, damaged };
}

/** A damaged record as JSON for its export: typed arrays as lists and Maps as objects, so nothing is lost to JSON. */
export function rawRecordJson(raw: unknown): string {
  return JSON.stringify(
    raw,
    (_k, v: unknown) => {
      if (v instanceof Map) return Object.fromEntries(v);
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    1,
  );
}
