// `demo`: runs a built-in experiment (see src/engine/experiment/demos.ts), or lists them.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { intFlag, outFileFlag, stringFlag, UsageError } from '../args';
import { getDemo, listDemos, type Demo } from '../../engine/experiment/demos';
import { parseResults } from '../../engine/experiment/results';
import { parseSeeds } from '../../engine/experiment/seeds';
import type { Args } from '../args';
import { registerCommand } from './registry';
import { readJsonFile, runToFile } from './run';

/** One results document per seed in DIR (NAME-seed-S.json); a seed whose valid document is already there is skipped. */
async function runSeeds(demo: Demo, args: Args): Promise<void> {
  if (args.flags.has('seed')) throw new UsageError('give --seed S for one run or --seeds LIST for several, not both');
  let seeds: number[];
  try {
    seeds = parseSeeds(stringFlag(args, 'seeds'));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const dir = stringFlag(args, 'out');
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new UsageError(`--out ${dir} is a file; with --seeds give a folder for one results document per seed`);
  mkdirSync(dir, { recursive: true });
  for (const seed of seeds) {
    const file = join(dir, `${demo.name}-seed-${seed}.json`);
    const spec = demo.spec({ seed });
    if (existsSync(file)) {
      const done = parseResults(readJsonFile(file, 'results'));
      if (done.ok && JSON.stringify(done.results.spec) === JSON.stringify(spec)) {
        console.error(`seed ${seed}: ${file} is already there, skipped (delete it to run this seed again)`);
        continue;
      }
      console.error(`seed ${seed}: ${file} holds another experiment's results or none; running it again`);
    }
    console.error(`seed ${seed} of ${seeds.join(', ')}`);
    await runToFile(spec, args, file);
  }
  console.error(`${seeds.length} seeds in ${dir}; join them with: merge ${dir}`);
}

registerCommand({
  name: 'demo',
  summary: 'run a built-in experiment (--list names them; --print-spec prints its spec to edit and `run`)',
  usage:
    'demo NAME --out RESULTS.json [--seed S | --seeds 0-4 (then --out is a folder)] [--data DIR] [--on-bad-record skip|refuse] [--few-shot N] [--backend wasm|cpu|auto] [--base DIR] [--split test|val] [--lanes N (1: off; default one per core)] | demo --list | demo NAME --print-spec',
  async run(args) {
    if (args.flags.has('list')) {
      for (const d of listDemos())
        console.log(
          `${d.name.padEnd(14)} ${d.title}\n${' '.repeat(15)}${d.description}${d.datasets ? ` Needs --data DIR with ${d.datasets.join(', ')}.` : ''}`,
        );
      return;
    }
    const [name] = args.positionals;
    if (!name)
      throw new UsageError(
        `demo needs a name; demos: ${listDemos()
          .map((d) => d.name)
          .join(', ')}`,
      );
    let demo;
    try {
      demo = getDemo(name);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    if (args.flags.has('seeds') && !args.flags.has('print-spec')) return runSeeds(demo, args);
    const spec = demo.spec({ seed: intFlag(args, 'seed', 0, 0, 0xffffffff) });
    if (args.flags.has('print-spec')) {
      console.log(JSON.stringify(spec, null, 2));
      return;
    }
    await runToFile(spec, args, outFileFlag(args, 'out'));
  },
});
