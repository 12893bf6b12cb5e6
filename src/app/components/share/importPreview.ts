// Reading the pending imports of pendingImports.ts with the engine's readers; every problem comes back as a message.
import { guessColumns, textFields } from '../../../engine/data/columns';
import { detectFormat, importDataset, importParquet, type ImportResult } from '../../../engine/data/importDataset';
import { inspectParquet, parseLabelMap } from '../../../engine/data/parquet';
import type { BadRecordPolicy } from '../../../engine/data/records';
import type { ReadOutcome } from '../../../engine/export/resultsFile';
import { guarded } from '../../../engine/share/importers';
import { queueImport, type PendingImport } from './pendingImports';

/** Reads a pending source with the current choices under a policy; every problem is a message. */
export async function readPending(p: PendingImport, onBadRecord: BadRecordPolicy): Promise<ReadOutcome<ImportResult>> {
  const what = `dataset ${p.source.fileName}`;
  if (p.source.kind === 'text') {
    const { text, fileName } = p.source;
    return guarded(what, () => {
      const r = importDataset(text, {
        fileName,
        onBadRecord,
        fewShot: p.choices.fewShot,
        inputField: p.choices.inputColumn,
        outputField: p.choices.outputColumn,
      });
      return { ok: true, value: r, warnings: r.warnings };
    });
  }
  const { parts, fileName } = p.source;
  const labelMap = guarded(what, () => ({ ok: true, value: parseLabelMap(p.choices.labelMap), warnings: [] }));
  if (!labelMap.ok) return labelMap;
  try {
    const r = await importParquet(
      parts,
      { inputColumn: p.choices.inputColumn, outputColumn: p.choices.outputColumn, labelMap: labelMap.value },
      { fileName, onBadRecord },
    );
    return { ok: true, value: r, warnings: r.warnings };
  } catch (e) {
    return guarded(what, () => {
      throw e;
    });
  }
}

/** Starts the preview of parquet bytes; a file that is not parquet, or has no usable column, is a message instead. */
export function queueParquet(id: string, source: string, fileName: string, parts: Uint8Array[]): ReadOutcome<null> {
  return guarded(`dataset ${fileName}`, () => {
    const info = inspectParquet(parts, fileName);
    queueImport({ kind: 'parquet', id, source, fileName, parts, info }, info.guess);
    return { ok: true, value: null, warnings: [] };
  });
}

/** Starts the preview of a text dataset, with its fields (a CSV's header, JSON records' keys) to choose from. */
export function queueText(id: string, source: string, fileName: string, text: string): void {
  const format = detectFormat(text, fileName);
  const fields = format === 'parquet' ? [] : textFields(text, format, /\.tsv$/i.test(fileName) ? '\t' : ',');
  const guess =
    fields.includes('input') && fields.includes('output')
      ? { input: 'input', output: 'output' }
      : (guessColumns(fields, fields) ?? { input: 'input', output: 'output' });
  queueImport({ kind: 'text', id, source, fileName, text, fields }, guess);
}

/** Parquet files start (and end) with the magic bytes "PAR1". */
export const isParquet = (bytes: Uint8Array) =>
  bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31;
