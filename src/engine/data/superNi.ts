// SuperNI's task format (Super-NaturalInstructions: one JSON object per task): the "Definition" becomes the instruction
// of every input, each instance's "output" is a list of acceptable answers (the first trains, every one counts as
// correct), and the "Positive Examples" can be put before each input as few-shot demonstrations. The prompt follows
// Tk-Instruct's template ("Definition: … Positive Example 1 – … Now complete the following example – …").
import { describe, isObject, RecordProblem, type RecordCollector } from './records';
import { DatasetImportError, type ImportedExample } from './types';

export interface SuperNiOptions {
  /** How many of the task's positive examples each input carries as demonstrations (0: the definition alone). */
  fewShot: number;
}

/** Most demonstrations an input may carry: beyond a few, inputs outgrow any model here. */
export const MAX_FEW_SHOT = 8;

export const isSuperNiTask = (data: unknown): data is Record<string, unknown> => isObject(data) && 'Definition' in data;

function definitionOf(data: Record<string, unknown>): string {
  const d = data.Definition;
  const text = Array.isArray(d) ? d.filter((x) => typeof x === 'string').join(' ') : d;
  if (typeof text !== 'string' || !text.trim())
    throw new DatasetImportError(
      '',
      `SuperNI task: "Definition" must be a text or a list of texts (got ${describe(d)})`,
    );
  return text.trim();
}

/** The positive examples usable as demonstrations: objects with a text input and output; the rest are left out. */
function demonstrations(
  data: Record<string, unknown>,
  n: number,
  warnings: string[],
): { input: string; output: string }[] {
  if (n <= 0) return [];
  const list = data['Positive Examples'];
  if (!Array.isArray(list))
    throw new DatasetImportError(
      '',
      `SuperNI task: few-shot examples were asked for, but "Positive Examples" is ${list === undefined ? 'missing' : `not a list (got ${describe(list)})`}`,
    );
  const usable = list.filter(
    (e): e is { input: string; output: string } =>
      isObject(e) &&
      typeof e.input === 'string' &&
      typeof e.output === 'string' &&
      !!e.input.trim() &&
      !!e.output.trim(),
  );
  if (usable.length < n)
    warnings.push(
      `SuperNI task: ${n} few-shot examples were asked for, the task has ${usable.length} usable positive examples`,
    );
  return usable.slice(0, n);
}

export function superNiPrompt(
  definition: string,
  shots: readonly { input: string; output: string }[],
  input: string,
): string {
  const demos = shots
    .map((s, i) => `Positive Example ${i + 1} -\nInput: ${s.input.trim()}\nOutput: ${s.output.trim()}\n\n`)
    .join('');
  return `Definition: ${definition}\n\n${demos}Now complete the following example -\nInput: ${input.trim()}\nOutput:`;
}

/** Reads the task's instances into the collector with the prompt built around each input. */
export function readSuperNiTask(
  data: Record<string, unknown>,
  opts: SuperNiOptions,
  acc: RecordCollector,
  warnings: string[],
  maxRecords: number,
) {
  const definition = definitionOf(data);
  const instances = data.Instances;
  if (!Array.isArray(instances))
    throw new DatasetImportError(
      '',
      `SuperNI task: "Instances" must be a list of records (got ${describe(instances)})`,
    );
  if (instances.length > maxRecords)
    throw new DatasetImportError('', `file has more than ${maxRecords} records (the maxRecords limit)`);
  const shots = demonstrations(data, opts.fewShot, warnings);
  const build = (record: Record<string, unknown>): ImportedExample => {
    const input = acc.text(record, 'input');
    const ex: ImportedExample = { input: superNiPrompt(definition, shots, input), ...acc.outputs(record, 'output') };
    if (ex.input.length > acc.maxFieldLength)
      throw new RecordProblem(
        'too-long',
        `the prompt has ${ex.input.length} characters, more than the limit of ${acc.maxFieldLength} (maxFieldLength)`,
      );
    return ex;
  };
  instances.forEach((r, i) =>
    acc.add(r, (id) => `Instances[${i}]${id === undefined ? '' : ` (id ${JSON.stringify(id)})`}`, build),
  );
}
