// The CLI refuses what it would otherwise ignore or crash on, before any work: unknown flags (naming the closest known
// one), values out of range, and an --out that names a folder.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkFlags, closestFlag, flagsOfUsage, outFileFlag, parseArgs, UsageError } from '../src/cli/args';
import { commands } from '../src/cli/commands/registry';
import '../src/cli/commands/train';
import '../src/cli/commands/run';
import '../src/cli/commands/demo';
import '../src/cli/commands/sweep';
import '../src/cli/commands/merge';
import '../src/cli/commands/fuse';
import '../src/cli/commands/pretrain';
import '../src/cli/commands/inspect';
import '../src/cli/commands/convert';

const root = resolve(__dirname, '..');

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('flags', () => {
  const train = flagsOfUsage(commands.get('train')!.usage);

  it('an unknown flag is refused, naming the closest known one', () => {
    expect(refusal(() => checkFlags(parseArgs(['--preset', 'nano', '--stepz', '5']), 'train', train))).toMatch(
      /^unknown flag --stepz for train; did you mean --steps\?\ntrain takes: --preset --task --steps/,
    );
    expect(closestFlag('lr-rate', train)).toBe('lr');
    expect(closestFlag('evalevery', train)).toBe('eval-every');
    expect(closestFlag('zzzzzzzz', train)).toBeUndefined();
    expect(refusal(() => checkFlags(parseArgs(['--zzzzzzzz']), 'train', train))).toMatch(
      /^unknown flag --zzzzzzzz for train\n/,
    );
    expect(() => checkFlags(parseArgs(['--steps', '5', '--paper-defaults']), 'train', train)).not.toThrow();
  });

  it('every flag a command reads is in its usage line (so the check never refuses a real flag)', () => {
    const files = readdirSync(join(root, 'src/cli/commands')).filter((f) => f.endsWith('.ts') && f !== 'registry.ts');
    const read = (file: string) =>
      [
        ...readFileSync(join(root, 'src/cli', file), 'utf8').matchAll(
          /(?:Flag\(args, |flags\.(?:get|has)\()'([a-z0-9-]+)'/g,
        ),
      ].map((m) => m[1]);
    // run.ts's runToFile (with baseWeights.ts) serves run, demo and sweep: the flags it reads are theirs too.
    const viaRunToFile = [...read('commands/run.ts'), ...read('baseWeights.ts')];
    expect(viaRunToFile).toEqual(expect.arrayContaining(['backend', 'data', 'split', 'base']));
    for (const file of files) {
      const name = file.replace(/\.ts$/, '');
      const usesRunToFile = readFileSync(join(root, 'src/cli/commands', file), 'utf8').includes('runToFile(');
      const known = flagsOfUsage(commands.get(name)!.usage);
      for (const f of new Set([...read(`commands/${file}`), ...(usesRunToFile ? viaRunToFile : [])]))
        expect(known, `${name} reads --${f}`).toContain(f);
    }
  });

  it('--out naming a folder is refused with a message, not EISDIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kif-out-'));
    expect(refusal(() => outFileFlag(parseArgs(['--out', dir]), 'out'))).toBe(
      `--out ${dir} is a folder; give a file to write, e.g. --out ${join(dir, 'results.json')}`,
    );
    expect(outFileFlag(parseArgs(['--out', join(dir, 'r.json')]), 'out')).toBe(join(dir, 'r.json'));
  });
});

describe('the CLI as a user runs it', () => {
  const cli = async (...args: string[]) => {
    const t0 = performance.now();
    try {
      await promisify(execFile)('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: root, timeout: 60_000 });
      return { code: 0, stderr: '', ms: performance.now() - t0 };
    } catch (e) {
      const err = e as { code: number; stderr: string };
      return {
        code: err.code,
        stderr: err.stderr
          .split('\n')
          .filter((l) => l.startsWith('error') || l.startsWith('unknown') || l.includes('takes:'))
          .join('\n'),
        ms: performance.now() - t0,
      };
    }
  };

  it('train --stepz 5 stops with a usage error before training; demo --out DIR too', async () => {
    const typo = await cli('train', '--preset', 'nano', '--task', 'reverse', '--stepz', '5');
    expect([typo.code, typo.stderr.split('\n')[0]]).toEqual([
      2,
      'error: unknown flag --stepz for train; did you mean --steps?',
    ]);
    const range = await cli('train', '--steps', '-5');
    expect([range.code, range.stderr]).toEqual([2, 'error: --steps must be an integer from 1 to 1000000 (got -5)']);
    const dir = mkdtempSync(join(tmpdir(), 'kif-out-'));
    const folder = await cli('demo', 'forgetting', '--out', dir);
    expect([folder.code, folder.stderr]).toEqual([
      2,
      `error: --out ${dir} is a folder; give a file to write, e.g. --out ${join(dir, 'results.json')}`,
    ]);
  }, 120_000);

  it('a damaged pretrain resume state is named, not a TypeError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kif-pre-'));
    mkdirSync(join(dir, 'resume'));
    writeFileSync(join(dir, 'resume', 'state.json'), '{"preset": "nano", "step": null');
    const r = await cli('pretrain', '--preset', 'nano', '--steps', '2', '--out', dir);
    expect([r.code, r.stderr]).toEqual([
      2,
      expect.stringMatching(
        new RegExp(
          `^error: ${join(dir, 'resume', 'state.json')} is damaged \\(not valid JSON: .*\\); delete ${join(dir, 'resume')} to start over$`,
        ),
      ),
    ]);
  }, 60_000);
});
