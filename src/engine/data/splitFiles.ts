// A dataset served as two files, ID.train.EXT and ID.test.EXT (the Long Sequence layout the CLI's --data reads), read
// through the one import path: bad records are skipped and counted in the provenance, a file that is no dataset throws.
import type { DatasetData } from '../experiment/taskData';
import { importDataset } from './importDataset';

export interface SplitFile {
  name: string;
  text: string;
}

/** The train and test files of one dataset as the runner takes it; `source` names it in the dataset card. */
export function datasetFromSplitFiles(source: string, train: SplitFile, test: SplitFile): DatasetData {
  const read = (f: SplitFile, split: 'train' | 'test') => {
    let r: ReturnType<typeof importDataset>;
    try {
      r = importDataset(f.text, { fileName: f.name, split });
    } catch (e) {
      throw new Error(`${f.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (r.examples.length === 0) throw new Error(`${f.name}: no usable record`);
    return r;
  };
  const a = read(train, 'train');
  const b = read(test, 'test');
  const skipped = a.report.skipped + b.report.skipped;
  const strip = (r: typeof a) =>
    r.examples.map(({ input, output, accepted }) => (accepted ? { input, output, accepted } : { input, output }));
  return {
    train: strip(a),
    test: strip(b),
    provenance: {
      source,
      records: a.report.records + b.report.records,
      skipped,
      ...(skipped ? { skippedWhy: `${a.report.skipped} in ${train.name}, ${b.report.skipped} in ${test.name}` } : {}),
    },
  };
}
