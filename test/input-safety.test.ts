// Every input the issue on input safety found hanging, crashing or accepted though insane, each refused (or handled)
// with a message naming the problem, in under a second.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { resultsToJson } from '../src/engine/export/resultsFile';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  checkpointShapeProblems,
  resumeProblems,
  type RunCheckpoint,
} from '../src/engine/experiment/resume';
import { RESULTS_VERSION } from '../src/engine/experiment/results';
import { writeCheckpoint } from '../src/engine/io/checkpoint';
import { limits } from '../src/engine/limits';
import { initWeights } from '../src/engine/model/init';
import { numParams, paramCount } from '../src/engine/model/paramSpec';
import { presets } from '../src/engine/model/config';
import { readCheckpointFiles, textImporters } from '../src/engine/share/importers';
import { packPayload } from '../src/engine/share/linkPayload';
import { summarizeResults } from '../src/engine/share/resultsSummary';
import { restoreFromFragment, specFragment } from '../src/engine/share/shareLink';
import { defaultSpec, parseSpec } from '../src/engine/spec/experiment';
import { loadHfTokenizer } from '../src/engine/tokenizers/hfTokenizer';
import { catastrophicRegex } from '../src/engine/tokenizers/tokenizerJsonCheck';
import { sortRecords } from '../src/app/storage/savedRunCheck';
import { newRun } from '../src/app/storage/savedRun';
import { fakeResults, typicalSpec } from './helpers/shareFixtures';
import { tinyConfig } from './helpers/tf';

/** Runs f, which must finish within a second; returns its value. */
function quick<T>(f: () => T): T {
  const t0 = performance.now();
  const out = f();
  expect(performance.now() - t0, 'took a second or more').toBeLessThan(1000);
  return out;
}

/** The message f throws, within a second. */
function thrown(f: () => unknown): string {
  return quick(() => {
    try {
      f();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected a refusal');
  });
}

const hugeConfig = {
  vocabSize: 300_000,
  dModel: 4096,
  dKv: 1024,
  numHeads: 128,
  dFf: 32_768,
  numLayers: 48,
  numDecoderLayers: 48,
  ffn: 'gated-gelu',
  tieEmbeddings: false,
  relBuckets: 32,
  relMaxDistance: 128,
  layerNormEps: 1e-6,
  dropout: 0,
} as const;

describe('model size: the product of bounded fields is bounded too', () => {
  it('paramCount is numParams in closed form, for every preset', () => {
    for (const c of Object.values(presets)) expect(paramCount(c)).toBe(numParams(c));
    expect(paramCount(presets['t5-small'])).toBe(60_506_624); // Hugging Face's count for t5-small
  });

  it(`a spec for a ${(paramCount(hugeConfig) / 1e9).toFixed(0)}e9-parameter model is refused, and so is its link`, () => {
    expect(paramCount(hugeConfig)).toBeGreaterThan(3.5e11);
    const spec = { ...defaultSpec(), model: { config: hugeConfig } };
    const r = quick(() => parseSpec(spec));
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors).toEqual([
        expect.stringMatching(
          /^model\.config: the model has 3\d\d,\d{3},\d{3},\d{3} is more than the 1,000,000,000 parameters in a model this app accepts$/,
        ),
      ]);
    const link = quick(() => restoreFromFragment(`spec=${packPayload(spec)}`, { fallback: defaultSpec }));
    expect(link.kind).toBe('refused');
    if (link.kind === 'refused') expect(link.message).toMatch(/more than the 1,000,000,000 parameters/);
  });

  it('batch 1024 × 4096 tokens is refused with the product', () => {
    const s = defaultSpec();
    const r = parseSpec({ ...s, training: { ...s.training, batchSize: 1024, maxInputLen: 4096, maxOutputLen: 1 } });
    expect(r.ok ? [] : r.errors).toEqual([
      'training: batch 1024 × (4096 + 1) tokens = 4,195,328 is more than the 262,144 tokens in a training batch (batch size × (input + output length)) this app accepts',
    ]);
    expect(parseSpec({ ...s, training: { ...s.training, batchSize: 8, maxInputLen: 512, maxOutputLen: 50 } }).ok).toBe(
      true,
    ); // the paper's
  });
});

describe('config.json', () => {
  const config = tinyConfig();
  const { safetensors, configJson } = writeCheckpoint(config, initWeights(config, 1));
  const refusal = (edit: Record<string, unknown>) => {
    const out = quick(() =>
      readCheckpointFiles({
        'config.json': JSON.stringify({ ...JSON.parse(configJson), ...edit }),
        'model.safetensors': safetensors,
      }),
    );
    expect(out.ok).toBe(false);
    return out.ok ? '' : out.errors.join('; ');
  };

  it.each(['num_layers', 'num_decoder_layers'])(
    '%s 1e6 beside a safetensors file is refused before any tensor list is built',
    (key) => {
      expect(refusal({ [key]: 1_000_000 })).toBe(
        `the checkpoint: config.json: "${key}" must be a positive integer up to 48 (blocks in the encoder or the decoder) (got 1000000)`,
      );
    },
  );

  it('a config.json whose fields are each in range but whose model is too large', () => {
    expect(refusal({ vocab_size: 300_000, d_model: 65_536, d_ff: 65_536 })).toMatch(
      /config.json describes a model with .* more than the 1,000,000,000 parameters/,
    );
  });
});

// A tokenizer.json of the smallest useful shape: <pad>, </s>, <unk> and the letters a..e.
function tokenizerJson(over: Record<string, unknown> = {}, model: Record<string, unknown> = {}) {
  const vocab = [['<pad>', 0], ['</s>', 0], ['<unk>', 0], ...'abcde'.split('').map((c) => [c, -1])];
  return {
    added_tokens: [0, 1, 2].map((id) => ({ id, content: vocab[id][0], special: true })),
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: null,
    model: { type: 'Unigram', unk_id: 2, vocab, ...model },
    ...over,
  };
}
const bpe = (vocab: Record<string, unknown>) =>
  tokenizerJson({ added_tokens: [] }, { type: 'BPE', vocab, merges: [], unk_id: undefined });

describe('tokenizer.json', () => {
  it('loads the plain file', () => expect(loadHfTokenizer(tokenizerJson()).encode('abc')).toEqual([3, 4, 5, 1]));

  it('an added token with id 1e9 is refused at once', () => {
    const json = tokenizerJson({ added_tokens: [{ id: 1e9, content: '<x>', special: true }] });
    expect(thrown(() => loadHfTokenizer(json))).toBe(
      'invalid tokenizer.json: "added_tokens"[0].id 1000000000 is not an integer from 0 to 299,999',
    );
  });

  it.each([-1, 2 ** 32, 1e308, 1.5, '3'])('id %s is refused, in added_tokens and in a BPE vocabulary', (id) => {
    expect(thrown(() => loadHfTokenizer(tokenizerJson({ added_tokens: [{ id, content: '<x>' }] })))).toMatch(
      /"added_tokens"\[0\]\.id .* is not an integer from 0 to 299,999/,
    );
    expect(thrown(() => loadHfTokenizer(bpe({ '<pad>': 0, '</s>': 1, a: id })))).toMatch(
      /"model.vocab" gives "a" the id .* not an integer from 0 to 299,999/,
    );
  });

  it('ids must be dense: no hole, no id given twice', () => {
    expect(thrown(() => loadHfTokenizer(bpe({ '<pad>': 0, '</s>': 1, a: 5 })))).toBe(
      'invalid tokenizer.json: "model.vocab" ids must run 0..2 without gaps, but "a" has 5',
    );
    expect(thrown(() => loadHfTokenizer(bpe({ '<pad>': 0, '</s>': 1, a: 1 })))).toBe(
      'invalid tokenizer.json: "model.vocab" gives the id 1 to two pieces',
    );
    expect(thrown(() => loadHfTokenizer(tokenizerJson({ added_tokens: [{ id: 9, content: '<x>' }] })))).toBe(
      'invalid tokenizer.json: "added_tokens" ids past the 8-piece vocabulary must continue it without gaps (8 expected, got 9)',
    );
    // Extending the vocabulary by the next id is fine, and the new token encodes to it.
    const tok = loadHfTokenizer(
      tokenizerJson({
        added_tokens: [
          { id: 1, content: '</s>' },
          { id: 0, content: '<pad>' },
          { id: 8, content: '<x>' },
        ],
      }),
    );
    expect(tok.vocabSize).toBe(9);
  });

  it('a model type that does not match its vocabulary is refused, not encoded to undefined ids', () => {
    expect(thrown(() => loadHfTokenizer(tokenizerJson({}, { type: 'BPE' })))).toMatch(
      /"model.vocab" must be an object of piece → id \(got \[\["<pad>",0\]/,
    );
    expect(thrown(() => loadHfTokenizer(tokenizerJson({}, { type: 'Unigram', vocab: { a: 0 } })))).toBe(
      'invalid tokenizer.json: "model.vocab" must be a non-empty list of [piece, score] pairs',
    );
    expect(thrown(() => loadHfTokenizer(tokenizerJson({}, { type: undefined })))).toBe(
      'invalid tokenizer.json: "model.type" nothing is not one of Unigram, BPE, WordPiece',
    );
  });

  it.each([
    ['normalizer', { type: 'Replace', pattern: { Regex: '(a+)+$' }, content: 'b' }, 'normalizer'],
    [
      'pre_tokenizer',
      { type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated', invert: false },
      'pre_tokenizer',
    ],
    [
      'pre_tokenizer',
      {
        type: 'Sequence',
        pretokenizers: [
          { type: 'WhitespaceSplit' },
          { type: 'Split', pattern: { Regex: '(x|xx)*y' }, behavior: 'Isolated', invert: false },
        ],
      },
      'pre_tokenizer.pretokenizers[1]',
    ],
  ])('a catastrophic regex in the %s is refused naming the pattern', (stage, value, where) => {
    expect(thrown(() => loadHfTokenizer(tokenizerJson({ [stage]: value })))).toMatch(
      new RegExp(
        `^invalid tokenizer.json: ${where.replace(/[[\].]/g, '\\$&')}\\.pattern\\.Regex ".*" is refused: a repeated group holds`,
      ),
    );
  });

  it('tells catastrophic patterns from the usual ones', () => {
    for (const bad of ['(a+)+$', '(a*)*', '(?:a|aa)+', '((ab)*c)+', '(\\w+\\s?)*$', '(a{1,5}){2,}', '([a-z]+)*'])
      expect(catastrophicRegex(bad), bad).not.toBeNull();
    const gpt2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    for (const ok of [' {2,}', gpt2, '(ab)+', '(a?b)+', '[(+]+', '\\(a+\\)+', '(?:\\p{L}\\p{M}?)+', 'a{2}', '(a){3}'])
      expect(catastrophicRegex(ok), ok).toBeNull();
  });

  it('names the stage and the types it takes instead of "Unknown PostProcessor type: undefined"', () => {
    expect(thrown(() => loadHfTokenizer(tokenizerJson({ post_processor: {} })))).toBe(
      'invalid tokenizer.json: post_processor.type nothing is not one of TemplateProcessing, ByteLevel, BertProcessing, RobertaProcessing, Sequence',
    );
    expect(thrown(() => loadHfTokenizer(tokenizerJson({ normalizer: { type: 'Sequence', normalizers: 3 } })))).toBe(
      'invalid tokenizer.json: normalizer.normalizers must be a list (got 3)',
    );
  });
});

describe('results documents and result links: every number in its range', () => {
  const spec = typicalSpec();
  const doc = fakeResults(spec);

  it.each([-5, 101, 1e308, -1e308])('an accuracy of %s in a results file is refused', (x) => {
    const bad = structuredClone(doc);
    bad.strategies[1].matrix[2][3] = x;
    const out = quick(() => textImporters.results.read(resultsToJson(bad)));
    expect(out.ok ? [] : out.errors).toEqual([
      `strategies[1].matrix[2][3]: must be a score in percent, a number from 0 to 100 (got ${x})`,
    ]);
  });

  it.each([-5, 101, 1e308])(
    'an accuracy of %s in a result link is a note, and the experiment opens without those results',
    (x) => {
      const summary = summarizeResults(doc);
      summary.strategies[0].matrix[1][0] = x;
      const r = quick(() =>
        restoreFromFragment(`${specFragment(spec)}&results=${packPayload(summary)}`, { fallback: defaultSpec }),
      );
      expect(r.kind).toBe('restored');
      if (r.kind === 'restored') {
        expect(r.results).toBeUndefined();
        expect(r.notes.join(' ')).toMatch(
          /strategies\[0\]\.matrix\[1\]\[0\]: must be a score in percent, a number from 0 to 100/,
        );
      }
    },
  );

  it('metrics, per-example scores, losses and timings have their ranges too', () => {
    const edits: [(d: typeof doc) => void, RegExp][] = [
      [(d) => (d.strategies[0].metrics!.ap = 250), /metrics\.ap: must be a score in percent/],
      [
        (d) => (d.strategies[0].metrics!.bwt = -300),
        /metrics\.bwt: must be a difference of scores in percent, a number from -100 to 100/,
      ],
      [(d) => (d.strategies[0].timings.totalSeconds = -1), /timings\.totalSeconds: must be a duration in seconds/],
      [(d) => (d.timings.totalSeconds = 1e300), /^timings\.totalSeconds: must be a duration in seconds/],
    ];
    for (const [edit, message] of edits) {
      const bad = structuredClone(doc);
      edit(bad);
      const out = textImporters.results.read(resultsToJson(bad));
      expect(out.ok ? [] : out.errors.join('; ')).toMatch(message);
    }
  });

  it('a missing field says "is required", not "expected object, received undefined"', () => {
    const bad = structuredClone(doc) as unknown as Record<string, unknown>;
    delete bad.units;
    const out = textImporters.results.read(JSON.stringify(bad));
    expect(out.ok ? [] : out.errors).toEqual(['units: is required (an object)']);
  });
});

describe('defects the fuzz suite found (test/fuzz-inputs.test.ts), each with its minimal input', () => {
  it('a Sequence stage with a null step: a TypeError from the library before, a message now', () => {
    expect(
      thrown(() => loadHfTokenizer(tokenizerJson({ post_processor: { type: 'Sequence', processors: [null] } }))),
    ).toBe('invalid tokenizer.json: post_processor.processors[0] must be an object with a "type" (got null)');
    expect(thrown(() => loadHfTokenizer(tokenizerJson({ decoder: { type: 'Sequence', decoders: [null] } })))).toMatch(
      /^invalid tokenizer.json: decoder.decoders\[0\] must be an object/,
    );
  });

  it('a results document of version -1 said "Invalid input: expected 1"', () => {
    const bad = { ...JSON.parse(resultsToJson(fakeResults(typicalSpec()))), version: -1 };
    const out = textImporters.results.read(JSON.stringify(bad));
    expect(out.ok ? [] : out.errors).toEqual([`version: must be ${RESULTS_VERSION}`]);
  });

  it('a knob of null in a results document said "Invalid input"', () => {
    const bad = JSON.parse(resultsToJson(fakeResults(typicalSpec())));
    bad.strategies[0].knobs.gamma = null;
    const out = textImporters.results.read(JSON.stringify(bad));
    expect(out.ok ? [] : out.errors).toEqual(['strategies[0].knobs.gamma: must be a number, a string or true/false']);
  });

  it('a checkpoint without "done" or "current" said "(got undefined)"', () => {
    expect(checkpointShapeProblems({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, current: null })).toEqual([
      "checkpoint.done: must be the list of finished strategies' results (got nothing)",
    ]);
    expect(checkpointShapeProblems({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, done: [] })).toEqual([
      'checkpoint.current: must be the strategy under way or null (got nothing)',
    ]);
  });
});

describe('damaged saved data is reported, never thrown', () => {
  const good = newRun(typicalSpec(), 1000);
  const result = fakeResults(typicalSpec()).strategies[0];

  it.each([
    [
      'done: null',
      { done: null, current: null },
      "checkpoint.done: must be the list of finished strategies' results (got null)",
    ],
    ['current: 5', { done: [], current: 5 }, 'checkpoint.current: must be the strategy under way or null (got number)'],
    [
      'current without weights',
      { done: [], current: { strategy: 0, nextTask: 1, state: {}, result } },
      'checkpoint.current.weights: must be a map of tensors',
    ],
    [
      'a finished result without a matrix',
      { done: [{ ...result, matrix: undefined }], current: null },
      'checkpoint.done[0].matrix: is required (a list)',
    ],
  ])('a checkpoint with %s', (_, body, message) => {
    const cp = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, ...body } as unknown as RunCheckpoint;
    expect(quick(() => checkpointShapeProblems(cp))).toContain(message);
    expect(resumeProblems(cp, ['a'], 3)[0]).toBe(`resume: ${message}`);
  });

  it('a saved run without spec.tasks, and other damage, is set aside with its reason; the good runs stay listed', () => {
    const noTasks = { ...good, id: 'run-b', spec: { ...good.spec, tasks: undefined } };
    const records = [
      good,
      noTasks,
      { id: 'run-c' },
      { ...good, id: 'run-d', status: 'weird' },
      { ...good, id: 'run-e', resumeAt: { strategy: 9, task: 0 } },
    ];
    const { runs, damaged } = quick(() => sortRecords(records));
    expect(runs.map((r) => r.id)).toEqual([good.id]);
    expect(damaged.map((d) => [d.id, d.reason])).toEqual([
      ['run-b', 'spec.tasks: is required'],
      [
        'run-c',
        'name: missing; createdAt / updatedAt: not times; status: missing is not running, done or stopped; spec: missing; strategies: not a list; results: missing; resumeAt: missing',
      ],
      ['run-d', 'status: "weird" is not running, done or stopped'],
      ['run-e', 'resumeAt: strategy 9, task 0 is outside the spec'],
    ]);
  });

  it('limits are what the README lists', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync('README.md', 'utf8');
    for (const l of Object.values(limits))
      expect(readme).toContain(`| ${l.what} | ${l.value.toLocaleString('en-US')} |`);
  });
});
