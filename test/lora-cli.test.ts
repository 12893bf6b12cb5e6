// The LoRA strategies through the CLI's `run`, as a user runs them: a tiny spec with rank units, and the refusal of
// kif-lora on a granularity that does not fit.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseResults } from '../src/engine/experiment/results';
import { tinySpecInput } from './helpers/tinySpec';

const root = resolve(__dirname, '..');
const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: root, timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const spec = (granularity: string) => ({
  ...tinySpecInput({
    strategies: ['seqft', 'seqlora', 'olora', 'kif-lora'].map((name) => ({
      name,
      knobs: name === 'seqft' ? {} : { rank: 2 },
    })),
    seed: 1,
    steps: 3,
    trainSize: 16,
    testSize: 3,
    warmupSteps: 1,
  }),
  backend: 'wasm',
  units: { granularity, blockSize: 16 },
});

describe('LoRA strategies in the CLI', () => {
  it('runs them beside seqft, writes a valid results document with rank-unit importance, prints the table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kif-lora-cli-'));
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec('lora-rank')));
    const r = await cli('run', join(dir, 'spec.json'), '--out', join(dir, 'results.json'));
    expect(r.code, r.stderr).toBe(0);
    const doc = parseResults(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')));
    if (!doc.ok) throw new Error(doc.errors.join('\n'));
    const kif = doc.results.strategies[3];
    expect(Object.keys(kif.importance!.tasks[1])).toContain('encoder.block.0.layer.0.SelfAttention.q.lora|1');
    expect(kif.fusions.map((f) => f.rule)).toEqual(['soft']);
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(2).map((l) => l.split(/\s{2,}/)[0])).toEqual([
      'seqft',
      'seqlora (rank=2)',
      'olora (rank=2)',
      'kif-lora (rank=2)',
    ]);
  });

  it('refuses kif-lora on tensor units, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kif-lora-cli-'));
    writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec('tensor')));
    const r = await cli('run', join(dir, 'spec.json'), '--out', join(dir, 'results.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'strategies[3]: needs units.granularity "lora-rank" (its skill units are LoRA rank units; got "tensor")',
    );
  });
});
