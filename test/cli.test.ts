// The experiment commands end to end, as a user runs them: `npx tsx src/cli/main.ts ...` in temporary folders.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseResults } from '../src/engine/experiment/results';
import { readCheckpoint, writeCheckpoint } from '../src/engine/io/checkpoint';
import { applyFusionHost, planFusion } from '../src/engine/kif/fusion';
import { buildUnits } from '../src/engine/kif/units';
import { initWeights } from '../src/engine/model/init';
import { paramSpecs } from '../src/engine/model/paramSpec';
import { makeRng } from '../src/engine/util/rng';
import { hasShared, sharedPath } from './shared';
import { tinyByteConfig, tinySpecInput } from './helpers/tinySpec';

const root = resolve(__dirname, '..');
const run = promisify(execFile);

// npm's own warnings about the machine's npm config are not the CLI's output.
const withoutNpmNoise = (s: string) =>
  s
    .split('\n')
    .filter((l) => !l.startsWith('npm warn'))
    .join('\n');

/** Runs the CLI; resolves with its exit code and output whether it succeeds or not. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: root, timeout: 90_000 });
    return { code: 0, stdout, stderr: withoutNpmNoise(stderr) };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: withoutNpmNoise(err.stderr) };
  }
}

const tinyConfig = tinyByteConfig;

const tinySpec = (strategies: unknown[]) => ({
  ...tinySpecInput({ strategies, seed: 1, steps: 3, trainSize: 16, testSize: 3, warmupSteps: 1 }),
  backend: 'wasm',
});

const tempDir = () => mkdtempSync(join(tmpdir(), 'kif-cli-'));
const writeJson = (path: string, v: unknown) => writeFileSync(path, JSON.stringify(v));

describe('run', () => {
  it('runs a spec, writes a valid results document and prints the metrics table', async () => {
    const dir = tempDir();
    writeJson(join(dir, 'spec.json'), tinySpec([{ name: 'seqft' }, { name: 'kif-soft', knobs: { tau: 0.5 } }]));
    const r = await cli('run', join(dir, 'spec.json'), '--out', join(dir, 'out', 'results.json'));
    expect(r.code, r.stderr).toBe(0);
    const doc = parseResults(JSON.parse(readFileSync(join(dir, 'out', 'results.json'), 'utf8')));
    expect(doc.ok).toBe(true);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^strategy\s+AP\s+BWT/);
    expect(lines.slice(2).map((l) => l.split(/\s{2,}/)[0])).toEqual(['seqft', 'kif-soft (tau=0.5)']);
    if (doc.ok) expect(lines[2]).toContain(doc.results.strategies[0].metrics!.ap.toFixed(1));
    expect(r.stderr).toContain('seqft after compare:');
  });

  it('names the field of a bad spec, the missing file, the bad knob', async () => {
    const dir = tempDir();
    const bad = tinySpec([{ name: 'seqft' }]);
    (bad.training as Record<string, unknown>).lr = 7;
    writeJson(join(dir, 'bad.json'), bad);
    let r = await cli('run', join(dir, 'bad.json'), '--out', join(dir, 'r.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('training.lr: must be a number above 0 and at most 1 (got 7)');
    r = await cli('run', join(dir, 'none.json'), '--out', join(dir, 'r.json'));
    expect([r.code, r.stderr.trim()]).toEqual([2, `error: spec ${join(dir, 'none.json')}: no such file`]);
    writeJson(join(dir, 'knob.json'), tinySpec([{ name: 'ewc', knobs: { lambda: -1 } }]));
    r = await cli('run', join(dir, 'knob.json'), '--out', join(dir, 'r.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('strategies[0].knobs.lambda: must be a number from 0 to 1000000000 (got -1)');
  });
});

describe.skipIf(!hasShared)('run on the Long Sequence files', () => {
  it('reads ID.train.json / ID.test.json from --data, and asks for --data when it is missing', async () => {
    const dir = tempDir();
    const spec = {
      ...tinySpec([{ name: 'seqft' }]),
      tasks: [{ task: { dataset: 'sst-2' }, steps: 1, trainSize: 8, testSize: 3 }],
    };
    spec.training = { ...spec.training, maxInputLen: 32, maxOutputLen: 8 };
    writeJson(join(dir, 'spec.json'), spec);
    let r = await cli('run', join(dir, 'spec.json'), '--out', join(dir, 'r.json'));
    expect([r.code, r.stderr.trim()]).toEqual([
      2,
      'error: the spec uses imported datasets (sst-2): give their folder with --data DIR (files ID.train.json and ID.test.json)',
    ]);
    r = await cli(
      'run',
      join(dir, 'spec.json'),
      '--out',
      join(dir, 'r.json'),
      '--data',
      sharedPath('data', 'long-sequence'),
    );
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    const { majorityScore, ...task } = doc.tasks[0];
    expect(task).toEqual({ name: 'sst-2', scorer: 'exact-match', steps: 1, trainSize: 8, testSize: 3 });
    // Three test examples of two labels: the commoner label scores 2 of 3 or 3 of 3.
    expect([200 / 3, 100]).toContain(majorityScore);
    // Cut to 32 bytes, a byte model's input drops the instruction and keeps the text and the answer cue.
    const input: string = doc.strategies[0].samples[0].predictions[0].input;
    expect(input).toMatch(/^Text: .*\nAnswer:$/s);
    expect(new TextEncoder().encode(input).length).toBeLessThanOrEqual(31);
    expect(doc.warnings[0]).toMatch(
      /^tasks\[0\] \(sst-2\): 11 of 11 inputs are longer than training.maxInputLen \(32 tokens\) and are cut; their answer cue "Answer:" and the head and end of the text are kept$/,
    );
  });
});

describe('sweep and merge', () => {
  it('shards a grid over two processes, then merges the seeds into mean ± 95% CI', async () => {
    const dir = tempDir();
    writeJson(join(dir, 'spec.json'), tinySpec([{ name: 'seqft' }]));
    writeJson(join(dir, 'grid.json'), { seeds: [1, 2], strategies: ['seqft'] });
    const out = join(dir, 'sweep');
    const shards = await Promise.all(
      ['0/2', '1/2'].map((s) =>
        cli('sweep', join(dir, 'spec.json'), '--grid', join(dir, 'grid.json'), '--shard', s, '--out', out),
      ),
    );
    shards.forEach((r) => expect(r.code, r.stderr).toBe(0));
    expect(readdirSync(out).sort()).toEqual(['seqft_seed=1.json', 'seqft_seed=2.json']);
    const again = await cli(
      'sweep',
      join(dir, 'spec.json'),
      '--grid',
      join(dir, 'grid.json'),
      '--shard',
      '0/2',
      '--out',
      out,
    );
    expect(again.stderr).toContain('seqft_seed=1: already done, skipped');
    const merged = await cli('merge', out, '--out', join(dir, 'merged.json'));
    expect(merged.code, merged.stderr).toBe(0);
    // A heading line, the table's header and rule, then the row.
    const row = merged.stdout
      .trim()
      .split('\n')[3]
      .split(/\s{2,}/);
    expect(row.slice(0, 2)).toEqual(['seqft', '2']);
    const json = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8'));
    const aps = ['seqft_seed=1.json', 'seqft_seed=2.json'].map(
      (f) => JSON.parse(readFileSync(join(out, f), 'utf8')).strategies[0].metrics.ap,
    );
    expect(json.rows[0].metrics.ap.mean).toBeCloseTo((aps[0] + aps[1]) / 2, 9);
    // Mean ± the half-width of the 95% t interval: t(0.975, 1) = 12.7062 (printed tables) · sd / √2.
    const sd = Math.abs(aps[0] - aps[1]) / Math.sqrt(2);
    expect(json.rows[0].intervals.ap.half).toBeCloseTo((12.7062 * sd) / Math.sqrt(2), 3);
    expect(row[2]).toBe(`${json.rows[0].metrics.ap.mean.toFixed(1)} ± ${((12.7062 * sd) / Math.sqrt(2)).toFixed(1)}`);
    expect(merged.stdout).toContain('Accuracy matrices, every cell mean ± 95% CI');
  });

  it('demo --seeds: refuses a bad seed list, --seed beside it, and a file for its folder', async () => {
    const dir = tempDir();
    let r = await cli('demo', 'forgetting', '--seeds', '4-0', '--out', dir);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('the range 4-0 runs backwards; write 0-4')]);
    r = await cli('demo', 'forgetting', '--seeds', '0-1', '--seed', '3', '--out', dir);
    expect(r.stderr).toContain('give --seed S for one run or --seeds LIST for several, not both');
    writeJson(join(dir, 'f.json'), {});
    r = await cli('demo', 'forgetting', '--seeds', '0-1', '--out', join(dir, 'f.json'));
    expect(r.stderr).toContain('is a file; with --seeds give a folder for one results document per seed');
  });

  it('refuses a bad grid, a bad shard, and a folder with a foreign file', async () => {
    const dir = tempDir();
    writeJson(join(dir, 'spec.json'), tinySpec([{ name: 'seqft' }]));
    writeJson(join(dir, 'grid.json'), { seeds: [1], knobs: { seqft: { x: [1] } } });
    let r = await cli(
      'sweep',
      join(dir, 'spec.json'),
      '--grid',
      join(dir, 'grid.json'),
      '--shard',
      '0/1',
      '--out',
      join(dir, 'o'),
    );
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('knobs.x: unknown knob (this strategy has none)')]);
    r = await cli(
      'sweep',
      join(dir, 'spec.json'),
      '--grid',
      join(dir, 'grid.json'),
      '--shard',
      '3/2',
      '--out',
      join(dir, 'o'),
    );
    expect(r.stderr).toContain('shard must be I/N with 0 ≤ I < N');
    writeJson(join(dir, 'junk.json'), { hello: 1 });
    r = await cli('merge', dir);
    expect([r.code, r.stderr]).toEqual([2, expect.stringContaining('grid.json is not a valid results document')]);
  });
});

describe('fuse', () => {
  const config = tinyConfig;
  const units = buildUnits('tensor', paramSpecs(config), { numHeads: 2 });
  const randomScores = (seed: number) => {
    const rng = makeRng(seed);
    return Object.fromEntries(units.map((u) => [u.name, rng()]));
  };

  function setup() {
    const dir = tempDir();
    for (const [name, seed] of [
      ['a', 1],
      ['b', 2],
    ] as const) {
      const ck = writeCheckpoint(config, initWeights(config, seed));
      writeFileSync(join(dir, `${name}.safetensors`), ck.safetensors);
      writeFileSync(join(dir, 'config.json'), ck.configJson);
    }
    writeJson(join(dir, 'sa.json'), randomScores(3));
    writeJson(join(dir, 'sb.json'), randomScores(4));
    return dir;
  }

  it.each([
    ['hard', ['--gamma', '0.6', '--top', '25'], { kind: 'hard', gamma: 0.6, topPercent: 25 }],
    ['soft', ['--tau', '0.5', '--beta', '0.4'], { kind: 'soft', tau: 0.5 }],
  ] as const)(
    '%s rule: writes the checkpoint planFusion + applyFusionHost give, and the accumulated scores',
    async (rule, flags, plan) => {
      const dir = setup();
      const r = await cli(
        'fuse',
        '--prev',
        join(dir, 'a.safetensors'),
        '--cur',
        join(dir, 'b.safetensors'),
        '--prev-scores',
        join(dir, 'sa.json'),
        '--cur-scores',
        join(dir, 'sb.json'),
        '--rule',
        rule,
        ...flags,
        '--out',
        join(dir, 'out', 'fused.safetensors'),
        '--out-scores',
        join(dir, 'out', 'acc.json'),
      );
      expect(r.code, r.stderr).toBe(0);
      const read = (file: string, configDir = dir) =>
        readCheckpoint(new Uint8Array(readFileSync(file)), readFileSync(join(configDir, 'config.json'), 'utf8'))
          .tensors;
      const beta = rule === 'soft' ? 0.4 : 0.7;
      const want = planFusion(
        new Map(Object.entries(randomScores(3))),
        new Map(Object.entries(randomScores(4))),
        plan,
        beta,
      );
      const expected = applyFusionHost(
        read(join(dir, 'a.safetensors')),
        read(join(dir, 'b.safetensors')),
        units,
        want.coeffs,
      );
      const got = read(join(dir, 'out', 'fused.safetensors'), join(dir, 'out'));
      for (const [name, t] of expected) expect(got.get(name)!.data, name).toEqual(t.data);
      expect(JSON.parse(readFileSync(join(dir, 'out', 'acc.json'), 'utf8'))).toEqual(
        Object.fromEntries(want.accumulated),
      );
      expect(r.stdout).toMatch(
        rule === 'hard'
          ? /^fused 26 units \(hard rule\): .*thresholds prev/
          : /^fused 26 units \(soft rule\): earlier model's share /,
      );
    },
  );

  it('names mismatched units, a missing config and a missing flag', async () => {
    const dir = setup();
    const base = [
      'fuse',
      '--prev',
      join(dir, 'a.safetensors'),
      '--cur',
      join(dir, 'b.safetensors'),
      '--prev-scores',
      join(dir, 'sa.json'),
      '--rule',
      'hard',
      '--out',
      join(dir, 'f.safetensors'),
      '--out-scores',
      join(dir, 'acc.json'),
    ];
    writeJson(join(dir, 'odd.json'), { ...randomScores(4), 'encoder.block.0.layer.0.SelfAttention#head0': 1 });
    let r = await cli(...base, '--cur-scores', join(dir, 'odd.json'));
    expect([r.code, r.stderr]).toEqual([
      2,
      expect.stringContaining(
        '--cur-scores names 1 unit(s) this model does not have with --units tensor: encoder.block.0.layer.0.SelfAttention#head0 (head / neuron-block units: pass --units head-neuron)',
      ),
    ]);
    const fewer = randomScores(4);
    delete fewer['shared.weight'];
    writeJson(join(dir, 'fewer.json'), fewer);
    r = await cli(...base, '--cur-scores', join(dir, 'fewer.json'));
    expect(r.stderr).toContain('not in both: shared.weight');
    r = await cli(...base, '--cur-scores', join(dir, 'sb.json'), '--config', join(dir, 'nope.json'));
    expect(r.stderr).toContain(`no config.json beside it (looked for ${join(dir, 'nope.json')})`);
    r = await cli(...base.filter((a) => a !== '--rule' && a !== 'hard'), '--cur-scores', join(dir, 'sb.json'));
    expect(r.stderr.trim()).toBe('error: --rule is required');
  });
});

describe('demo', () => {
  it('lists the demos and prints a demo spec', async () => {
    const list = await cli('demo', '--list');
    expect(
      list.stdout
        .split('\n')
        .filter((l) => /^\S/.test(l))
        .map((l) => l.split(/\s+/)[0]),
    ).toEqual([
      'forgetting',
      'forgetting-scratch',
      'baselines',
      'merging',
      'ablations',
      'long-sequence',
      'lora',
      'real-text',
      'flan-t5-lora',
    ]);
    const spec = await cli('demo', 'forgetting', '--print-spec', '--seed', '7');
    expect(JSON.parse(spec.stdout).seed).toBe(7);
    const bad = await cli('demo', 'nope', '--out', 'x.json');
    expect([bad.code, bad.stderr.trim()]).toEqual([
      2,
      'error: unknown demo "nope"; demos: forgetting, forgetting-scratch, baselines, merging, ablations, long-sequence, lora, real-text, flan-t5-lora',
    ]);
  });
});

describe('pretrain', () => {
  const args = (out: string, steps: number) => [
    'pretrain',
    '--preset',
    'nano',
    '--steps',
    String(steps),
    '--batch',
    '2',
    '--checkpoint-every',
    '2',
    '--out',
    out,
  ];

  it('writes a Hugging Face checkpoint, the loss curve and a model card with the command that made it', async () => {
    const dir = tempDir();
    const r = await cli(...args(dir, 4));
    expect(r.code, r.stderr).toBe(0);
    const ck = readCheckpoint(
      readFileSync(join(dir, 'model.safetensors')),
      readFileSync(join(dir, 'config.json'), 'utf8'),
    );
    expect(ck.config.dModel).toBe(64);
    expect(readFileSync(join(dir, 'loss.csv'), 'utf8').trim().split('\n')).toHaveLength(2); // header + the last step's window
    const card = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(card).toContain('npm run cli -- pretrain --preset nano --steps 4 --batch 2');
    expect(card).toMatch(/\| reverse \| \d+\.\d \|/);
    expect(readdirSync(dir)).not.toContain('resume');
  });

  it('picks up an interrupted run from its last saved step', async () => {
    const dir = tempDir();
    // Its own process group, so the kill reaches tsx's node child too (as closing a terminal would).
    const child = spawn('npx', ['tsx', 'src/cli/main.ts', ...args(dir, 600)], {
      cwd: root,
      detached: true,
      stdio: 'ignore',
    });
    const state = join(dir, 'resume', 'state.json');
    for (let i = 0; i < 600 && !existsSync(state); i++) await new Promise((r) => setTimeout(r, 100));
    process.kill(-(child.pid as number), 'SIGKILL');
    expect(existsSync(state)).toBe(true);
    const saved = JSON.parse(readFileSync(state, 'utf8')).step as number;
    const r = await cli(...args(dir, 600).map((a) => (a === '600' ? String(saved + 2) : a)));
    // Other settings than the saved run's (here: the step count) are refused rather than mixed.
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/interrupted run with other settings/);
    // A later step's tensor file the kill cut short (as an interruption mid-save leaves it) is not read.
    writeFileSync(join(dir, 'resume', `weights-${saved + 100}.safetensors`), '');
    const again = await cli(...args(dir, 600));
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resuming from step \d+ of 600/);
  }, 180_000);
});
