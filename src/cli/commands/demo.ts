// `demo`: runs a built-in experiment (see src/engine/experiment/demos.ts), or lists them.
import { intFlag, outFileFlag, UsageError } from '../args';
import { getDemo, listDemos } from '../../engine/experiment/demos';
import { registerCommand } from './registry';
import { runToFile } from './run';

registerCommand({
  name: 'demo',
  summary: 'run a built-in experiment (--list names them; --print-spec prints its spec to edit and `run`)',
  usage: 'demo NAME --out RESULTS.json [--seed S] [--data DIR] [--on-bad-record skip|refuse] [--few-shot N] [--backend wasm|cpu|auto] [--base DIR] [--split test|val] | demo --list | demo NAME --print-spec',
  async run(args) {
    if (args.flags.has('list')) {
      for (const d of listDemos()) console.log(`${d.name.padEnd(14)} ${d.title}\n${' '.repeat(15)}${d.description}${d.datasets ? ` Needs --data DIR with ${d.datasets.join(', ')}.` : ''}`);
      return;
    }
    const [name] = args.positionals;
    if (!name) throw new UsageError(`demo needs a name; demos: ${listDemos().map((d) => d.name).join(', ')}`);
    let demo;
    try {
      demo = getDemo(name);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const spec = demo.spec({ seed: intFlag(args, 'seed', 0, 0, 0xffffffff) });
    if (args.flags.has('print-spec')) {
      console.log(JSON.stringify(spec, null, 2));
      return;
    }
    await runToFile(spec, args, outFileFlag(args, 'out'));
  },
});
