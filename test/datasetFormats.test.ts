// The dataset formats beyond plain JSON/CSV: SuperNI task files (definition as instruction, lists of acceptable
// outputs, few-shot demonstrations), the bad-record policy on the 6-empty-output task, parquet files written here, and
// Hub datasets by name and split from a datasets server on 127.0.0.1.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guessColumns, textFields } from '../src/engine/data/columns';
import { fetchHubSplit } from '../src/engine/data/hub';
import { DatasetImportError, importDataset, importParquet, type ImportOptions } from '../src/engine/data/importDataset';
import { inspectParquet, parseLabelMap } from '../src/engine/data/parquet';
import { superNiPrompt } from '../src/engine/data/superNi';
import { FetchError } from '../src/engine/io/fetchBytes';
import { EMPTY_OUTPUTS, parquetFile, sentiment, superNiTask } from './helpers/datasetFixtures';

async function failure(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (e) {
    expect(e instanceof DatasetImportError || e instanceof FetchError).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('SuperNI task format', () => {
  const small = {
    Definition: ['Answer yes or no.'],
    'Positive Examples': [
      { input: 'Is water wet?', output: 'yes' },
      { input: 'Is fire cold?', output: 'no' },
    ],
    Instances: [
      { id: 't-1', input: 'Is it?', output: ['yes', 'Yes', 'yep'] },
      { id: 't-2', input: 'Is it not?', output: ['no'] },
    ],
  };

  it('makes the definition the instruction and keeps every acceptable output, the first to train on', () => {
    const r = importDataset(JSON.stringify(small));
    expect(r.format).toBe('superni');
    expect(r.warnings).toEqual([]);
    expect(r.examples).toEqual([
      {
        id: 't-1',
        input: 'Definition: Answer yes or no.\n\nNow complete the following example -\nInput: Is it?\nOutput:',
        output: 'yes',
        accepted: ['yes', 'Yes', 'yep'],
      },
      {
        id: 't-2',
        input: 'Definition: Answer yes or no.\n\nNow complete the following example -\nInput: Is it not?\nOutput:',
        output: 'no',
      },
    ]);
  });

  it('puts the chosen number of positive examples before each input (the few-shot knob)', () => {
    const r = importDataset(JSON.stringify(small), { fewShot: 1 });
    expect(r.examples[1].input).toBe(
      'Definition: Answer yes or no.\n\nPositive Example 1 -\nInput: Is water wet?\nOutput: yes\n\nNow complete the following example -\nInput: Is it not?\nOutput:',
    );
    expect(
      superNiPrompt(
        'D',
        [
          { input: 'a', output: 'b' },
          { input: 'c', output: 'd' },
        ],
        'x',
      ),
    ).toBe(
      'Definition: D\n\nPositive Example 1 -\nInput: a\nOutput: b\n\nPositive Example 2 -\nInput: c\nOutput: d\n\nNow complete the following example -\nInput: x\nOutput:',
    );
    expect(importDataset(JSON.stringify(small), { fewShot: 5 }).warnings).toEqual([
      'SuperNI task: 5 few-shot examples were asked for, the task has 2 usable positive examples',
    ]);
  });

  it('refuses a task whose Instances are not a list, or whose Definition is not text', async () => {
    expect(await failure(() => importDataset(JSON.stringify({ ...small, Instances: { a: 1 } })))).toBe(
      'SuperNI task: "Instances" must be a list of records (got an object)',
    );
    expect(await failure(() => importDataset(JSON.stringify({ Definition: ['x'] })))).toBe(
      'SuperNI task: "Instances" must be a list of records (got undefined)',
    );
    expect(await failure(() => importDataset(JSON.stringify({ ...small, Definition: 3 })))).toBe(
      'SuperNI task: "Definition" must be a text or a list of texts (got 3)',
    );
  });

  it('imports the 1,000-record task with 6 empty outputs as 994 records and a warning naming the 6', () => {
    const text = JSON.stringify(superNiTask());
    const r = importDataset(text, { fileName: 'task511.train.json' });
    expect(r.examples).toHaveLength(994);
    expect(r.report).toMatchObject({ records: 1000, skipped: 6, byReason: { empty: 6 } });
    const named = EMPTY_OUTPUTS.map((i) => `Instances[${i}] (id "task511-${i}"): "output" is empty`).join('; ');
    expect(r.warnings).toEqual([`skipped 6 of 1000 records cannot be used (6 with an empty field): ${named}`]);
    expect(r.examples.every((e) => e.accepted?.length === 2)).toBe(true);
  });

  it('refuses the same file under --on-bad-record refuse, with that message', async () => {
    const msg = await failure(() => importDataset(JSON.stringify(superNiTask()), { onBadRecord: 'refuse' }));
    expect(msg).toContain(
      '6 of 1000 records cannot be used (6 with an empty field): Instances[50] (id "task511-50"): "output" is empty;',
    );
    expect(msg).toContain('The file is refused (bad records: refuse); skip them to import the other 994');
  });
});

describe('bad records are counted and named, at most ten by name', () => {
  it('names ten and counts the rest, by reason', () => {
    const records = [
      ...Array.from({ length: 12 }, (_, i) => ({ input: `x${i}`, output: '' })),
      { input: 'a' },
      7,
      { input: 'ok', output: 'fine' },
    ];
    const r = importDataset(JSON.stringify(records));
    expect(r.examples).toEqual([{ input: 'ok', output: 'fine' }]);
    expect(r.report).toMatchObject({
      records: 15,
      skipped: 14,
      byReason: { empty: 12, missing: 1, 'not-a-record': 1 },
    });
    expect(r.report.first).toHaveLength(14);
    expect(r.warnings[0]).toMatch(
      /^skipped 14 of 15 records cannot be used \(12 with an empty field, 1 with a missing field, 1 not a record\): record at index 0: "output" is empty; .*record at index 9: "output" is empty; and 4 more$/,
    );
  });
});

describe('parquet', () => {
  const { text, label } = sentiment(30);
  const file = parquetFile(
    [
      { name: 'idx', data: text.map((_, i) => i), type: 'INT32' },
      { name: 'text', data: text, type: 'STRING' },
      { name: 'label', data: label, type: 'INT32' },
      { name: 'score', data: label.map((l) => l * 0.5), type: 'DOUBLE' },
    ],
    { label: ['negative', 'positive'] },
  );

  it('lists the columns with their kinds, the Hub ClassLabel names and a guess of input and output', () => {
    const info = inspectParquet([file], 'reviews.parquet');
    expect(info.rows).toBe(30);
    expect(info.columns).toEqual([
      { name: 'idx', kind: 'integer', type: 'INT32' },
      { name: 'text', kind: 'text', type: 'string' },
      { name: 'label', kind: 'integer', type: 'INT32', labelNames: ['negative', 'positive'] },
      { name: 'score', kind: 'other', type: 'DOUBLE' },
    ]);
    expect(info.guess).toEqual({ input: 'text', output: 'label' });
  });

  it('reads the chosen columns, with the ClassLabel names, a label map given by the user, or the ids as text', async () => {
    const named = await importParquet(
      [file],
      { inputColumn: 'text', outputColumn: 'label' },
      { fileName: 'reviews.parquet' },
    );
    expect(named.format).toBe('parquet');
    expect(named.examples.slice(0, 2)).toEqual([
      { input: 'review 0 bad', output: 'negative' },
      { input: 'review 1 good', output: 'positive' },
    ]);
    expect(named.examples).toHaveLength(30);
    const mapped = await importParquet([file], {
      inputColumn: 'text',
      outputColumn: 'label',
      labelMap: parseLabelMap('0: Bad, 1: Good'),
    });
    expect(mapped.examples.map((e) => e.output).slice(0, 3)).toEqual(['Bad', 'Good', 'Good']);
    const plain = parquetFile([
      { name: 'sentence', data: text, type: 'STRING' },
      { name: 'y', data: label.map(BigInt), type: 'INT64' },
    ]);
    expect((await importParquet([plain], { inputColumn: 'sentence', outputColumn: 'y' })).examples[0]).toEqual({
      input: 'review 0 bad',
      output: '0',
    });
    // Every part of a split must hold the chosen columns.
    expect(await failure(() => importParquet([file, plain], { inputColumn: 'text', outputColumn: 'label' }))).toBe(
      'the parquet file (file 2 of 2) has no column "text"; its columns are sentence, y',
    );
  });

  it('skips rows whose class is not in the label map, naming the row', async () => {
    const r = await importParquet([file], { inputColumn: 'text', outputColumn: 'label', labelMap: { 1: 'Good' } });
    expect(r.examples).toHaveLength(20);
    expect(r.warnings[0]).toMatch(
      /^skipped 10 of 30 records cannot be used \(10 malformed\): row 0: class 0 of "label" is not in the label map; row 3: /,
    );
  });

  it('parses label maps: words by id, id: word pairs, JSON', () => {
    expect(parseLabelMap('negative, positive')).toEqual({ 0: 'negative', 1: 'positive' });
    expect(parseLabelMap('1=yes, 0=no')).toEqual({ 1: 'yes', 0: 'no' });
    expect(parseLabelMap('["a", "b"]')).toEqual({ 0: 'a', 1: 'b' });
    expect(parseLabelMap('{"3": "c"}')).toEqual({ 3: 'c' });
    expect(parseLabelMap('  ')).toBeUndefined();
    expect(() => parseLabelMap('[1')).toThrow('label map is not valid JSON');
    expect(() => parseLabelMap('a,,b')).toThrow('label map: class 1 has no word');
  });

  it('refuses a file with no usable column, a truncated file, a wrong column choice', async () => {
    const numbers = parquetFile([
      { name: 'a', data: [1.5, 2.5], type: 'DOUBLE' },
      { name: 'b', data: [true, false], type: 'BOOLEAN' },
    ]);
    expect(await failure(() => inspectParquet([numbers], 'n.parquet'))).toBe(
      'n.parquet has no usable columns: a dataset needs a text column for the input and another text, class-id or list-of-texts column for the output; its columns are a (DOUBLE), b (BOOLEAN)',
    );
    expect(await failure(() => inspectParquet([file.slice(0, file.length - 20)], 'cut.parquet'))).toMatch(
      /^cut\.parquet is not a complete parquet file \(.+\); a truncated download or another kind of file$/,
    );
    expect(await failure(() => inspectParquet([new TextEncoder().encode('input,output\na,b\n')], 'x.parquet'))).toMatch(
      /^x\.parquet is not a complete parquet file/,
    );
    expect(await failure(() => importParquet([file], { inputColumn: 'label', outputColumn: 'text' }))).toBe(
      'column "label" (INT32) cannot be the input: it needs text values',
    );
    expect(await failure(() => importParquet([file], { inputColumn: 'text', outputColumn: 'score' }))).toBe(
      'column "score" (DOUBLE) cannot be the output: it needs text or integer or text-list values',
    );
    expect(
      await failure(() => importParquet([file], { inputColumn: 'text', outputColumn: 'label' }, { maxRecords: 10 })),
    ).toBe('the parquet file has 30 rows, more than 10 (the maxRecords limit)');
  });
});

describe('Hub datasets by name and split, from a datasets server on 127.0.0.1', () => {
  let server: Server;
  let base = '';
  const { text, label } = sentiment(12);
  const train = [
    parquetFile(
      [
        { name: 'sentence', data: text.slice(0, 6), type: 'STRING' },
        { name: 'label', data: label.slice(0, 6), type: 'INT32' },
      ],
      { label: ['neg', 'pos'] },
    ),
    parquetFile(
      [
        { name: 'sentence', data: text.slice(6), type: 'STRING' },
        { name: 'label', data: label.slice(6), type: 'INT32' },
      ],
      { label: ['neg', 'pos'] },
    ),
  ];
  const requests: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const url = new URL(req.url ?? '/', base);
      if (url.pathname === '/parquet') {
        const name = url.searchParams.get('dataset');
        res.setHeader('content-type', 'application/json');
        if (name !== 'someone/reviews') {
          res.statusCode = 404;
          return res.end(
            JSON.stringify({ error: 'The dataset does not exist, or is not accessible without authentication.' }),
          );
        }
        const files = train.map((b, i) => ({
          dataset: name,
          config: 'default',
          split: 'train',
          url: `${base}/files/train-${i}.parquet`,
          filename: `000${i}.parquet`,
          size: b.length,
        }));
        files.push({
          dataset: name,
          config: 'default',
          split: 'test',
          url: `${base}/files/missing.parquet`,
          filename: 'x.parquet',
          size: 10,
        });
        return res.end(JSON.stringify({ parquet_files: files, pending: [], failed: [], partial: false }));
      }
      const m = url.pathname.match(/^\/files\/train-(\d)\.parquet$/);
      if (m) {
        res.setHeader('content-type', 'application/octet-stream');
        res.setHeader('content-length', String(train[Number(m[1])].length));
        return res.end(Buffer.from(train[Number(m[1])]));
      }
      res.statusCode = 404;
      res.end('no');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('downloads every parquet file of the split with progress over all of them, and reads them as one dataset', async () => {
    const progress: [number, number | undefined][] = [];
    const { parts, files } = await fetchHubSplit('someone/reviews', 'train', {
      base,
      onProgress: (l, t) => progress.push([l, t]),
    });
    expect(files.map((f) => f.filename)).toEqual(['0000.parquet', '0001.parquet']);
    const total = train[0].length + train[1].length;
    expect(progress.at(-1)).toEqual([total, total]);
    expect(requests).toContain('/parquet?dataset=someone%2Freviews');
    const r = await importParquet(parts, { inputColumn: 'sentence', outputColumn: 'label' });
    expect(r.examples.map((e) => e.output)).toEqual(label.map((l) => (l ? 'pos' : 'neg')));
    expect(r.examples[7].input).toBe(text[7]);
  });

  it('says clearly when the name does not exist, the split is not there, or the split is over the size limit', async () => {
    expect(await failure(() => fetchHubSplit('nobody/nothing', 'train', { base }))).toBe(
      `Hub dataset "nobody/nothing" was not found or is not public: HTTP 404 from ${base}/parquet?dataset=nobody%2Fnothing (the server says: The dataset does not exist, or is not accessible without authentication.)`,
    );
    expect(await failure(() => fetchHubSplit('someone/reviews', 'validation', { base }))).toBe(
      'Hub dataset "someone/reviews" (config default) has no split "validation"; its splits are train, test',
    );
    expect(await failure(() => fetchHubSplit('someone/reviews', 'train', { base, maxBytes: 100 }))).toMatch(
      /^Hub dataset "someone\/reviews" split train is 0\.0 MiB in 2 parquet files, more than the 0\.0 MiB this page reads$/,
    );
    expect(await failure(() => fetchHubSplit('someone/reviews', 'train', { base, config: 'other' }))).toBe(
      'Hub dataset "someone/reviews" has no config "other"; its configs are default',
    );
    expect(await failure(() => fetchHubSplit('not a name!', 'train', { base }))).toBe(
      '"not a name!" is not a Hub dataset name (like "stanfordnlp/sst2" or "ag_news")',
    );
    expect(await failure(() => fetchHubSplit('someone/reviews', 'test', { base }))).toBe(
      `could not download ${base}/files/missing.parquet: HTTP 404 Not Found`,
    );
  });

  it('stops when cancelled', async () => {
    const ctl = new AbortController();
    ctl.abort();
    const e = await fetchHubSplit('someone/reviews', 'train', { base, signal: ctl.signal }).catch((x: FetchError) => x);
    expect(e).toBeInstanceOf(FetchError);
    expect((e as FetchError).kind).toBe('aborted');
  });
});

describe('every format through one options type', () => {
  it('detects parquet by extension and says text is the wrong way to read it', async () => {
    const opts: ImportOptions = { fileName: 'x.parquet' };
    expect(await failure(() => importDataset('PAR1', opts))).toBe(
      'a parquet file is read from its bytes (importParquet), not as text',
    );
  });
});

describe('damaged parquet files', () => {
  it('come back as a dataset or as a DatasetImportError, never another exception', async () => {
    const { text, label } = sentiment(50);
    const good = parquetFile(
      [
        { name: 'text', data: text, type: 'STRING' },
        { name: 'label', data: label, type: 'INT32' },
      ],
      { label: ['a', 'b'] },
    );
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const outcomes = { read: 0, refused: 0 };
    for (let i = 0; i < 150; i++) {
      const bytes = good.slice();
      if (i % 3 === 0) bytes.fill(rand(256), rand(bytes.length), rand(bytes.length));
      else for (let k = 0; k < 1 + rand(8); k++) bytes[rand(bytes.length)] = rand(256);
      const part = i % 5 === 0 ? bytes.slice(0, rand(bytes.length)) : bytes;
      try {
        await importParquet([part], { inputColumn: 'text', outputColumn: 'label' });
        outcomes.read++;
      } catch (e) {
        if (!(e instanceof DatasetImportError)) throw new Error(`case ${i}: ${String(e)}`);
        outcomes.refused++;
      }
    }
    expect(outcomes.read + outcomes.refused).toBe(150);
    expect(outcomes.refused).toBeGreaterThan(0);
  });
});

describe('field choice for text datasets', () => {
  it('lists the fields of a CSV header or JSON records, and guesses input and output past bookkeeping columns', () => {
    expect(textFields('\uFEFFid,headline,topic\n1,a,b\n', 'csv')).toEqual(['id', 'headline', 'topic']);
    expect(textFields('q\ta\nx\ty\n', 'csv', '\t')).toEqual(['q', 'a']);
    expect(textFields('[{"id":1,"question":"a","answer":"b"},{"extra":2}]', 'json')).toEqual([
      'id',
      'question',
      'answer',
      'extra',
    ]);
    expect(textFields('{"a":1}\n{"b":2}\n', 'jsonl')).toEqual(['a', 'b']);
    expect(textFields('[1', 'json')).toEqual([]);
    expect(guessColumns(['id', 'headline', 'topic'], ['id', 'headline', 'topic'])).toEqual({
      input: 'headline',
      output: 'topic',
    });
    expect(guessColumns(['id', 'question', 'answer'], ['id', 'question', 'answer'])).toEqual({
      input: 'question',
      output: 'answer',
    });
    expect(guessColumns(['Text'], ['Text', 'Label'])).toEqual({ input: 'Text', output: 'Label' });
    expect(guessColumns(['only'], ['only'])).toBeUndefined();
  });

  it('reads the chosen fields', () => {
    const r = importDataset('id,headline,topic\n1,"a, b",World\n', {
      fileName: 'n.csv',
      inputField: 'headline',
      outputField: 'topic',
    });
    expect(r.examples).toEqual([{ id: '1', input: 'a, b', output: 'World' }]);
  });
});
