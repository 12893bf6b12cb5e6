// CSV / TSV through papaparse (RFC 4180 quoting, fast on huge fields); this file only numbers the lines, maps columns
// to records and hands them to the collector.
import Papa from 'papaparse';
import type { RecordCollector } from './records';
import { DatasetImportError } from './types';

export interface CsvRow {
  /** Line number (1-based) where the row starts; a quoted field may run over several lines. */
  line: number;
  fields: string[];
}

/** Every non-blank row of `text` with the line it starts on. Throws for broken quoting (it swallows the rest). */
export function parseCsvRows(text: string, delimiter: string): CsvRow[] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new DatasetImportError(
      '',
      `CSV delimiter must be one character other than a quote or a line break (got ${JSON.stringify(delimiter)})`,
    );
  }
  const rows: CsvRow[] = [];
  let line = 1;
  let counted = 0;
  let rowStart = 0;
  let quoteError: DatasetImportError | undefined;
  const countLines = (to: number) => {
    for (let i = text.indexOf('\n', counted); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) line++;
    counted = Math.max(counted, to);
  };
  Papa.parse<string[]>(text, {
    delimiter,
    step(result, parser) {
      countLines(rowStart);
      const quote = result.errors.find((e) => e.type === 'Quotes');
      if (quote) {
        const what =
          quote.code === 'MissingQuotes'
            ? 'a quoted field is never closed'
            : 'a quoted field is malformed (a quote inside a quoted field is written "")';
        quoteError = new DatasetImportError(`line ${line}`, what);
        parser.abort();
        return;
      }
      const fields = result.data;
      if (fields.length > 1 || fields[0] !== '') rows.push({ line, fields });
      rowStart = result.meta.cursor + result.meta.linebreak.length;
    },
  });
  if (quoteError) throw quoteError;
  if (!rows.length) throw new DatasetImportError('', 'file is empty');
  return rows;
}

/** Reads a CSV's rows as records of its header's columns; rows with the wrong number of fields are bad records. */
export function readCsvRecords(
  text: string,
  delimiter: string,
  fields: { inputField: string; outputField: string },
  acc: RecordCollector,
  maxRecords: number,
) {
  const [header, ...body] = parseCsvRows(text, delimiter);
  const columns = header.fields.map((h) => h.trim());
  for (const name of [fields.inputField, fields.outputField]) {
    if (!columns.includes(name))
      throw new DatasetImportError(
        'line 1',
        `CSV has no column "${name}"; its columns are ${columns.map((c) => `"${c}"`).join(', ')}`,
      );
  }
  if (body.length > maxRecords)
    throw new DatasetImportError('', `file has more than ${maxRecords} records (the maxRecords limit)`);
  for (const row of body) {
    if (row.fields.length !== columns.length) {
      acc.reject(`line ${row.line}`, 'malformed', `has ${row.fields.length} fields, the header has ${columns.length}`);
      continue;
    }
    acc.add(Object.fromEntries(columns.map((c, i) => [c, row.fields[i]])), () => `line ${row.line}`);
  }
}
