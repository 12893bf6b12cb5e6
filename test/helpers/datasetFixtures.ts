// Dataset fixtures the tests build themselves (no benchmark data is committed): a SuperNI-format task like the KIF
// authors' task511 file (1,000 instances, 6 with an empty output) and parquet files written with hyparquet-writer.
import { parquetWriteBuffer } from 'hyparquet-writer';

/** Indices of the instances whose output is empty, as in the task file a new user could not import. */
export const EMPTY_OUTPUTS = [50, 123, 400, 401, 777, 999];

export function superNiTask(n = 1000, empty: readonly number[] = EMPTY_OUTPUTS) {
  return {
    Contributors: ['a'],
    Definition: ['Given a Reddit post, write a one-line summary.'],
    'Positive Examples': [
      { input: 'I dropped my phone in the lake.', output: 'phone lost in lake', explanation: 'short' },
      { input: 'My cat ate my homework.', output: 'cat ate homework', explanation: 'short' },
    ],
    'Negative Examples': [],
    Instances: Array.from({ length: n }, (_, i) => ({
      id: `task511-${i}`,
      input: `post number ${i}`,
      output: empty.includes(i) ? [''] : [`summary ${i}`, `tl;dr ${i}`],
    })),
  };
}

/** A parquet file of columns (strings, int class ids, ...) as the Hub serves them, optionally with ClassLabel names. */
export function parquetFile(
  columns: { name: string; data: unknown[]; type?: string }[],
  classLabels?: Record<string, string[]>,
): Uint8Array {
  const kvMetadata = classLabels
    ? [
        {
          key: 'huggingface',
          value: JSON.stringify({
            info: {
              features: Object.fromEntries(
                Object.entries(classLabels).map(([k, names]) => [k, { names, _type: 'ClassLabel' }]),
              ),
            },
          }),
        },
      ]
    : undefined;
  // The writer's column types are a closed union; the tests pass its names as strings.
  return new Uint8Array(
    parquetWriteBuffer({ columnData: columns as Parameters<typeof parquetWriteBuffer>[0]['columnData'], kvMetadata }),
  );
}

export const sentiment = (n: number) => ({
  text: Array.from({ length: n }, (_, i) => `review ${i} ${i % 3 === 0 ? 'bad' : 'good'}`),
  label: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 0 : 1)),
});
