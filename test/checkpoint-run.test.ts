// A run from a checkpoint folder trains, evaluates and decodes with the checkpoint's own tokenizer (here a
// spiece.model with 164 ids, too few for the byte tokenizer's 259), and the results document names it.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseResults } from '../src/engine/experiment/results';
import { runExperiment } from '../src/engine/experiment/runner';
import { loadHfModelFromFiles } from '../src/engine/io/loadHfModel';
import { serializeSafetensors } from '../src/engine/io/safetensors';
import { parseSpec } from '../src/engine/spec/experiment';
import { checkpointTokenizerSpec } from '../src/engine/tokenizers/runTokenizer';
import { useBackend } from './helpers/tf';

const root = resolve(__dirname, '..');
const folder = join(root, 'test', 'fixtures', 'checkpoints', 'pt-spiece');
const exec = promisify(execFile);

// Words the fixture's spiece.model was trained on: sentences with a one-word answer.
const good = ['the movie was good', 'a great story', 'i loved this film', 'a fine cast', 'great fun'];
const bad = ['the film was bad', 'boring and slow', 'the worst movie', 'the story was boring', 'slow and bad'];
const rows = [
  ...good.map((t) => ({ input: `${t} answer`, output: 'good' })),
  ...bad.map((t) => ({ input: `${t} answer`, output: 'bad' })),
];

const spec = (checkpoint: string) => ({
  version: 1,
  model: { checkpoint },
  init: 'pretrained',
  seed: 0,
  backend: 'wasm',
  tasks: [{ task: { dataset: 'senti' }, steps: 150, trainSize: 10, testSize: 10 }],
  strategies: [{ name: 'seqft' }],
  training: {
    lr: 1e-2,
    warmupSteps: 0,
    weightDecay: 0,
    batchSize: 10,
    clipNorm: 1,
    maxInputLen: 16,
    maxOutputLen: 4,
    evalEvery: 0,
  },
});

/** `cli run` of the spec on `checkpoint` with the rows as its data, in `dir`: exit code, stderr, results path. */
async function cliRun(dir: string, checkpoint: string) {
  writeFileSync(join(dir, 'senti.train.json'), JSON.stringify(rows));
  writeFileSync(join(dir, 'senti.test.json'), JSON.stringify(rows));
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec(checkpoint)));
  const out = join(dir, 'results.json');
  const args = ['tsx', 'src/cli/main.ts', 'run', join(dir, 'spec.json'), '--data', dir, '--out', out];
  return exec('npx', args, { cwd: root, timeout: 120_000 }).then(
    (ok) => ({ code: 0, stderr: ok.stderr, out }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr, out }),
  );
}

describe('a run from a checkpoint folder', () => {
  it('cli run trains it with its spiece.model tokenizer; the results document records {kind, vocabSize, source}', async () => {
    const r = await cliRun(mkdtempSync(join(tmpdir(), 'kif-ckrun-')), folder);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('tokenizer spiece.model (164 ids)');
    const doc = parseResults(JSON.parse(readFileSync(r.out, 'utf8')));
    expect(doc.ok).toBe(true);
    if (!doc.ok) return;
    expect(doc.results.model).toEqual({ tokenizer: { kind: 'spiece.model', vocabSize: 164, source: folder } });
    // The model learned the two answers of its training set (scored on the same rows here), spelled in the checkpoint's
    // pieces: decoded with its tokenizer they are the words.
    const s = doc.results.strategies[0];
    expect(s.matrix[1][0]).toBeGreaterThanOrEqual(90);
    expect(s.matrix[0][0]).toBeLessThan(50);
    for (const p of s.samples[0].predictions) expect(['good', 'bad']).toContain(p.output);
  }, 150_000);

  it('cli run of a model whose loss is not finite writes the results, names the strategy and exits 3', async () => {
    // The fixture with a feed-forward output weight at 3e38: the first forward overflows to ∞ in the residual, whose
    // norm then gives NaN, so seqft stops at its first step.
    const dir = mkdtempSync(join(tmpdir(), 'kif-ckrun-'));
    const files = Object.fromEntries(readdirSync(folder).map((f) => [f, readFileSync(join(folder, f))]));
    const m = loadHfModelFromFiles(files);
    m.tensors.get('encoder.block.0.layer.1.DenseReluDense.wo.weight')!.data.fill(3e38);
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'model.safetensors'), serializeSafetensors(m.tensors));
    for (const f of ['config.json', 'spiece.model']) copyFileSync(join(folder, f), join(broken, f));
    const r = await cliRun(dir, broken);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(
      /1 of 1 strategies stopped early \(exit code 3\): seqft: training stopped at step 1: the loss became/,
    );
    const doc = parseResults(JSON.parse(readFileSync(r.out, 'utf8')));
    expect(doc.ok && doc.results.strategies[0].error).toMatch(/^seqft: training stopped at step 1: /);
  }, 150_000);

  it('the runner refuses a checkpoint spec the host did not load, and the byte tokenizer for a 164-id model', async () => {
    await useBackend('cpu');
    const parsed = parseSpec(spec(folder));
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const datasets = () => ({ train: rows, test: rows });
    await expect(runExperiment(parsed.spec, {}, { datasets })).rejects.toThrow(
      /model\.checkpoint: .* was not loaded by the host/,
    );
    const m = loadHfModelFromFiles(
      Object.fromEntries(readdirSync(folder).map((f) => [f, new Uint8Array(readFileSync(join(folder, f)))])),
    );
    const checkpoint = { config: m.config, weights: m.tensors };
    await expect(runExperiment(parsed.spec, {}, { datasets, checkpoint })).rejects.toThrow(
      /vocabSize 164 is smaller than the byte tokenizer's 259 ids/,
    );
    const tokenizer = checkpointTokenizerSpec(m.tokenizer!, folder);
    const one = { ...parsed.spec, tasks: [{ ...parsed.spec.tasks[0], steps: 1 }] };
    const res = await runExperiment(one, {}, { datasets, checkpoint, tokenizer });
    expect(res.model!.tokenizer.kind).toBe('spiece.model');
  });
});
