// `sweep`: runs one shard of a grid (strategies × knob values × seeds) over a spec; each point writes DIR/ID.json.
// Points already in DIR as valid results are skipped, so a shard that was cut off can be run again.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stringFlag, UsageError } from '../args';
import { expandGrid, parseGrid, parseShard, pointSpec, shardPoints } from '../../engine/experiment/grid';
import { parseResults } from '../../engine/experiment/results';
import { registerCommand } from './registry';
import { readJsonFile, readSpecFile, runToFile } from './run';

registerCommand({
  name: 'sweep',
  summary:
    'run shard I of N (0 ≤ I < N) of a grid of strategies × knob values × seeds; one results file per point in DIR',
  usage:
    'sweep SPEC.json --grid GRID.json --shard I/N --out DIR [--data DIR] [--on-bad-record skip|refuse] [--few-shot N] [--backend wasm|cpu|auto] [--base DIR] [--split test|val] [--lanes N (1: off; default one per core)]',
  async run(args) {
    const [specPath] = args.positionals;
    if (!specPath)
      throw new UsageError('sweep needs a spec file: sweep SPEC.json --grid GRID.json --shard I/N --out DIR');
    const spec = readSpecFile(specPath);
    const gridPath = stringFlag(args, 'grid');
    const g = parseGrid(readJsonFile(gridPath, 'grid'));
    if (!g.ok) throw new UsageError(`grid ${gridPath} is not valid:\n  ${g.errors.join('\n  ')}`);
    let shard;
    let points;
    try {
      shard = parseShard(stringFlag(args, 'shard', '0/1'));
      points = expandGrid(spec, g.grid);
    } catch (e) {
      throw new UsageError(e instanceof Error ? e.message : String(e));
    }
    const mine = shardPoints(points, shard.index, shard.count);
    const out = stringFlag(args, 'out');
    console.error(`shard ${shard.index}/${shard.count}: ${mine.length} of ${points.length} grid points`);
    for (const p of mine) {
      const file = join(out, `${p.id}.json`);
      if (existsSync(file) && parseResults(readJsonFile(file, 'results')).ok) {
        console.error(`${p.id}: already done, skipped`);
        continue;
      }
      console.error(`${p.id}:`);
      await runToFile(pointSpec(spec, p), args, file, true);
    }
  },
});
