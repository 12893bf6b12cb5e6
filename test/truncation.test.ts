// Truncation that keeps what matters (the answer cue, the text's head and end; a byte model drops the instruction),
// the warning when a cut makes inputs identical, and the best constant answer's score, on hand-checked examples.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { majorityScore } from '../src/engine/experiment/majority';
import { fitTask } from '../src/engine/experiment/taskData';
import { loadHfModelFromFiles } from '../src/engine/io/loadHfModel';
import { defaultTraining } from '../src/engine/spec/experiment';
import { createByteTokenizer } from '../src/engine/tokenizers/byteTokenizer';
import { fitInput, fitInputs, sharedFrame } from '../src/engine/train/truncate';
import { hasShared, sharedPath } from './shared';

const byte = createByteTokenizer();
const bytes = (s: string) => new TextEncoder().encode(s).length;

describe('the frame every input shares', () => {
  it('is the instruction up to a line break and the answer cue from one', () => {
    expect(sharedFrame(['Q?\nText: a\nAnswer:', 'Q?\nText: bb\nAnswer:'])).toEqual({
      prefix: 'Q?\n',
      suffix: '\nAnswer:',
    });
    // Shared characters that do not end (or start) at a line break are text, not frame.
    expect(sharedFrame(['Text: ab', 'Text: cb'])).toEqual({ prefix: '', suffix: '' });
    expect(sharedFrame(['same', 'same'])).toEqual({ prefix: '', suffix: '' });
  });
});

describe('fitting an input into the cap', () => {
  const frame = { prefix: 'Q?\n', suffix: '\nAnswer:' };

  it('leaves an input that fits as it is', () => {
    const input = 'Q?\nText: abc\nAnswer:';
    expect(fitInput(byte, input, frame, bytes(input) + 1)).toBe(input);
  });

  it('a byte model drops the instruction first, then keeps the head and end of the text and the cue', () => {
    // Without "Q?\n" the input is 24 bytes + the end token: one too many for 24. The text gets 10 bytes: its first
    // 5 ("Text:") and last 5 ("fghij") around " … " (5 bytes), then the 8-byte cue: 23 bytes + the end token.
    expect(fitInput(byte, 'Q?\nText: abcdefghij\nAnswer:', frame, 25)).toBe('Text: abcdefghij\nAnswer:');
    expect(fitInput(byte, 'Q?\nText: abcdefghij\nAnswer:', frame, 24)).toBe('Text: … fghij\nAnswer:');
  });

  it('a real tokenizer keeps a short instruction, which a pretrained model reads', () => {
    const dir = resolve(__dirname, 'fixtures', 'checkpoints', 'pt-spiece');
    const tok = loadHfModelFromFiles(
      Object.fromEntries(readdirSync(dir).map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))])),
    ).tokenizer!.tokenizer;
    const f = { prefix: 'answer the question\n', suffix: '\ngood or bad' };
    const input = `${f.prefix}the movie was good and the actors were great and the story was boring and slow${f.suffix}`;
    const out = fitInput(tok, input, f, 40);
    expect(tok.encode(input).length).toBeGreaterThan(40);
    expect(tok.encode(out).length).toBeLessThanOrEqual(40);
    expect(out.startsWith('answer the question\nthe movie')).toBe(true);
    expect(out.endsWith('boring and slow\ngood or bad')).toBe(true);
    expect(out).toContain(' … ');
  });
});

describe('a task cut to its cap', () => {
  const task = (inputs: string[]) => ({
    name: 'long',
    scorer: 'exact-match',
    steps: 1,
    train: inputs.map((input, i) => ({ input, output: `l${i % 2}` })),
    test: [],
  });
  const instruction = 'Read the paragraph and choose a label from the long list of options given here.\n';

  it('keeps inputs apart that cutting the end made identical, and says what it kept', () => {
    const inputs = ['alpha', 'beta', 'gamma', 'delta'].map(
      (w) => `${instruction}Text: ${w} ${'x'.repeat(60)} ends ${w}\nAnswer:`,
    );
    const training = { ...defaultTraining, maxInputLen: 64 };
    // Keeping the start, as before: all four are the instruction's first 63 bytes.
    expect(new Set(inputs.map((s) => s.slice(0, 63))).size).toBe(1);
    const { task: fitted, warnings } = fitTask(task(inputs), 2, byte, training);
    expect(new Set(fitted.train.map((e) => e.input)).size).toBe(4);
    for (const e of fitted.train) {
      expect(bytes(e.input) + 1).toBeLessThanOrEqual(64);
      expect(e.input).toMatch(/^Text: \w+ x+ … x+ ends \w+\nAnswer:$/);
    }
    expect(warnings).toEqual([
      'tasks[2] (long): 4 of 4 inputs are longer than training.maxInputLen (64 tokens) and are cut; their answer cue "Answer:" and the head and end of the text are kept',
    ]);
  });

  it('warns, naming the task, when the cut still makes inputs identical', () => {
    const inputs = ['alpha', 'beta', 'gamma'].map(
      (w) => `${instruction}Text: ${'x'.repeat(40)} ${w} ${'y'.repeat(40)}\nAnswer:`,
    );
    const { warnings } = fitTask(task(inputs), 0, byte, { ...defaultTraining, maxInputLen: 48 });
    expect(warnings[1]).toBe(
      'tasks[0] (long): cutting inputs to 48 tokens makes 2 of them identical to another input (1 distinct of 3); raise training.maxInputLen',
    );
  });

  it.skipIf(!hasShared)(
    'the long-sequence dbpedia inputs at cap 256 stay distinct (cutting the end made all 500 identical)',
    () => {
      const rows = JSON.parse(readFileSync(sharedPath('data', 'long-sequence', 'dbpedia.test.json'), 'utf8')) as {
        input: string;
        output: string;
      }[];
      const frame = sharedFrame(rows.map((r) => r.input));
      expect(new Set(rows.map((r) => byte.encode(r.input).slice(0, 255).join())).size).toBe(1);
      const fit = fitInputs(byte, rows, frame, 256);
      expect(fit.distinctAfter).toBe(fit.distinctBefore);
      expect(fit.examples.every((e) => e.input.startsWith('Title: ') && e.input.endsWith('\n\nAnswer:'))).toBe(true);
    },
  );
});

describe('the best constant answer', () => {
  it('exact match: the commonest test label', () => {
    const test = ['a', 'a', 'b', 'c'].map((output) => ({ input: '', output }));
    expect(majorityScore({ scorer: 'exact-match', train: [{ input: '', output: 'z' }], test })).toBe(50);
  });

  it('ROUGE-L: "the cat" scores 1 on itself and F1 0.5 on "the dog", 75% in all, above "the dog" alone', () => {
    const test = ['the cat', 'the dog', 'the cat'].map((output) => ({ input: '', output }));
    // "the cat": 1 + 0.5 + 1 = 2.5 of 3; "the dog": 0.5 + 1 + 0.5 = 2 of 3.
    expect(majorityScore({ scorer: 'rouge-l', train: [], test })).toBeCloseTo((100 * 2.5) / 3, 10);
  });
});
