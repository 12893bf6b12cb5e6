// Import of real text-to-text data: JSON arrays of {input, output} (Long Sequence / SuperNI), JSONL and CSV.
// Every problem names the record (array index or line number) and what is wrong with it.
import { makeRng, shuffle } from '../util/rng';
import type { Example } from '../tasks/types';

export type DatasetFormat = 'json' | 'jsonl' | 'csv';
export type SplitName = 'train' | 'val' | 'test';

export interface ImportedExample extends Example {
  id?: string;
  /** The split the file assigned (a `split` field / column, or `ImportOptions.split` for a whole file). */
  split?: SplitName;
}

export interface ImportOptions {
  /** Default: from the file name's extension, else sniffed from the text. */
  format?: DatasetFormat;
  fileName?: string;
  /** Field (JSON) or column (CSV) holding the input / output; default "input" / "output". */
  inputField?: string;
  outputField?: string;
  /** Field or column naming each record's split (train / val / test); default "split" when present. */
  splitField?: string;
  /** Tags every record of this file, e.g. 'train' for a `*.train.json` file. */
  split?: SplitName;
  /** CSV field separator, one character; default "," (a tab for a .tsv file name). */
  delimiter?: string;
  maxRecords?: number;
  maxFieldLength?: number;
  maxChars?: number;
}

export interface ImportResult {
  examples: ImportedExample[];
  warnings: string[];
}

export const importLimits = { maxRecords: 200_000, maxFieldLength: 100_000, maxChars: 256 * 1024 * 1024 };

export class DatasetImportError extends Error {
  constructor(
    /** Which record, e.g. `record at index 3 (id "x")` or `line 7`; empty for whole-file problems. */
    readonly where: string,
    readonly problem: string,
  ) {
    super(where ? `${where}: ${problem}` : problem);
    this.name = 'DatasetImportError';
  }
}

// Containers SuperNI-style files wrap their records in.
const ARRAY_KEYS = ['Instances', 'data', 'instances', 'examples'];
const SPLIT_NAMES: Record<string, SplitName> = {
  train: 'train', training: 'train',
  val: 'val', valid: 'val', validation: 'val', dev: 'val',
  test: 'test', testing: 'test',
};

interface Settings {
  inputField: string;
  outputField: string;
  splitField: string;
  split?: SplitName;
  maxRecords: number;
  maxFieldLength: number;
}

/** Parses a dataset file's text. Throws DatasetImportError for a bad file; returns warnings for oddities it accepts. */
export function importDataset(text: string, opts: ImportOptions = {}): ImportResult {
  const maxChars = opts.maxChars ?? importLimits.maxChars;
  if (text.length > maxChars) throw new DatasetImportError('', `file has ${text.length} characters, more than the limit of ${maxChars}`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!text.trim()) throw new DatasetImportError('', 'file is empty');
  const s: Settings = {
    inputField: opts.inputField ?? 'input',
    outputField: opts.outputField ?? 'output',
    splitField: opts.splitField ?? 'split',
    split: opts.split,
    maxRecords: opts.maxRecords ?? importLimits.maxRecords,
    maxFieldLength: opts.maxFieldLength ?? importLimits.maxFieldLength,
  };
  const warnings: string[] = [];
  const format = opts.format ?? detectFormat(text, opts.fileName);
  const delimiter = opts.delimiter ?? (/\.tsv$/i.test(opts.fileName ?? '') ? '\t' : ',');
  const examples = readers[format](text, s, warnings, delimiter);
  if (!examples.length) throw new DatasetImportError('', 'file holds no records');
  warnDuplicates(examples, warnings);
  return { examples, warnings };
}

export function detectFormat(text: string, fileName?: string): DatasetFormat {
  const ext = fileName?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (ext === 'json') return 'json';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  const start = text.trimStart()[0];
  if (start === '[') return 'json';
  if (start !== '{') return 'csv';
  // One object is a JSON file (SuperNI task); several objects, one a line, are JSONL.
  try {
    JSON.parse(text);
    return 'json';
  } catch {
    return 'jsonl';
  }
}

type Reader = (text: string, s: Settings, warnings: string[], delimiter: string) => ImportedExample[];

const readers: Record<DatasetFormat, Reader> = {
  json(text, s, warnings) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new DatasetImportError('', `not valid JSON${jsonErrorLocation(text, e)}`);
    }
    let records: unknown[];
    if (Array.isArray(data)) records = data;
    else if (isObject(data) && ARRAY_KEYS.some((k) => Array.isArray(data[k]))) {
      const key = ARRAY_KEYS.find((k) => Array.isArray(data[k])) as string;
      records = data[key] as unknown[];
      if ('Definition' in data) warnings.push('the file\'s "Definition" is not added to the inputs; each record\'s input is used as it is');
    } else {
      throw new DatasetImportError('', `expected a JSON array of {${s.inputField}, ${s.outputField}} records, or an object with an ${ARRAY_KEYS.map((k) => `"${k}"`).join(' / ')} array`);
    }
    checkCount(records.length, s);
    const acc = new RecordAccumulator(s, warnings);
    records.forEach((r, i) => acc.add(r, (id) => `record at index ${i}${id === undefined ? '' : ` (id ${JSON.stringify(id)})`}`));
    return acc.done();
  },

  jsonl(text, s, warnings) {
    const acc = new RecordAccumulator(s, warnings);
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      if (!line.trim()) return;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (e) {
        throw new DatasetImportError(`line ${i + 1}`, `not valid JSON${jsonErrorLocation(line, e)}`);
      }
      checkCount(acc.count + 1, s);
      acc.add(record, () => `line ${i + 1}`);
    });
    return acc.done();
  },

  csv(text, s, warnings, delimiter) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new DatasetImportError('', `CSV delimiter must be one character other than a quote or a line break (got ${JSON.stringify(delimiter)})`);
    }
    const rows = parseCsv(text, delimiter, s);
    const [header, ...body] = rows;
    const columns = header.fields.map((h) => h.trim());
    const col = (name: string) => columns.indexOf(name);
    for (const name of [s.inputField, s.outputField]) {
      if (col(name) < 0) throw new DatasetImportError('line 1', `CSV has no column "${name}"; its columns are ${columns.map((c) => `"${c}"`).join(', ')}`);
    }
    checkCount(body.length, s);
    const acc = new RecordAccumulator(s, warnings);
    for (const row of body) {
      if (row.fields.length !== columns.length) {
        throw new DatasetImportError(`line ${row.line}`, `has ${row.fields.length} fields, the header has ${columns.length}`);
      }
      acc.add(Object.fromEntries(columns.map((c, i) => [c, row.fields[i]])), () => `line ${row.line}`);
    }
    return acc.done();
  },
};

function checkCount(n: number, s: Settings) {
  if (n > s.maxRecords) throw new DatasetImportError('', `file has more than ${s.maxRecords} records (the maxRecords limit)`);
}

/** Validates records one at a time and collects the oddities worth one warning each. */
class RecordAccumulator {
  private out: ImportedExample[] = [];
  private ignored = new Set<string>();
  private multiOutput = 0;
  constructor(
    private s: Settings,
    private warnings: string[],
  ) {}

  get count() {
    return this.out.length;
  }

  add(record: unknown, where: (id?: string) => string) {
    if (!isObject(record)) {
      throw new DatasetImportError(where(), `expected an object with "${this.s.inputField}" and "${this.s.outputField}" (got ${describe(record)})`);
    }
    let id: string | undefined;
    if (record.id !== undefined) {
      if (typeof record.id !== 'string' && typeof record.id !== 'number') throw new DatasetImportError(where(), `"id" must be a string or a number (got ${describe(record.id)})`);
      id = String(record.id);
    }
    const at = where(id);
    const input = this.text(record, this.s.inputField, at);
    const output = this.text(record, this.s.outputField, at);
    const ex: ImportedExample = { input, output };
    if (id !== undefined) ex.id = id;
    const split = this.splitOf(record, at);
    if (split) ex.split = split;
    for (const k of Object.keys(record)) {
      if (k !== 'id' && k !== this.s.inputField && k !== this.s.outputField && k !== this.s.splitField) this.ignored.add(k);
    }
    this.out.push(ex);
  }

  done(): ImportedExample[] {
    if (this.multiOutput) this.warnings.push(`${this.multiOutput} records list several outputs; the first of each is used`);
    if (this.ignored.size) this.warnings.push(`ignored fields: ${[...this.ignored].join(', ')}`);
    return this.out;
  }

  // SuperNI lists reference outputs as an array; training needs one target, so the first one is taken.
  private text(record: Record<string, unknown>, field: string, at: string): string {
    let v = record[field];
    if (v === undefined) throw new DatasetImportError(at, `missing field "${field}"`);
    if (Array.isArray(v) && field === this.s.outputField) {
      if (!v.length) throw new DatasetImportError(at, `"${field}" is an empty list`);
      if (v.length > 1) this.multiOutput++;
      v = v[0];
    }
    if (typeof v !== 'string') throw new DatasetImportError(at, `"${field}" must be a string (got ${describe(v)})`);
    if (!v.trim()) throw new DatasetImportError(at, `"${field}" is empty`);
    if (v.length > this.s.maxFieldLength) {
      throw new DatasetImportError(at, `"${field}" has ${v.length} characters, more than the limit of ${this.s.maxFieldLength} (maxFieldLength)`);
    }
    return v;
  }

  private splitOf(record: Record<string, unknown>, at: string): SplitName | undefined {
    const v = record[this.s.splitField];
    if (v === undefined || v === '') return this.s.split;
    const name = typeof v === 'string' ? SPLIT_NAMES[v.trim().toLowerCase()] : undefined;
    if (!name) throw new DatasetImportError(at, `"${this.s.splitField}" must be train, val or test (got ${describe(v)})`);
    return name;
  }
}

interface CsvRow {
  /** Line number (1-based) where the row starts; a quoted field may run over several lines. */
  line: number;
  fields: string[];
}

/** RFC 4180: fields may be quoted; inside quotes, "" is a quote and separators and line breaks are literal. */
function parseCsv(text: string, delimiter: string, s: Settings): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endField = () => {
    if (field.length > s.maxFieldLength) {
      throw new DatasetImportError(`line ${rowLine}`, `field ${fields.length + 1} has ${field.length} characters, more than the limit of ${s.maxFieldLength} (maxFieldLength)`);
    }
    fields.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    // A blank line is no record.
    if (fields.length > 1 || fields[0] !== '') rows.push({ line: rowLine, fields });
    if (rows.length > s.maxRecords + 1) throw new DatasetImportError('', `file has more than ${s.maxRecords} records (the maxRecords limit)`);
    fields = [];
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === '') {
      const quoteLine = line;
      i++;
      for (;;) {
        if (i >= text.length) throw new DatasetImportError(`line ${quoteLine}`, 'a quoted field is never closed');
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== '\n' && next !== '\r') {
        throw new DatasetImportError(`line ${line}`, `unexpected ${JSON.stringify(next)} after a closing quote (a quote inside a quoted field is written "")`);
      }
      continue;
    }
    if (c === delimiter) endField();
    else if (c === '\n' || c === '\r') {
      endRow();
      if (c === '\r' && text[i + 1] === '\n') i++;
      line++;
      rowLine = line;
    } else field += c;
    i++;
  }
  if (field !== '' || fields.length) endRow();
  if (!rows.length) throw new DatasetImportError('', 'file is empty');
  return rows;
}

function warnDuplicates(examples: ImportedExample[], warnings: string[]) {
  const outputs = new Map<string, string>();
  let repeats = 0;
  let conflicts = 0;
  for (const { input, output } of examples) {
    const prev = outputs.get(input);
    if (prev === undefined) outputs.set(input, output);
    else if (prev === output) repeats++;
    else conflicts++;
  }
  if (repeats) warnings.push(`${repeats} records repeat an earlier record's input and output`);
  if (conflicts) warnings.push(`${conflicts} records repeat an earlier input with a different output`);
}

/** " at line L, column C: <reason>" from a JSON.parse error that reports a position. */
function jsonErrorLocation(text: string, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const pos = Number(message.match(/at position (\d+)/)?.[1]);
  if (!Number.isFinite(pos)) return `: ${message}`;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}: ${message.replace(/\s*(in JSON )?at position \d+.*$/, '')}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return v.length > 40 ? `${JSON.stringify(v.slice(0, 40))}…` : JSON.stringify(v);
  return String(v);
}

export type SplitChoice =
  /** Use the split each record carries (from a split field, or from importing train and test files separately). */
  | { kind: 'file' }
  /** A seeded random fraction for test (and optionally val); identical inputs always land on the same side. */
  | { kind: 'fraction'; seed: number; testFraction: number; valFraction?: number };

export interface DatasetSplits {
  train: Example[];
  val: Example[];
  test: Example[];
  warnings: string[];
}

export function splitDataset(examples: readonly ImportedExample[], choice: SplitChoice): DatasetSplits {
  const out: DatasetSplits = { train: [], val: [], test: [], warnings: [] };
  const strip = ({ input, output }: ImportedExample): Example => ({ input, output });
  if (choice.kind === 'file') {
    examples.forEach((ex, i) => {
      if (!ex.split) throw new Error(`record at index ${i} has no split; import train and test files with a split, or split by fraction`);
      out[ex.split].push(strip(ex));
    });
    if (!out.train.length || !out.test.length) throw new Error(`the file's own split needs train and test records (got ${out.train.length} train, ${out.test.length} test)`);
    const trainInputs = new Set(out.train.map((e) => e.input));
    const leaked = [...out.val, ...out.test].filter((e) => trainInputs.has(e.input)).length;
    if (leaked) out.warnings.push(`${leaked} val/test records have an input that is also in train`);
    return out;
  }
  const { seed, testFraction, valFraction = 0 } = choice;
  if (!(testFraction > 0 && valFraction >= 0 && testFraction + valFraction < 1)) {
    throw new Error(`testFraction must be in (0, 1), valFraction ≥ 0 and their sum below 1 (got ${testFraction}, ${valFraction})`);
  }
  // Group by input so that a repeated input never ends up in both train and test.
  const groups = new Map<string, Example[]>();
  for (const ex of examples) {
    const g = groups.get(ex.input);
    if (g) g.push(strip(ex));
    else groups.set(ex.input, [strip(ex)]);
  }
  if (groups.size < 2) throw new Error('a split needs at least two distinct inputs');
  const order = shuffle(makeRng(seed), [...groups.values()]);
  const nTest = Math.max(1, Math.round(examples.length * testFraction));
  const nVal = Math.round(examples.length * valFraction);
  for (const g of order) {
    const target = out.test.length < nTest ? out.test : out.val.length < nVal ? out.val : out.train;
    target.push(...g);
  }
  if (!out.train.length) throw new Error(`nothing left for train after taking ${out.test.length} test and ${out.val.length} val records`);
  return out;
}
