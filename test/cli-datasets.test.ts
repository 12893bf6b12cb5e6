// The CLI's dataset options end to end: a SuperNI task file with 6 empty outputs among 1,000 runs with the 6 skipped
// and named (and counted in the results document), and is refused under --on-bad-record refuse.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseResults } from '../src/engine/experiment/results';
import { superNiTask } from './helpers/datasetFixtures';
import { tinySpecInput } from './helpers/tinySpec';

const root = resolve(__dirname, '..');
const run = promisify(execFile);

async function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    const { stderr } = await run('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: root, timeout: 90_000 });
    return { code: 0, stderr };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, stderr: err.stderr };
  }
}

describe('--on-bad-record', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kif-data-'));
  writeFileSync(join(dir, 'task511.train.json'), JSON.stringify(superNiTask()));
  writeFileSync(join(dir, 'task511.test.json'), JSON.stringify(superNiTask(20, [])));
  const spec = {
    ...tinySpecInput({ strategies: [{ name: 'seqft' }], seed: 1, steps: 1, trainSize: 8, testSize: 4, warmupSteps: 0 }),
    backend: 'wasm',
  };
  spec.tasks = [{ task: { dataset: 'task511' }, steps: 1, trainSize: 8, testSize: 4 }] as never;
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
  const out = join(dir, 'r.json');

  it('skips the 6 empty outputs by default, names them on stderr and counts them in the results document', async () => {
    const r = await cli('run', join(dir, 'spec.json'), '--out', out, '--data', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `warning: ${join(dir, 'task511.train.json')}: skipped 6 of 1000 records cannot be used (6 with an empty field): Instances[50] (id "task511-50"): "output" is empty;`,
    );
    expect(r.stderr).toContain('Instances[999] (id "task511-999"): "output" is empty');
    const doc = parseResults(JSON.parse(readFileSync(out, 'utf8')));
    expect(doc.ok && doc.results.datasets).toEqual({
      task511: { source: join(dir, 'task511'), records: 1020, skipped: 6, skippedWhy: 'train: 6 with an empty field' },
    });
  });

  it('refuses the file under --on-bad-record refuse, with the same names', async () => {
    const r = await cli(
      'run',
      join(dir, 'spec.json'),
      '--out',
      join(dir, 'r2.json'),
      '--data',
      dir,
      '--on-bad-record',
      'refuse',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `error: ${join(dir, 'task511.train.json')}: 6 of 1000 records cannot be used (6 with an empty field): Instances[50] (id "task511-50"): "output" is empty;`,
    );
    expect(r.stderr).toContain('The file is refused (bad records: refuse); skip them to import the other 994');
    const bad = await cli(
      'run',
      join(dir, 'spec.json'),
      '--out',
      join(dir, 'r3.json'),
      '--data',
      dir,
      '--on-bad-record',
      'maybe',
    );
    expect([bad.code, bad.stderr.trim()]).toEqual([2, 'error: --on-bad-record must be skip or refuse (got maybe)']);
  });
});
