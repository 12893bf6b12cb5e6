// What every dataset reader returns and throws.
import type { Example } from '../tasks/types';

export type SplitName = 'train' | 'val' | 'test';

export interface ImportedExample extends Example {
  id?: string;
  /** The split the file assigned (a `split` field / column, or `ImportOptions.split` for a whole file). */
  split?: SplitName;
}

/** A whole-file problem (not a dataset, truncated, over a limit), or the refusal of a file with bad records. */
export class DatasetImportError extends Error {
  constructor(
    /** Which record, e.g. `record at index 3 (id "x")` or `line 7`; empty for whole-file problems. */
    readonly where: string,
    readonly problem: string,
  ) {
    super(where ? `${where}: ${problem}` : problem);
    this.name = 'DatasetImportError';
  }
}
