// Parquet datasets (files, URLs, the Hugging Face Hub's converted splits) through hyparquet, a pure-JavaScript reader
// that runs in the browser, the worker and Node. This file lists the columns a user can choose from, reads the chosen
// ones, applies an optional label map (class ids → words) and hands records to the collector.
import { parquetMetadata, parquetReadObjects, parquetSchema, type FileMetaData, type SchemaTree } from 'hyparquet';
import { guessColumns } from './columns';
import type { RecordCollector } from './records';
import { RecordProblem } from './records';
import { DatasetImportError } from './types';

/** What a column can be used as: text (input or output), class ids (output, with a label map), lists of texts (outputs). */
export type ColumnKind = 'text' | 'integer' | 'text-list' | 'other';

export interface ParquetColumn {
  name: string;
  kind: ColumnKind;
  /** The parquet type, for messages ("DOUBLE", "list<BYTE_ARRAY>"). */
  type: string;
  /** Class names of a Hugging Face ClassLabel column, from the file's "huggingface" metadata. */
  labelNames?: string[];
}

export interface ParquetInfo {
  columns: ParquetColumn[];
  rows: number;
  /** The columns guessed as input and output (the user may pick others). */
  guess: { input: string; output: string };
}

export interface ParquetColumns {
  inputColumn: string;
  outputColumn: string;
  /** Class id (as text) → word; when set, the output column's values are looked up here. */
  labelMap?: Record<string, string>;
}

function metadataOf(part: Uint8Array, name: string): FileMetaData {
  const buf = part.buffer.slice(part.byteOffset, part.byteOffset + part.byteLength) as ArrayBuffer;
  try {
    return parquetMetadata(buf);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new DatasetImportError(
      '',
      `${name} is not a complete parquet file (${msg}); a truncated download or another kind of file`,
    );
  }
}

function kindOf(node: SchemaTree): { kind: ColumnKind; type: string } {
  const el = node.element;
  const isString =
    el.type === 'BYTE_ARRAY' &&
    (el.converted_type === 'UTF8' || el.logical_type?.type === 'STRING' || (!el.converted_type && !el.logical_type));
  if (!node.children.length) {
    if (isString) return { kind: 'text', type: 'string' };
    if ((el.type === 'INT32' || el.type === 'INT64') && !el.converted_type?.startsWith('DECIMAL') && !el.logical_type)
      return { kind: 'integer', type: el.type };
    return { kind: 'other', type: el.logical_type?.type ?? el.converted_type ?? el.type ?? 'group' };
  }
  // A LIST is group → repeated group → element; strings inside make a list of acceptable outputs.
  let leaf = node;
  while (leaf.children.length === 1) leaf = leaf.children[0];
  const listOfStrings =
    (el.converted_type === 'LIST' || el.logical_type?.type === 'LIST') &&
    !leaf.children.length &&
    kindOf(leaf).kind === 'text';
  return listOfStrings
    ? { kind: 'text-list', type: 'list<string>' }
    : { kind: 'other', type: el.logical_type?.type ?? el.converted_type ?? 'struct' };
}

/** ClassLabel names per column from the `huggingface` key-value metadata the Hub's parquet files carry. */
function hfLabelNames(meta: FileMetaData): Record<string, string[]> {
  const kv = meta.key_value_metadata?.find((k) => k.key === 'huggingface')?.value;
  if (!kv) return {};
  try {
    const features =
      (JSON.parse(kv) as { info?: { features?: Record<string, { _type?: string; names?: unknown }> } }).info
        ?.features ?? {};
    const out: Record<string, string[]> = {};
    for (const [name, f] of Object.entries(features)) {
      if (f?._type === 'ClassLabel' && Array.isArray(f.names) && f.names.every((n) => typeof n === 'string'))
        out[name] = f.names as string[];
    }
    return out;
  } catch {
    return {}; // metadata from another writer: no label names, the user can still give a map
  }
}

/** The columns, row count and a guess of input and output of the first part; refuses a file with nothing usable. */
export function inspectParquet(parts: readonly Uint8Array[], name: string): ParquetInfo {
  if (!parts.length) throw new DatasetImportError('', `${name}: no parquet files`);
  const metas = parts.map((p, i) =>
    metadataOf(p, parts.length > 1 ? `${name} (file ${i + 1} of ${parts.length})` : name),
  );
  const labels = hfLabelNames(metas[0]);
  const columns: ParquetColumn[] = parquetSchema(metas[0]).children.map((c) => {
    const col: ParquetColumn = { name: c.element.name, ...kindOf(c) };
    if (labels[col.name] && col.kind === 'integer') col.labelNames = labels[col.name];
    return col;
  });
  const texts = columns.filter((c) => c.kind === 'text');
  const outputs = columns.filter((c) => c.kind !== 'other');
  if (!texts.length || outputs.length < 2) {
    const list = columns.map((c) => `${c.name} (${c.type})`).join(', ') || 'none';
    throw new DatasetImportError(
      '',
      `${name} has no usable columns: a dataset needs a text column for the input and another text, class-id or list-of-texts column for the output; its columns are ${list}`,
    );
  }
  const guess = guessColumns(
    texts.map((c) => c.name),
    outputs.map((c) => c.name),
  )!;
  return { columns, rows: metas.reduce((n, m) => n + Number(m.num_rows), 0), guess };
}

/** Parses "negative, positive" (ids 0, 1, …), "0: negative, 1: positive" or a JSON list / object into id → word. */
export function parseLabelMap(text: string): Record<string, string> | undefined {
  const t = text.trim();
  if (!t) return undefined;
  let entries: [string, string][];
  if (t.startsWith('[') || t.startsWith('{')) {
    let j: unknown;
    try {
      j = JSON.parse(t);
    } catch (e) {
      throw new DatasetImportError('', `label map is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    entries = Array.isArray(j) ? j.map((w, i) => [String(i), w]) : Object.entries(j as object);
  } else {
    const items = t.split(',').map((s) => s.trim());
    const keyed = items.every((s) => /^-?\d+\s*[:=]/.test(s));
    entries = items.map((s, i) =>
      keyed ? (s.split(/[:=]/, 2).map((x) => x.trim()) as [string, string]) : [String(i), s],
    );
  }
  for (const [k, w] of entries) {
    if (typeof w !== 'string' || !w.trim())
      throw new DatasetImportError('', `label map: class ${k} has no word (got ${JSON.stringify(w)})`);
  }
  return Object.fromEntries(entries);
}

const asText = (v: unknown) => (typeof v === 'bigint' || typeof v === 'number' ? String(v) : v);

/** Reads the chosen columns of every part into the collector (whose fields must be the chosen columns); rows are numbered across parts. */
export async function readParquetRecords(
  parts: readonly Uint8Array[],
  name: string,
  cols: ParquetColumns,
  acc: RecordCollector,
  maxRecords: number,
) {
  const info = inspectParquet(parts, name);
  const col = (c: string, role: string, kinds: ColumnKind[]) => {
    const found = info.columns.find((x) => x.name === c);
    if (!found)
      throw new DatasetImportError(
        '',
        `${name} has no column "${c}"; its columns are ${info.columns.map((x) => x.name).join(', ')}`,
      );
    if (!kinds.includes(found.kind))
      throw new DatasetImportError(
        '',
        `column "${c}" (${found.type}) cannot be the ${role}: it needs ${kinds.join(' or ')} values`,
      );
    return found;
  };
  col(cols.inputColumn, 'input', ['text']);
  const out = col(cols.outputColumn, 'output', ['text', 'integer', 'text-list']);
  if (cols.inputColumn === cols.outputColumn)
    throw new DatasetImportError('', 'input and output must be different columns');
  if (info.rows > maxRecords)
    throw new DatasetImportError('', `${name} has ${info.rows} rows, more than ${maxRecords} (the maxRecords limit)`);
  const labelMap =
    cols.labelMap ?? (out.labelNames ? Object.fromEntries(out.labelNames.map((w, i) => [String(i), w])) : undefined);
  let row = 0;
  for (const [i, part] of parts.entries()) {
    const partName = parts.length > 1 ? `${name} (file ${i + 1} of ${parts.length})` : name;
    const names = parquetSchema(metadataOf(part, partName)).children.map((c) => c.element.name);
    const lacking = [cols.inputColumn, cols.outputColumn].find((c) => !names.includes(c));
    if (lacking)
      throw new DatasetImportError('', `${partName} has no column "${lacking}"; its columns are ${names.join(', ')}`);
    const file = part.buffer.slice(part.byteOffset, part.byteOffset + part.byteLength) as ArrayBuffer;
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file, columns: [cols.inputColumn, cols.outputColumn] });
    } catch (e) {
      throw new DatasetImportError('', `${name} could not be read (${e instanceof Error ? e.message : String(e)})`);
    }
    for (const r of rows) {
      const where = `row ${row++}`;
      acc.add(
        { [cols.inputColumn]: r[cols.inputColumn], [cols.outputColumn]: asText(r[cols.outputColumn]) },
        () => where,
        (rec) => {
          const input = acc.text(rec, cols.inputColumn);
          const v = rec[cols.outputColumn];
          if (labelMap && v !== undefined && v !== null) {
            const word = labelMap[String(v)];
            if (word === undefined)
              throw new RecordProblem(
                'malformed',
                `class ${String(v)} of "${cols.outputColumn}" is not in the label map`,
              );
            return { input, output: word };
          }
          return { input, ...acc.outputs(rec) };
        },
      );
    }
  }
}
