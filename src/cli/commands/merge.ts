// `merge`: joins the results documents of one experiment under several seeds (a sweep, `demo --seeds`) into tables:
// metrics and matrix cells as mean ± the 95% t interval, and KIF's paired differences against its baselines per seed.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { outFileFlag, UsageError } from '../args';
import {
  mergedMatrices,
  mergedTable,
  mergeResults,
  pairedDifferences,
  pairedTable,
} from '../../engine/experiment/merge';
import { parseResults, type ResultsDocument } from '../../engine/experiment/results';
import { registerCommand } from './registry';
import { readJsonFile, writeJson } from './run';

registerCommand({
  name: 'merge',
  summary:
    'join the results in a folder (seeds of one experiment) into tables: mean ± 95% CI of every metric and matrix cell, KIF against SeqFT and averaging per seed',
  usage: 'merge DIR [--out MERGED.json]',
  async run(args) {
    const [dir] = args.positionals;
    if (!dir) throw new UsageError('merge needs a folder of results documents: merge DIR');
    const out = args.flags.has('out') ? outFileFlag(args, 'out', 'merged.json') : undefined;
    let names: string[];
    try {
      if (!statSync(dir).isDirectory()) throw new Error('not a folder');
      names = readdirSync(dir)
        .filter((n) => n.endsWith('.json'))
        .sort();
    } catch (e) {
      throw new UsageError(`${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (names.length === 0) throw new UsageError(`${dir} holds no .json results documents`);
    const docs: { file: string; doc: ResultsDocument }[] = names.map((n) => {
      const file = join(dir, n);
      const r = parseResults(readJsonFile(file, 'results'));
      if (!r.ok)
        throw new UsageError(`${file} is not a valid results document:\n  ${r.errors.slice(0, 10).join('\n  ')}`);
      return { file, doc: r.results };
    });
    const rows = mergeResults(docs);
    const diffs = pairedDifferences(docs);
    console.log(
      `Metrics over seeds: mean ± half-width of the 95% confidence interval (t, n − 1 degrees of freedom)\n${mergedTable(rows)}`,
    );
    console.log(
      `\nAccuracy matrices, every cell mean ± 95% CI\n${mergedMatrices(
        rows,
        docs[0].doc.tasks.map((t) => t.name),
      )}`,
    );
    if (diffs.length)
      console.log(
        `\nPaired differences per seed (same seed, same data and start); * where the 95% CI excludes 0\n${pairedTable(diffs)}`,
      );
    console.error(`${docs.length} results documents from ${dir}`);
    if (args.flags.has('out')) writeJson(out!, { files: names, rows, pairedDifferences: diffs });
  },
});
