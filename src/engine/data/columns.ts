// Which column or field holds the input and which the output, guessed from common dataset names (the user can pick
// others), and the fields a text dataset's records have, for that choice.
import Papa from 'papaparse';
import { isObject } from './records';

const INPUT_NAMES = ['input', 'inputs', 'text', 'sentence', 'question', 'content', 'document', 'prompt', 'source'];
const OUTPUT_NAMES = [
  'output',
  'outputs',
  'label',
  'target',
  'targets',
  'answer',
  'answers',
  'summary',
  'completion',
  'label_text',
];

/** Bookkeeping columns, never guessed as input or output. */
const NOT_DATA = ['id', 'idx', 'index', 'guid', 'uid', 'split'];

/** Input and output among `inputs` / `outputs` (candidates for each role): known names first, else the first ones. */
export function guessColumns(
  inputs: readonly string[],
  outputs: readonly string[],
): { input: string; output: string } | undefined {
  const known = (names: string[], from: readonly string[], not?: string) =>
    names.map((n) => from.find((c) => c.toLowerCase() === n && c !== not)).find(Boolean);
  const data = (from: readonly string[]) => from.filter((c) => !NOT_DATA.includes(c.toLowerCase()));
  const input = known(INPUT_NAMES, inputs) ?? data(inputs)[0] ?? inputs[0];
  const output =
    known(OUTPUT_NAMES, outputs, input) ?? data(outputs).find((c) => c !== input) ?? outputs.find((c) => c !== input);
  return input !== undefined && output !== undefined ? { input, output } : undefined;
}

/** Records looked at for field names: enough to see every field of a regular file. */
const SAMPLE = 50;

/** The field names of a JSON array / JSONL file's first records, or a CSV's header; [] when the text shows none. */
export function textFields(text: string, format: 'json' | 'jsonl' | 'csv', delimiter = ','): string[] {
  const keys = (records: unknown[]) => [
    ...new Set(records.slice(0, SAMPLE).flatMap((r) => (isObject(r) ? Object.keys(r) : []))),
  ];
  try {
    if (format === 'csv')
      return (Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter, preview: 1 }).data[0] ?? []).map((h) =>
        h.trim(),
      );
    if (format === 'jsonl')
      return keys(
        text
          .split(/\r?\n/, SAMPLE * 2)
          .filter((l) => l.trim())
          .map((l) => JSON.parse(l) as unknown),
      );
    const data = JSON.parse(text) as unknown;
    return Array.isArray(data) ? keys(data) : [];
  } catch {
    return []; // the import itself reports what is wrong with the file
  }
}
