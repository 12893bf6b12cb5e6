import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DatasetImportError,
  detectFormat,
  importDataset,
  splitDataset,
  type ImportOptions,
} from '../src/engine/data/importDataset';
import { hasShared, sharedPath } from './shared';

const longSequence: Record<string, string[]> = {
  'sst-2': ['Bad', 'Good'],
  agnews: ['Business', 'Science or Technology', 'Sports', 'World'],
  yelp: ['negative', 'neutral', 'positive', 'very negative', 'very positive'],
  amazon: ['negative', 'neutral', 'positive', 'very negative', 'very positive'],
  dbpedia: [
    'Album',
    'Animal',
    'Artist',
    'Athlete',
    'Building',
    'Company',
    'Educational Institution',
    'Film',
    'Mean of Transportation',
    'Natural Place',
    'Office Holder',
    'Plant',
    'Village',
    'Written Work',
  ],
};

/** The message importDataset throws for `text`, asserting it is a DatasetImportError. */
function failure(text: string, opts: ImportOptions = {}): string {
  try {
    importDataset(text, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetImportError);
    return (e as Error).message;
  }
  throw new Error('expected the import to fail');
}

describe.skipIf(!hasShared)('the Long Sequence slices in ../shared', () => {
  const read = (task: string, split: 'train' | 'test') => {
    const fileName = `${task}.${split}.json`;
    return importDataset(readFileSync(sharedPath('data', 'long-sequence', fileName), 'utf8'), { fileName, split });
  };

  it.each(Object.keys(longSequence))(
    '%s: 1000 train and 500 test records with the README labels, no warnings',
    (task) => {
      const train = read(task, 'train');
      const test = read(task, 'test');
      expect(train.warnings).toEqual([]);
      expect(test.warnings).toEqual([]);
      expect(train.examples).toHaveLength(1000);
      expect(test.examples).toHaveLength(500);
      expect([...new Set(train.examples.map((e) => e.output))].sort()).toEqual(longSequence[task]);
      expect([...new Set(test.examples.map((e) => e.output))].sort()).toEqual(longSequence[task]);
      for (const e of train.examples) expect(e.input).toMatch(/\nAnswer:$/);
      const splits = splitDataset([...train.examples, ...test.examples], { kind: 'file' });
      expect([splits.train.length, splits.val.length, splits.test.length]).toEqual([1000, 0, 500]);
      expect(splits.warnings).toEqual([]);
    },
  );

  it('reads the first SST-2 record exactly, id included', () => {
    const [first] = read('sst-2', 'train').examples;
    expect(first).toEqual({
      id: 'SST-2_0',
      split: 'train',
      input:
        'What is the sentiment of the following paragraph? Choose one from the option. Option: Good, Bad.\n' +
        'Text: what with all the blanket statements and dime-store ruminations on vanity \nAnswer:',
      output: 'Bad',
    });
  });

  it('splits one file by a seeded fraction, the same way every time', () => {
    const { examples } = read('agnews', 'train');
    const a = splitDataset(examples, { kind: 'fraction', seed: 1, testFraction: 0.2, valFraction: 0.1 });
    expect([a.train.length, a.val.length, a.test.length]).toEqual([700, 100, 200]);
    expect(splitDataset(examples, { kind: 'fraction', seed: 1, testFraction: 0.2, valFraction: 0.1 })).toEqual(a);
    expect(splitDataset(examples, { kind: 'fraction', seed: 2, testFraction: 0.2 }).test).not.toEqual(a.test);
    const trainInputs = new Set(a.train.map((e) => e.input));
    expect(a.test.filter((e) => trainInputs.has(e.input))).toEqual([]);
  });
});

describe('JSON', () => {
  it('reads an array of {input, output}; id is optional and a number id becomes a string', () => {
    const r = importDataset('[{"input":"a","output":"b"},{"id":7,"input":"c","output":"d"}]');
    expect(r.examples).toEqual([
      { input: 'a', output: 'b' },
      { id: '7', input: 'c', output: 'd' },
    ]);
    expect(r.warnings).toEqual([]);
    expect(r.report).toEqual({ records: 2, skipped: 0, byReason: {}, first: [] });
  });

  it('reads records wrapped in a "data" object, and lists of outputs as accepted answers (the first trains)', () => {
    expect(importDataset('{"data":[{"input":"a","output":"b"}]}').examples).toEqual([{ input: 'a', output: 'b' }]);
    const r = importDataset('[{"input":"a","output":["yes","Yes","yes"," "]},{"input":"b","output":["no"]}]');
    expect(r.examples).toEqual([
      { input: 'a', output: 'yes', accepted: ['yes', 'Yes'] },
      { input: 'b', output: 'no' },
    ]);
  });

  it('maps other field names and reads a split field', () => {
    const r = importDataset('[{"q":"a","a":"b","split":"dev"},{"q":"c","a":"d","split":"Train"}]', {
      inputField: 'q',
      outputField: 'a',
    });
    expect(r.examples).toEqual([
      { input: 'a', output: 'b', split: 'val' },
      { input: 'c', output: 'd', split: 'train' },
    ]);
  });

  it('skips an exact repeat and warns about the same input with a different output', () => {
    const r = importDataset('[{"input":"a","output":"b"},{"input":"a","output":"b"},{"input":"a","output":"c"}]');
    expect(r.examples).toEqual([
      { input: 'a', output: 'b' },
      { input: 'a', output: 'c' },
    ]);
    expect(r.warnings).toEqual([
      "skipped 1 of 3 records cannot be used (1 repeating an earlier record): record at index 1: repeats an earlier record's input and output",
      '1 records repeat an earlier input with a different output',
    ]);
  });

  it.each([
    ['', 'file is empty'],
    [' \n ', 'file is empty'],
    ['[]', 'file holds no records'],
    ['[{"input": "a", "output": }]', 'not valid JSON'],
    ['[\n{"input": "a",\n "output" "b"}]', 'not valid JSON at line 3, column 11: Unexpected string'],
    [
      '{"foo": [1]}',
      'expected a JSON array of {input, output} records, or an object with an "Instances" / "data" / "instances" / "examples" array',
    ],
    ['[{"input":"a","output":"b"}, 3]', 'record at index 1: expected an object with "input" and "output" (got 3)'],
    ['[["a","b"]]', 'record at index 0: expected an object with "input" and "output" (got a list)'],
    ['[{"input":"a"}]', 'record at index 0: missing field "output"'],
    ['[{"id":"x9","output":"a"}]', 'record at index 0 (id "x9"): missing field "input"'],
    ['[{"input":"a","output":3}]', 'record at index 0: "output" must be a string (got 3)'],
    ['[{"input":null,"output":"b"}]', 'record at index 0: missing field "input"'],
    [
      '[{"input":"a","output":"b"},{"id":"r2","input":"  ","output":"b"}]',
      'record at index 1 (id "r2"): "input" is empty',
    ],
    ['[{"input":"a","output":""}]', 'record at index 0: "output" is empty'],
    ['[{"input":"a","output":[]}]', 'record at index 0: "output" is an empty list'],
    ['[{"input":"a","output":[1]}]', 'record at index 0: "output" must be a string (got 1)'],
    ['[{"id":{},"input":"a","output":"b"}]', 'record at index 0: "id" must be a string or a number (got an object)'],
    [
      '[{"input":"a","output":"b","split":"holdout"}]',
      'record at index 0: "split" must be train, val or test (got "holdout")',
    ],
  ])('refuses %j (bad records: refuse): %s', (text, message) => {
    expect(failure(text, { format: 'json', onBadRecord: 'refuse' })).toContain(message);
  });

  it('enforces the size limits', () => {
    const three = '[{"input":"a","output":"b"},{"input":"c","output":"d"},{"input":"e","output":"f"}]';
    expect(failure(three, { maxRecords: 2 })).toBe('file has more than 2 records (the maxRecords limit)');
    expect(failure('[{"input":"abcdef","output":"b"}]', { maxFieldLength: 5 })).toBe(
      'no usable records: all 1 cannot be used (1 with a field over the length limit): record at index 0: "input" has 6 characters, more than the limit of 5 (maxFieldLength)',
    );
    expect(failure(three, { maxChars: 10 })).toBe(`file has ${three.length} characters, more than the limit of 10`);
  });
});

describe('JSONL', () => {
  it('reads one record a line, skipping blank lines, with CRLF', () => {
    const r = importDataset('{"input":"a","output":"b"}\r\n\r\n{"input":"c","output":"d","id":"2"}\r\n', {
      fileName: 'x.jsonl',
    });
    expect(r.examples).toEqual([
      { input: 'a', output: 'b' },
      { id: '2', input: 'c', output: 'd' },
    ]);
  });

  it.each([
    ['{"input":"a","output":"b"}\n{"input":"c",\n', 'line 2: not valid JSON'],
    ['{"input":"a","output":"b"}\n\n[1,2]\n', 'line 3: expected an object with "input" and "output" (got a list)'],
    ['{"input":"a","output":"b"}\n{"input":"c"}\n', 'line 2: missing field "output"'],
    ['{"input":"a","output":"b"}\n{"input":"c","output":false}\n', 'line 2: "output" must be a string (got false)'],
  ])('refuses %j (bad records: refuse): %s', (text, message) => {
    expect(failure(text, { format: 'jsonl', onBadRecord: 'refuse' })).toContain(message);
  });

  it('stops at maxRecords', () => {
    expect(
      failure('{"input":"a","output":"b"}\n{"input":"c","output":"d"}\n', { format: 'jsonl', maxRecords: 1 }),
    ).toBe('file has more than 1 records (the maxRecords limit)');
  });
});

describe('CSV', () => {
  it('follows RFC 4180: quoted separators, line breaks and doubled quotes; CRLF; BOM; chosen columns', () => {
    const csv = '\uFEFFid,text,label,note\r\n1,"hello, world",greet,x\r\n2,"two\nlines","say ""hi""",\r\n';
    const r = importDataset(csv, { fileName: 'data.csv', inputField: 'text', outputField: 'label' });
    expect(r.examples).toEqual([
      { id: '1', input: 'hello, world', output: 'greet' },
      { id: '2', input: 'two\nlines', output: 'say "hi"' },
    ]);
    expect(r.warnings).toEqual(['ignored fields: note']);
    // Row 3 starts on line 5: the quoted field of row 2 spans lines 3 and 4.
    expect(() =>
      importDataset(`${csv}3,plain,"",y\r\n`, {
        fileName: 'data.csv',
        inputField: 'text',
        outputField: 'label',
        onBadRecord: 'refuse',
      }),
    ).toThrow('line 5: "label" is empty');
  });

  it('reads a last row without a line break, a split column and a tab-separated file', () => {
    expect(importDataset('input,output,split\na,b,test\nc,d,train', { format: 'csv' }).examples).toEqual([
      { input: 'a', output: 'b', split: 'test' },
      { input: 'c', output: 'd', split: 'train' },
    ]);
    expect(importDataset('input\toutput\na, b\tc\n', { fileName: 'x.tsv' }).examples).toEqual([
      { input: 'a, b', output: 'c' },
    ]);
    expect(
      importDataset('q;a\nx;y\n', { format: 'csv', delimiter: ';', inputField: 'q', outputField: 'a' }).examples,
    ).toEqual([{ input: 'x', output: 'y' }]);
  });

  it('warns about columns it does not use', () => {
    expect(importDataset('input,output,source\na,b,web\n', { format: 'csv' }).warnings).toEqual([
      'ignored fields: source',
    ]);
  });

  it.each([
    ['text,label\na,b\n', {}, 'line 1: CSV has no column "input"; its columns are "text", "label"'],
    ['input,output\na,b\nc,d,e\n', {}, 'line 3: has 3 fields, the header has 2'],
    ['input,output\na,b\nc\n', {}, 'line 3: has 1 fields, the header has 2'],
    ['input,output\na,"b\nc,d\n', {}, 'line 2: a quoted field is never closed'],
    [
      'input,output\na,b\n"a"x,b\n',
      {},
      'line 3: a quoted field is malformed (a quote inside a quoted field is written "")',
    ],
    ['input,output\n"two\nlines",b\n"x",\n', {}, 'line 4: "output" is empty'],
    [
      'input,output\na,b\n',
      { delimiter: '"' },
      'CSV delimiter must be one character other than a quote or a line break (got "\\"")',
    ],
    ['input,output,split\na,b,later\n', {}, 'line 2: "split" must be train, val or test (got "later")'],
    ['input,output\n\n\n', {}, 'file holds no records'],
    [
      'input,output\nabcdefg,b\n',
      { maxFieldLength: 6 },
      'line 2: "input" has 7 characters, more than the limit of 6 (maxFieldLength)',
    ],
    ['input,output\na,b\nc,d\ne,f\n', { maxRecords: 2 }, 'file has more than 2 records (the maxRecords limit)'],
  ] as const)('refuses %j (bad records: refuse): %s', (text, opts, message) => {
    expect(failure(text, { format: 'csv', onBadRecord: 'refuse', ...opts })).toContain(message);
  });

  it('refuses a 20-million-character field with a clear message in well under a second', () => {
    const huge = 'x'.repeat(20_000_000);
    const t0 = performance.now();
    const r = importDataset(`input,output\n"${huge}",b\nc,d\n`, { format: 'csv' });
    const alone = failure(`input,output\n"${huge}",b\n`, { format: 'csv' });
    const ms = performance.now() - t0;
    expect(r.examples).toEqual([{ input: 'c', output: 'd' }]);
    expect(r.warnings[0]).toBe(
      'skipped 1 of 2 records cannot be used (1 with a field over the length limit): line 2: "input" has 20000000 characters, more than the limit of 100000 (maxFieldLength)',
    );
    expect(alone).toBe(
      'no usable records: all 1 cannot be used (1 with a field over the length limit): line 2: "input" has 20000000 characters, more than the limit of 100000 (maxFieldLength)',
    );
    expect(ms).toBeLessThan(500);
  });
});

describe('detectFormat', () => {
  it('goes by the extension, else by the text', () => {
    expect(detectFormat('', 'a.JSON')).toBe('json');
    expect(detectFormat('', 'a.ndjson')).toBe('jsonl');
    expect(detectFormat('', 'a.tsv')).toBe('csv');
    expect(detectFormat(' [1]')).toBe('json');
    expect(detectFormat('{"Instances": []}')).toBe('json');
    expect(detectFormat('{"input":"a","output":"b"}\n{"input":"c","output":"d"}')).toBe('jsonl');
    expect(detectFormat('input,output\na,b')).toBe('csv');
  });
});

describe('splitDataset', () => {
  const ex = (input: string, split?: 'train' | 'val' | 'test') => ({ input, output: 'o', ...(split ? { split } : {}) });

  it("keeps the file's own split and warns when a test input is also in train", () => {
    const r = splitDataset([ex('a', 'train'), ex('b', 'train'), ex('a', 'test'), ex('c', 'val')], { kind: 'file' });
    expect(r).toEqual({
      train: [
        { input: 'a', output: 'o' },
        { input: 'b', output: 'o' },
      ],
      val: [{ input: 'c', output: 'o' }],
      test: [{ input: 'a', output: 'o' }],
      warnings: ['1 val/test records have an input that is also in train'],
    });
  });

  it('puts repeated inputs on one side of a fractional split', () => {
    const examples = Array.from({ length: 200 }, (_, i) => ex(`x${i % 50}`));
    for (let seed = 0; seed < 5; seed++) {
      const r = splitDataset(examples, { kind: 'fraction', seed, testFraction: 0.25 });
      const train = new Set(r.train.map((e) => e.input));
      expect(r.test.some((e) => train.has(e.input))).toBe(false);
      expect(r.test).toHaveLength(52); // whole groups of 4 until at least 50
      expect(r.train.length + r.test.length).toBe(200);
    }
  });

  it('refuses splits it cannot make', () => {
    expect(() => splitDataset([ex('a', 'train'), ex('b')], { kind: 'file' })).toThrow('record at index 1 has no split');
    expect(() => splitDataset([ex('a', 'train')], { kind: 'file' })).toThrow(
      "the file's own split needs train and test records (got 1 train, 0 test)",
    );
    expect(() => splitDataset([ex('a'), ex('b')], { kind: 'fraction', seed: 1, testFraction: 1 })).toThrow(
      'testFraction must be in (0, 1)',
    );
    expect(() => splitDataset([ex('a'), ex('a')], { kind: 'fraction', seed: 1, testFraction: 0.5 })).toThrow(
      'at least two distinct inputs',
    );
  });
});
