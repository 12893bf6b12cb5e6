// The results document as CSV tables, in long form (one value a row) so they load straight into a data frame or a
// spreadsheet pivot: accuracy matrices, continual-learning metrics, importance per task and unit, fusion maps.
// A registry, so the export menu lists whatever is registered here. A strategy with units of its own (kif-lora's
// adapter ranks) is listed over those.
import type { ResultsDocument } from '../experiment/results';
import { unitsOf } from '../run/state';
import { toCsv, type Cell } from './csv';

export interface ResultTable {
  /** Menu label. */
  title: string;
  /** File name without the extension. */
  file: string;
  /** False when the document has nothing for this table (e.g. no KIF strategy, no importance). */
  available(doc: ResultsDocument): boolean;
  csv(doc: ResultsDocument): string;
}

/** Row 0 of a matrix is the untrained model, row k + 1 the model after task k. */
const rowName = (doc: ResultsDocument, r: number) =>
  r === 0 ? 'untrained' : `after ${doc.tasks[r - 1]?.name ?? `task ${r - 1}`}`;

export const resultTables: Record<string, ResultTable> = {
  accuracy: {
    title: 'Accuracy matrices (CSV)',
    file: 'accuracy',
    available: (doc) => doc.strategies.some((s) => s.matrix.length > 0),
    csv: (doc) =>
      toCsv(
        ['strategy', 'row', 'after_task', 'task', 'score_percent'],
        doc.strategies.flatMap((s) =>
          s.matrix.flatMap((row, r) => row.map((x, j): Cell[] => [s.label, r, rowName(doc, r), doc.tasks[j].name, x])),
        ),
      ),
  },
  metrics: {
    title: 'Metrics: AP, BWT, FWT, forgetting (CSV)',
    file: 'metrics',
    available: (doc) => doc.strategies.length > 0,
    csv: (doc) =>
      toCsv(
        ['strategy', 'tasks_trained', 'ap', 'bwt', 'fwt', 'fwt_zero_shot', 'forgetting', 'error'],
        doc.strategies.map((s): Cell[] => {
          const m = s.metrics;
          return [s.label, m?.tasks ?? 0, m?.ap, m?.bwt, m?.fwt, m?.fwtZeroShot, m?.forgetting, s.error];
        }),
      ),
  },
  importance: {
    title: 'Importance per task and unit (CSV)',
    file: 'importance',
    available: (doc) => doc.strategies.some((s) => s.importance?.tasks.length),
    csv: (doc) =>
      toCsv(
        ['strategy', 'task_index', 'task', 'unit', 'score', 'accumulated'],
        doc.strategies.flatMap((s) =>
          (s.importance?.tasks ?? []).flatMap((scores, k) =>
            unitsOf(doc, s)
              .names.filter((u) => u in scores || u in (s.importance?.accumulated[k] ?? {}))
              .map((u): Cell[] => [s.label, k, doc.tasks[k]?.name, u, scores[u], s.importance?.accumulated[k]?.[u]]),
          ),
        ),
      ),
  },
  fusion: {
    title: 'Fusion maps (CSV)',
    file: 'fusion',
    available: (doc) => doc.strategies.some((s) => s.fusions.length),
    csv: (doc) =>
      toCsv(
        ['strategy', 'after_task', 'rule', 'unit', 'prev_weight', 'case'],
        doc.strategies.flatMap((s) =>
          s.fusions.flatMap((f) =>
            unitsOf(doc, s)
              .names.filter((u) => u in f.prevWeight)
              .map((u): Cell[] => [s.label, f.afterTask, f.rule, u, f.prevWeight[u], f.cases?.[u]]),
          ),
        ),
      ),
  },
};
