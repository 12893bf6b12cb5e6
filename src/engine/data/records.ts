// Validation of one dataset record at a time, whatever format it came from, and the bad-record policy: a record that
// cannot be used (not a record, a missing or empty field, over the length limit, a repeat) is either skipped, counted
// and named, or refuses the whole file. A file with no usable record at all is refused either way.
import type { ImportedExample, SplitName } from './types';
import { DatasetImportError } from './types';

export type BadReason = 'not-a-record' | 'missing' | 'not-text' | 'empty' | 'too-long' | 'duplicate' | 'malformed';
export type BadRecordPolicy = 'skip' | 'refuse';

export const badReasonLabels: Record<BadReason, string> = {
  'not-a-record': 'not a record',
  missing: 'with a missing field',
  'not-text': 'with a field that is not text',
  empty: 'with an empty field',
  'too-long': 'with a field over the length limit',
  duplicate: 'repeating an earlier record',
  malformed: 'malformed',
};

export interface BadRecord {
  /** e.g. `record at index 50 (id "x")` or `line 7`. */
  where: string;
  reason: BadReason;
  problem: string;
}

export interface SkipReport {
  /** Records the file holds, usable or not. */
  records: number;
  skipped: number;
  byReason: Partial<Record<BadReason, number>>;
  /** The first bad records (at most FIRST_KEPT), for messages and the import preview. */
  first: BadRecord[];
}

const FIRST_KEPT = 20;
/** How many bad records a message names before "and N more". */
const NAMED = 10;

/** A record-level problem: caught by the collector, which skips the record or refuses the file. */
export class RecordProblem extends Error {
  constructor(
    readonly reason: BadReason,
    readonly problem: string,
  ) {
    super(problem);
  }
}

export interface FieldSettings {
  inputField: string;
  outputField: string;
  splitField: string;
  split?: SplitName;
  maxFieldLength: number;
}

const SPLIT_NAMES: Record<string, SplitName> = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  dev: 'val',
  test: 'test',
  testing: 'test',
};

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return v.length > 40 ? `${JSON.stringify(v.slice(0, 40))}…` : JSON.stringify(v);
  return String(v);
}

export const formatBad = (b: BadRecord) => (b.where ? `${b.where}: ${b.problem}` : b.problem);

/** "6 with an empty field, 1 repeating an earlier record". */
export function reasonCounts(r: SkipReport): string {
  return Object.entries(r.byReason)
    .map(([k, n]) => `${n} ${badReasonLabels[k as BadReason]}`)
    .join(', ');
}

/** The first bad records named, then "and N more". */
export function namedBad(r: SkipReport): string {
  const named = r.first.slice(0, NAMED).map(formatBad).join('; ');
  return r.skipped > NAMED ? `${named}; and ${r.skipped - NAMED} more` : named;
}

/** Validates records one at a time; keeps the usable ones and reports the rest. */
export class RecordCollector {
  readonly examples: ImportedExample[] = [];
  private bad: BadRecord[] = [];
  private byReason: Partial<Record<BadReason, number>> = {};
  private badCount = 0;
  private ignored = new Set<string>();
  private seen = new Map<string, string>();
  private conflicts = 0;

  constructor(private s: FieldSettings) {}

  get maxFieldLength() {
    return this.s.maxFieldLength;
  }

  get records() {
    return this.examples.length + this.badCount;
  }

  /** Records a problem found outside a record's fields (e.g. a CSV row with the wrong number of fields). */
  reject(where: string, reason: BadReason, problem: string) {
    this.badCount++;
    this.byReason[reason] = (this.byReason[reason] ?? 0) + 1;
    if (this.bad.length < FIRST_KEPT) this.bad.push({ where, reason, problem });
  }

  /** Adds a raw record; `build` replaces the default mapping of fields to an example (e.g. SuperNI's prompt). */
  add(
    record: unknown,
    where: (id?: string) => string,
    build?: (record: Record<string, unknown>, at: string) => ImportedExample,
  ) {
    let at = where();
    try {
      if (!isObject(record))
        throw new RecordProblem(
          'not-a-record',
          `expected an object with "${this.s.inputField}" and "${this.s.outputField}" (got ${describe(record)})`,
        );
      let id: string | undefined;
      if (record.id !== undefined && record.id !== null && record.id !== '') {
        if (typeof record.id !== 'string' && typeof record.id !== 'number')
          throw new RecordProblem('malformed', `"id" must be a string or a number (got ${describe(record.id)})`);
        id = String(record.id);
        at = where(id);
      }
      const ex = build ? build(record, at) : { input: this.text(record, this.s.inputField), ...this.outputs(record) };
      if (id !== undefined) ex.id = id;
      const split = this.splitOf(record);
      if (split) ex.split = split;
      this.checkRepeat(ex);
      if (!build)
        for (const k of Object.keys(record))
          if (k !== 'id' && k !== this.s.inputField && k !== this.s.outputField && k !== this.s.splitField)
            this.ignored.add(k);
      this.examples.push(ex);
    } catch (e) {
      if (!(e instanceof RecordProblem)) throw e;
      this.reject(at, e.reason, e.problem);
    }
  }

  /** The records kept under the policy, the report of the others, and the warnings worth one line each. */
  finish(policy: BadRecordPolicy, warnings: string[]): SkipReport {
    const report: SkipReport = {
      records: this.records,
      skipped: this.badCount,
      byReason: this.byReason,
      first: this.bad,
    };
    if (!this.examples.length) {
      if (!this.badCount) throw new DatasetImportError('', 'file holds no records');
      throw new DatasetImportError(
        '',
        `no usable records: all ${this.badCount} cannot be used (${reasonCounts(report)}): ${namedBad(report)}`,
      );
    }
    if (this.badCount) {
      const what = `${this.badCount} of ${report.records} records cannot be used (${reasonCounts(report)}): ${namedBad(report)}`;
      if (policy === 'refuse')
        throw new DatasetImportError(
          '',
          `${what}. The file is refused (bad records: refuse); skip them to import the other ${this.examples.length}`,
        );
      warnings.push(`skipped ${what}`);
    }
    if (this.conflicts) warnings.push(`${this.conflicts} records repeat an earlier input with a different output`);
    if (this.ignored.size) warnings.push(`ignored fields: ${[...this.ignored].join(', ')}`);
    return report;
  }

  /** A text field: present, a string, not blank, within the length limit. */
  text(record: Record<string, unknown>, field: string): string {
    const v = record[field];
    if (v === undefined || v === null) throw new RecordProblem('missing', `missing field "${field}"`);
    return this.checkText(v, field);
  }

  checkText(v: unknown, field: string): string {
    if (typeof v !== 'string') throw new RecordProblem('not-text', `"${field}" must be a string (got ${describe(v)})`);
    if (!v.trim()) throw new RecordProblem('empty', `"${field}" is empty`);
    if (v.length > this.s.maxFieldLength)
      throw new RecordProblem(
        'too-long',
        `"${field}" has ${v.length} characters, more than the limit of ${this.s.maxFieldLength} (maxFieldLength)`,
      );
    return v;
  }

  /** The output, or a list of acceptable outputs (SuperNI): the first trains, every one counts as correct. */
  outputs(record: Record<string, unknown>, field = this.s.outputField): Pick<ImportedExample, 'output' | 'accepted'> {
    const v = record[field];
    if (!Array.isArray(v)) return { output: this.text(record, field) };
    if (!v.length) throw new RecordProblem('empty', `"${field}" is an empty list`);
    // A blank alternative among others is dropped; a list of blanks is an empty output.
    const texts = v.filter((o) => typeof o !== 'string' || o.trim());
    if (!texts.length) throw new RecordProblem('empty', `"${field}" is empty`);
    const all = [...new Set(texts.map((o, i) => this.checkText(o, texts.length > 1 ? `${field}[${i}]` : field)))];
    return all.length > 1 ? { output: all[0], accepted: all } : { output: all[0] };
  }

  private splitOf(record: Record<string, unknown>): SplitName | undefined {
    const v = record[this.s.splitField];
    if (v === undefined || v === null || v === '') return this.s.split;
    const name = typeof v === 'string' ? SPLIT_NAMES[v.trim().toLowerCase()] : undefined;
    if (!name)
      throw new RecordProblem('malformed', `"${this.s.splitField}" must be train, val or test (got ${describe(v)})`);
    return name;
  }

  // An exact repeat adds nothing but weight: skipped. The same input with another output is kept, with a warning.
  private checkRepeat(ex: ImportedExample) {
    const key = `${ex.split ?? ''}\u0000${ex.input}`;
    const prev = this.seen.get(key);
    if (prev === undefined) this.seen.set(key, ex.output);
    else if (prev === ex.output) throw new RecordProblem('duplicate', "repeats an earlier record's input and output");
    else this.conflicts++;
  }
}
