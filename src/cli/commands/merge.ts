// `merge`: joins the results documents of a sweep (one folder) into one table, mean ± sd over seeds per strategy.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { outFileFlag, UsageError } from '../args';
import { mergedTable, mergeResults } from '../../engine/experiment/merge';
import { parseResults, type ResultsDocument } from '../../engine/experiment/results';
import { registerCommand } from './registry';
import { readJsonFile, writeJson } from './run';

registerCommand({
  name: 'merge',
  summary: 'join the results in a folder (sweep shards) into one table: mean ± sd over seeds per strategy',
  usage: 'merge DIR [--out MERGED.json]',
  async run(args) {
    const [dir] = args.positionals;
    if (!dir) throw new UsageError('merge needs a folder of results documents: merge DIR');
    const out = args.flags.has('out') ? outFileFlag(args, 'out', 'merged.json') : undefined;
    let names: string[];
    try {
      if (!statSync(dir).isDirectory()) throw new Error('not a folder');
      names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
    } catch (e) {
      throw new UsageError(`${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (names.length === 0) throw new UsageError(`${dir} holds no .json results documents`);
    const docs: { file: string; doc: ResultsDocument }[] = names.map((n) => {
      const file = join(dir, n);
      const r = parseResults(readJsonFile(file, 'results'));
      if (!r.ok) throw new UsageError(`${file} is not a valid results document:\n  ${r.errors.slice(0, 10).join('\n  ')}`);
      return { file, doc: r.results };
    });
    const rows = mergeResults(docs);
    console.log(mergedTable(rows));
    console.error(`${docs.length} results documents from ${dir}`);
    if (args.flags.has('out')) writeJson(out!, { files: names, rows });
  },
});
