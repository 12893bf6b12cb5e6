// Import of real text-to-text data: JSON arrays of {input, output} (Long Sequence), SuperNI task files, JSONL, CSV / TSV
// (papaparse) and parquet (hyparquet). Records that cannot be used are skipped and named, or refuse the file, by the
// caller's policy (records.ts); a file that is not a dataset at all is refused with a message naming the problem.
import { readCsvRecords } from './csv';
import { readParquetRecords, type ParquetColumns } from './parquet';
import { isObject, RecordCollector, type BadRecordPolicy, type FieldSettings, type SkipReport } from './records';
import { isSuperNiTask, readSuperNiTask } from './superNi';
import { DatasetImportError, type ImportedExample, type SplitName } from './types';

export { DatasetImportError, type ImportedExample, type SplitName } from './types';
export { splitDataset, type DatasetSplits, type SplitChoice } from './split';
export type DatasetFormat = 'json' | 'jsonl' | 'csv' | 'parquet';

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
  /** Records that cannot be used: skipped and counted (default), or the whole file refused. */
  onBadRecord?: BadRecordPolicy;
  /** SuperNI task files: how many positive examples each input carries as demonstrations (default 0). */
  fewShot?: number;
  maxRecords?: number;
  maxFieldLength?: number;
  maxChars?: number;
}

export interface ImportResult {
  /** The format read; 'superni' for a SuperNI task file. */
  format: DatasetFormat | 'superni';
  examples: ImportedExample[];
  warnings: string[];
  /** Records read and skipped, by reason, with the first ones named. */
  report: SkipReport;
}

export const importLimits = { maxRecords: 200_000, maxFieldLength: 100_000, maxChars: 256 * 1024 * 1024 };

// Containers that files wrap their records in.
const ARRAY_KEYS = ['Instances', 'data', 'instances', 'examples'];

function settingsOf(opts: ImportOptions): FieldSettings & { maxRecords: number } {
  return {
    inputField: opts.inputField ?? 'input',
    outputField: opts.outputField ?? 'output',
    splitField: opts.splitField ?? 'split',
    split: opts.split,
    maxRecords: opts.maxRecords ?? importLimits.maxRecords,
    maxFieldLength: opts.maxFieldLength ?? importLimits.maxFieldLength,
  };
}

/** Parses a text dataset file. Throws DatasetImportError for a bad file; returns warnings for what it skipped or left out. */
export function importDataset(text: string, opts: ImportOptions = {}): ImportResult {
  const maxChars = opts.maxChars ?? importLimits.maxChars;
  if (text.length > maxChars)
    throw new DatasetImportError('', `file has ${text.length} characters, more than the limit of ${maxChars}`);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!text.trim()) throw new DatasetImportError('', 'file is empty');
  const s = settingsOf(opts);
  const warnings: string[] = [];
  const format = opts.format ?? detectFormat(text, opts.fileName);
  if (format === 'parquet')
    throw new DatasetImportError('', 'a parquet file is read from its bytes (importParquet), not as text');
  const acc = new RecordCollector(s);
  let read: ImportResult['format'] = format;
  if (format === 'json') read = readJson(text, s, opts, acc, warnings);
  else if (format === 'jsonl') readJsonl(text, s.maxRecords, acc);
  else readCsvRecords(text, opts.delimiter ?? (/\.tsv$/i.test(opts.fileName ?? '') ? '\t' : ','), s, acc, s.maxRecords);
  const report = acc.finish(opts.onBadRecord ?? 'skip', warnings);
  return { format: read, examples: acc.examples, warnings, report };
}

/** Parses parquet file parts (one split may come in several files) with the chosen columns. */
export async function importParquet(
  parts: readonly Uint8Array[],
  cols: ParquetColumns,
  opts: ImportOptions = {},
): Promise<ImportResult> {
  const s = { ...settingsOf(opts), inputField: cols.inputColumn, outputField: cols.outputColumn };
  const acc = new RecordCollector(s);
  await readParquetRecords(parts, opts.fileName ?? 'the parquet file', cols, acc, s.maxRecords);
  const warnings: string[] = [];
  const report = acc.finish(opts.onBadRecord ?? 'skip', warnings);
  return { format: 'parquet', examples: acc.examples, warnings, report };
}

export function detectFormat(text: string, fileName?: string): DatasetFormat {
  const ext = fileName?.toLowerCase().match(/\.([a-z]+)$/)?.[1];
  if (ext === 'json') return 'json';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  if (ext === 'csv' || ext === 'tsv') return 'csv';
  if (ext === 'parquet') return 'parquet';
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

function readJson(
  text: string,
  s: FieldSettings & { maxRecords: number },
  opts: ImportOptions,
  acc: RecordCollector,
  warnings: string[],
): 'json' | 'superni' {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DatasetImportError('', `not valid JSON${jsonErrorLocation(text, e)}`);
  }
  if (isSuperNiTask(data)) {
    readSuperNiTask(data, { fewShot: opts.fewShot ?? 0 }, acc, warnings, s.maxRecords);
    return 'superni';
  }
  let records: unknown[];
  if (Array.isArray(data)) records = data;
  else if (isObject(data) && ARRAY_KEYS.some((k) => Array.isArray(data[k])))
    records = data[ARRAY_KEYS.find((k) => Array.isArray(data[k])) as string] as unknown[];
  else
    throw new DatasetImportError(
      '',
      `expected a JSON array of {${s.inputField}, ${s.outputField}} records, or an object with an ${ARRAY_KEYS.map((k) => `"${k}"`).join(' / ')} array`,
    );
  if (records.length > s.maxRecords)
    throw new DatasetImportError('', `file has more than ${s.maxRecords} records (the maxRecords limit)`);
  records.forEach((r, i) =>
    acc.add(r, (id) => `record at index ${i}${id === undefined ? '' : ` (id ${JSON.stringify(id)})`}`),
  );
  return 'json';
}

function readJsonl(text: string, maxRecords: number, acc: RecordCollector) {
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    if (acc.records >= maxRecords)
      throw new DatasetImportError('', `file has more than ${maxRecords} records (the maxRecords limit)`);
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (e) {
      return acc.reject(`line ${i + 1}`, 'malformed', `not valid JSON${jsonErrorLocation(line, e)}`);
    }
    acc.add(record, () => `line ${i + 1}`);
  });
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
