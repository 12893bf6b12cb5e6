// Datasets waiting for the user's go-ahead: a picked file, a URL or a Hub split is read into a pending import, shown
// with its column choice (parquet), few-shot knob (SuperNI), bad records and three examples; only "Import" adds it.
// This store is all the page loads up front; the readers (importPreview.ts) load with the Import menu.
import { create } from 'zustand';
import type { ParquetInfo } from '../../../engine/data/parquet';

export type PendingSource =
  /** `fields`: the records' field names (a CSV's header), offered as the input and output choice; [] for none. */
  | { kind: 'text'; id: string; source: string; fileName: string; text: string; fields: string[] }
  | { kind: 'parquet'; id: string; source: string; fileName: string; parts: Uint8Array[]; info: ParquetInfo };

export interface PendingChoices {
  inputColumn: string;
  outputColumn: string;
  /** As typed: "negative, positive", "0: no, 1: yes" or JSON; empty for none (ClassLabel names apply). */
  labelMap: string;
  fewShot: number;
}

export interface PendingImport {
  source: PendingSource;
  choices: PendingChoices;
}

export const usePendingImports = create<{ queue: PendingImport[] }>()(() => ({ queue: [] }));

/** Queues a source for the preview with the guessed input and output columns. */
export function queueImport(source: PendingSource, guess: { input: string; output: string }): void {
  const pending: PendingImport = {
    source,
    choices: { inputColumn: guess.input, outputColumn: guess.output, labelMap: '', fewShot: 0 },
  };
  usePendingImports.setState((s) => ({ queue: [...s.queue, pending] }));
}

export const setChoices = (choices: Partial<PendingChoices>) =>
  usePendingImports.setState((s) =>
    s.queue.length
      ? { queue: [{ ...s.queue[0], choices: { ...s.queue[0].choices, ...choices } }, ...s.queue.slice(1)] }
      : s,
  );

export const dropFirst = () => usePendingImports.setState((s) => ({ queue: s.queue.slice(1) }));
