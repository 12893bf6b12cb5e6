// `fuse --rule ties|dare|task-arithmetic|magmax|fisher --base BASE --models A,B ...`: the merged checkpoint is the
// engine's merge of the files, and bad input gets a message naming the problem. In-process (one subprocess run checks
// the command line end to end).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseArgs } from '../src/cli/args';
import { commands } from '../src/cli/commands/registry';
import '../src/cli/commands/fuse';
import { readCheckpoint, writeCheckpoint } from '../src/engine/io/checkpoint';
import { mergeWithRule } from '../src/engine/kif/fusion';
import type { TaskVectorRule } from '../src/engine/kif/taskVectors';
import type { T5Config } from '../src/engine/model/config';
import { initWeights, type HostTensors } from '../src/engine/model/init';
import { makeRng } from '../src/engine/util/rng';
import { tinyByteConfig } from './helpers/tinySpec';

const config = tinyByteConfig;
const nudged = (w: HostTensors, seed: number, scale: number): HostTensors => {
  const rng = makeRng(seed);
  return new Map([...w].map(([n, t]) => [n, { shape: t.shape, data: t.data.map((x) => x + (rng() * 2 - 1) * scale) }]));
};

function write(dir: string, name: string, w: HostTensors, c: T5Config = config) {
  mkdirSync(dir, { recursive: true });
  const ck = writeCheckpoint(c, w);
  writeFileSync(join(dir, name), ck.safetensors);
  writeFileSync(join(dir, 'config.json'), ck.configJson);
  return join(dir, name);
}
const read = (path: string, dir: string) =>
  readCheckpoint(new Uint8Array(readFileSync(path)), readFileSync(join(dir, 'config.json'), 'utf8')).tensors;

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'kif-merge-'));
  const base = initWeights(config, 1);
  const files = {
    dir,
    base: write(dir, 'base.safetensors', base),
    a: write(dir, 'A.safetensors', nudged(base, 2, 0.02)),
    b: write(dir, 'B.safetensors', nudged(base, 3, 0.02)),
    fa: write(
      dir,
      'A.fisher.safetensors',
      new Map([...base].map(([n, t]) => [n, { shape: t.shape, data: t.data.map((x) => x * x) }])),
    ),
    fb: write(
      dir,
      'B.fisher.safetensors',
      new Map([...base].map(([n, t]) => [n, { shape: t.shape, data: t.data.map((x) => Math.abs(x)) }])),
    ),
  };
  return files;
}

/** Runs `fuse` in this process; resolves with the thrown message (if any) and what it printed. */
async function fuse(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  let error: string | null = null;
  try {
    await commands.get('fuse')!.run(parseArgs(argv));
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  vi.restoreAllMocks();
  return { error, stdout: out.join('\n'), stderr: err.join('\n') };
}

afterEach(() => vi.restoreAllMocks());

describe('fuse with a merging rule', () => {
  it.each([
    ['ties', ['--top', '30', '--lambda', '0.8'], { kind: 'ties', topPercent: 30, lambda: 0.8 }],
    [
      'dare',
      ['--drop', '0.5', '--seed', '3', '--inner', 'task-arithmetic', '--lambda', '0.6'],
      { kind: 'dare', drop: 0.5, inner: 'task-arithmetic', topPercent: 100, lambda: 0.6, seed: 3 },
    ],
    ['task-arithmetic', ['--lambda', '0.3'], { kind: 'task-arithmetic', lambda: 0.3 }],
    ['magmax', [], { kind: 'magmax', lambda: 0.5 }],
    ['fisher', ['--floor', '0'], { kind: 'fisher', floor: 0 }],
  ] as const)("%s: writes the engine's merge of the checkpoints against the base", async (rule, flags, want) => {
    const f = setup();
    const out = join(f.dir, 'out', 'fused.safetensors');
    const fisher = rule === 'fisher' ? ['--fisher', `${f.fa},${f.fb}`] : [];
    const r = await fuse(
      '--rule',
      rule,
      '--base',
      f.base,
      '--models',
      `${f.a},${f.b}`,
      ...flags,
      ...fisher,
      '--out',
      out,
      '--out-shares',
      join(f.dir, 'out', 'shares.json'),
    );
    expect(r.error).toBeNull();
    const expected = mergeWithRule(
      {
        base: read(f.base, f.dir),
        models: [read(f.a, f.dir), read(f.b, f.dir)],
        fishers: rule === 'fisher' ? [read(f.fa, f.dir), read(f.fb, f.dir)] : undefined,
      },
      want as TaskVectorRule,
    );
    const got = read(out, join(f.dir, 'out'));
    for (const [name, t] of expected.weights) expect(got.get(name)!.data, name).toEqual(t.data);
    expect(r.stdout).toMatch(new RegExp(`^merged 2 model\\(s\\) against the base \\(${rule} rule`));
    expect(r.stderr).not.toContain('warning');
    const shares = JSON.parse(readFileSync(join(f.dir, 'out', 'shares.json'), 'utf8')) as Record<string, number[]>;
    for (const s of Object.values(shares)) expect(s.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('runs as the documented command line', async () => {
    const f = setup();
    const { stdout } = await promisify(execFile)(
      'npx',
      [
        'tsx',
        'src/cli/main.ts',
        'fuse',
        '--rule',
        'ties',
        '--base',
        f.base,
        '--models',
        `${f.a},${f.b}`,
        '--out',
        join(f.dir, 'fused.safetensors'),
      ],
      { cwd: resolve(__dirname, '..'), timeout: 90_000 },
    );
    expect(stdout).toMatch(
      /^merged 2 model\(s\) against the base \(ties rule: topPercent 20, lambda 1\); mean share of each model over \d+ units: 0\.\d+ \/ 0\.\d+/,
    );
    expect(read(join(f.dir, 'fused.safetensors'), f.dir).size).toBe(read(f.base, f.dir).size);
  }, 120_000);

  it('refuses k outside (0, 100], p outside [0, 1), a knob of another rule and a flag of the KIF form', async () => {
    const f = setup();
    const args = (rule: string, ...more: string[]) => [
      '--rule',
      rule,
      '--base',
      f.base,
      '--models',
      `${f.a},${f.b}`,
      ...more,
      '--out',
      join(f.dir, 'x.safetensors'),
    ];
    expect((await fuse(...args('ties', '--top', '0'))).error).toBe(
      '--top (ties topPercent) must be a number above 0 and at most 100 (got 0)',
    );
    expect((await fuse(...args('ties', '--top', '150'))).error).toBe(
      '--top (ties topPercent) must be a number above 0 and at most 100 (got 150)',
    );
    expect((await fuse(...args('dare', '--drop', '1'))).error).toBe(
      '--drop (dare drop) must be a number from 0 and below 1 (got 1)',
    );
    expect((await fuse(...args('dare', '--drop', '-0.2'))).error).toBe(
      '--drop (dare drop) must be a number from 0 and below 1 (got -0.2)',
    );
    expect((await fuse(...args('dare', '--drop', 'lots'))).error).toBe(
      '--drop (dare drop) must be a number from 0 and below 1 (got NaN)',
    );
    expect((await fuse(...args('dare', '--inner', 'max'))).error).toBe(
      '--inner (dare inner) must be one of "ties", "task-arithmetic", "average" (got "max")',
    );
    expect((await fuse(...args('ties', '--drop', '0.5'))).error).toBe(
      '--drop does not apply to --rule ties (its flags: --top, --lambda)',
    );
    expect((await fuse(...args('ties', '--prev', f.a))).error).toMatch(
      /^--prev belongs to the KIF rules \(hard, soft\)/,
    );
    expect((await fuse('--rule', 'nope', '--out', 'x')).error).toBe(
      '--rule must be one of hard, soft, average, task-arithmetic, ties, dare, magmax, fisher (got nope)',
    );
  });

  it('refuses checkpoints of another shape and Fisher lists that do not match; warns about a base the models did not start from', async () => {
    const f = setup();
    const other = { ...config, dModel: 8, dKv: 4 };
    const odd = write(join(f.dir, 'odd'), 'C.safetensors', initWeights(other, 4), other);
    const args = (rule: string, models: string, ...more: string[]) => [
      '--rule',
      rule,
      '--base',
      f.base,
      '--models',
      models,
      ...more,
      '--out',
      join(f.dir, 'x.safetensors'),
    ];
    expect((await fuse(...args('ties', `${f.a},${odd}`))).error).toBe(
      `${odd} is another model than the base ${f.base}: dModel 8 vs 16, dKv 4 vs 8`,
    );
    expect((await fuse(...args('fisher', `${f.a},${f.b}`))).error).toMatch(
      /^--rule fisher needs --fisher A\.fisher\.safetensors/,
    );
    expect((await fuse(...args('fisher', `${f.a},${f.b}`, '--fisher', f.fa))).error).toBe(
      '--fisher lists 1 file(s) for 2 model(s): give one per model, in the same order',
    );
    expect((await fuse(...args('ties', `${f.a},${f.b}`, '--fisher', f.fa))).error).toBe(
      '--fisher belongs to --rule fisher (got --rule ties)',
    );
    // Another base of the same shape: it merges, with a warning per model that the deltas mean nothing.
    const stranger = write(join(f.dir, 'stranger'), 'base.safetensors', initWeights(config, 99));
    const r = await fuse(
      '--rule',
      'ties',
      '--base',
      stranger,
      '--models',
      `${f.a},${f.b}`,
      '--out',
      join(f.dir, 'y.safetensors'),
    );
    expect(r.error).toBeNull();
    expect(r.stderr.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([
      expect.stringMatching(
        new RegExp(
          `^warning: ${f.a.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} lies \\d+% of the base's norm away from it .*the base is probably not the model it started from, and its task vector θ − θ₀ is then meaningless$`,
        ),
      ),
      expect.stringMatching(/^warning: .*B\.safetensors lies .*meaningless$/),
    ]);
  });
});
