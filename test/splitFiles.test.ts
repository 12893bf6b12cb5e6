// A dataset served as ID.train.json + ID.test.json (what the real-text demos fetch by URL) reads through the one import
// path: each file keeps its own split, bad records are skipped and counted, a file that is no dataset is refused.
import { describe, expect, it } from 'vitest';
import { datasetFromSplitFiles } from '../src/engine/data/splitFiles';

const file = (name: string, records: unknown) => ({ name, text: JSON.stringify(records) });
const rows = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ input: `${tag} text ${i}`, output: i % 2 ? 'Good' : 'Bad' }));

describe('datasetFromSplitFiles', () => {
  it("keeps each file's records as its split and counts skipped records in the provenance", () => {
    const d = datasetFromSplitFiles(
      'https://x.test/ls/sst-2',
      file('sst-2.train.json', [...rows(5, 'tr'), { input: '', output: 'Bad' }]),
      file('sst-2.test.json', rows(3, 'te')),
    );
    expect(d.train.map((e) => e.input)).toEqual(rows(5, 'tr').map((r) => r.input));
    expect(d.test).toEqual(rows(3, 'te'));
    expect(d.provenance).toMatchObject({ source: 'https://x.test/ls/sst-2', records: 9, skipped: 1 });
    expect(d.provenance?.skippedWhy).toContain('1 in sst-2.train.json');
  });

  it('refuses a file that is not a dataset, or one with no usable record, naming it', () => {
    expect(() =>
      datasetFromSplitFiles(
        's',
        { name: 'a.train.json', text: '<html>not found</html>' },
        file('a.test.json', rows(2, 'te')),
      ),
    ).toThrow();
    expect(() =>
      datasetFromSplitFiles('s', file('a.train.json', rows(2, 'tr')), file('a.test.json', [{ input: '', output: '' }])),
    ).toThrow('a.test.json');
  });
});
