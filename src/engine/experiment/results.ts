// The results document: what a run computed, the spec that produced it, versioned and validated on import, so the UI
// draws it, export writes it and the CLI prints and merges it.
import { z } from 'zod';
import type { DatasetProvenance } from '../data/datasetCard';
import { unitInfoSchema } from '../kif/unitInfoSchema';
import type { UnitTable } from '../kif/units';
import { limits } from '../limits';
import { migrateResults } from '../run/migrate';
import { restoreUnits } from '../run/restoreUnits';
import type { ContinualMetrics } from '../metrics/continual';
import { parseSpec, type ExperimentSpec } from '../spec/experiment';
import type { FusionReport, UnitScores } from '../strategies/types';
import type { TokenizerRecord } from '../tokenizers/runTokenizer';
import type { Prediction } from '../train/evaluate';

export const RESULTS_FORMAT = 'kif-playground-results';
/** 2: loss curves keep the learning rate and gradient norm of their steps (migrate.ts opens version 1). */
export const RESULTS_VERSION = 2;

export interface LossCurve {
  task: number;
  phase: string;
  /** 1-based step at the end of each averaged bucket. */
  steps: number[];
  losses: number[];
  /** The learning rate and gradient norm at those steps, averaged alike (absent in version 1 documents). */
  lr?: number[];
  gradNorm?: number[];
}

export interface StrategyResult {
  name: string;
  /** Name with the knobs that differ from their defaults, e.g. "kif-hard (gamma=0.5)". */
  label: string;
  /** Every knob, defaults filled in. */
  knobs: Record<string, number | string | boolean>;
  /** Accuracy matrix in percent: row 0 untrained, row k + 1 after task k (fewer rows if the run stopped early). */
  matrix: number[][];
  /** continualMetrics(matrix); null before any task finished. */
  metrics: ContinualMetrics | null;
  /** KIF strategies: unit scores S_k of each task and the accumulated scores A_k after it. */
  importance?: { tasks: UnitScores[]; accumulated: UnitScores[] };
  fusions: FusionReport[];
  losses: LossCurve[];
  /** Evaluations inside tasks (spec.training.evalEvery). */
  curves: { task: number; step: number; scores: number[] }[];
  /** A few predictions per task from the last evaluated row. */
  samples: { task: number; predictions: Prediction[] }[];
  timings: { trainSeconds: number; afterTaskSeconds: number; evalSeconds: number; totalSeconds: number };
  /** Why the strategy stopped early (e.g. a non-finite loss). */
  error?: string;
  /** Units of its own that its scores and fusions are over (kif-lora's adapter ranks); absent: the run's units. */
  units?: UnitTable;
}

export interface ResultsDocument {
  format: typeof RESULTS_FORMAT;
  version: typeof RESULTS_VERSION;
  spec: ExperimentSpec;
  /** The tfjs backend the numbers were computed on. */
  backend: string;
  warnings: string[];
  /** 'val' when the matrix scores the validation split (choosing settings); absent: the test split. */
  evaluatedOn?: 'val';
  /** True when the run was stopped before every strategy finished. */
  stopped: boolean;
  /** The tokenizer every strategy trained, evaluated and decoded with (absent in documents from before it was recorded). */
  model?: { tokenizer: TokenizerRecord };
  /** majorityScore: the best constant answer's score on the same test examples, in percent (majority.ts). */
  tasks: { name: string; scorer: string; steps: number; trainSize: number; testSize: number; majorityScore?: number }[];
  units: UnitTable;
  /** Imported datasets of the queue: where each came from and how many of its records were skipped. */
  datasets?: Record<string, DatasetProvenance>;
  strategies: StrategyResult[];
  timings: { totalSeconds: number };
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
/** A number in [lo, hi]: every number a results document stores has the range its meaning gives it. */
const within = (lo: number, hi: number, what: string) =>
  z.number({ error: `must be ${what}, a number from ${lo} to ${hi}` }).refine((v) => v >= lo && v <= hi, {
    error: (iss) => `must be ${what}, a number from ${lo} to ${hi} (got ${String(iss.input)})`,
  });
/** Test scores are percent. */
export const percentSchema = within(0, 100, 'a score in percent');
/** A difference of two percent scores (BWT, FWT, forgetting). */
const percentDiff = within(-100, 100, 'a difference of scores in percent');
const seconds = within(0, limits.seconds.value, 'a duration in seconds');
/** Every string of a results document: a name, a label, a prediction (as long as a dataset field may be). */
const text = z
  .string()
  .max(limits.fieldChars.value, `must be at most ${limits.fieldChars.value.toLocaleString('en-US')} characters`);
const scores = z.record(text, finite);
const metricsSchema = z.strictObject({
  tasks: z.int().min(1),
  ap: percentSchema,
  bwt: percentDiff.nullable(),
  fwt: percentDiff.nullable(),
  fwtZeroShot: percentSchema.nullable(),
  forgetting: percentDiff.nullable(),
});

/** Records are optional: documents from before they were kept get them from their names (run/restoreUnits.ts). */
const unitTableSchema = z.strictObject({
  granularity: text,
  names: z.array(text),
  infos: z.array(unitInfoSchema).optional(),
});

const strategySchema = z.strictObject({
  name: text.min(1),
  label: text.min(1),
  knobs: z.record(
    text,
    z.union([z.number(), text, z.boolean()], { error: 'must be a number, a string or true/false' }),
  ),
  matrix: z.array(z.array(percentSchema)),
  metrics: metricsSchema.nullable(),
  importance: z.strictObject({ tasks: z.array(scores), accumulated: z.array(scores) }).optional(),
  fusions: z.array(
    z.strictObject({
      afterTask: z.int().min(1),
      rule: text,
      prevWeight: scores,
      cases: z.record(text, z.enum(['shared', 'kept', 'taken', 'averaged'])).optional(),
      thresholds: z.strictObject({ prev: finite, cur: finite }).nullable().optional(),
      frozen: z.array(text).optional(),
      shares: z.record(text, z.array(finite.min(0).max(1))).optional(),
    }),
  ),
  // Cross-entropy is never negative.
  losses: z.array(
    z.strictObject({
      task: z.int().min(0),
      phase: text,
      steps: z.array(z.int().min(1)),
      losses: z.array(within(0, 1e6, 'a loss')),
      lr: z.array(within(0, 1e3, 'a learning rate')).optional(),
      gradNorm: z.array(finite.min(0)).optional(),
    }),
  ),
  curves: z.array(z.strictObject({ task: z.int().min(0), step: z.int().min(1), scores: z.array(percentSchema) })),
  samples: z.array(
    z.strictObject({
      task: z.int().min(0),
      predictions: z.array(
        z.strictObject({ input: text, expected: text, output: text, score: within(0, 1, 'a per-example score') }),
      ),
    }),
  ),
  timings: z.strictObject({
    trainSeconds: seconds,
    afterTaskSeconds: seconds,
    evalSeconds: seconds,
    totalSeconds: seconds,
  }),
  error: text.optional(),
  units: unitTableSchema.optional(),
});

const documentSchema = z.strictObject({
  format: z.literal(RESULTS_FORMAT),
  version: z.literal(RESULTS_VERSION),
  spec: z.unknown(),
  backend: text,
  warnings: z.array(text),
  /** Present when the matrix scores the validation split (settings being chosen), not the test split. */
  evaluatedOn: z.literal('val').optional(),
  stopped: z.boolean(),
  model: z
    .strictObject({ tokenizer: z.strictObject({ kind: text.min(1), vocabSize: z.int().min(1), source: text }) })
    .optional(),
  tasks: z
    .array(
      z.strictObject({
        name: text,
        scorer: text,
        steps: z.int().min(1),
        trainSize: z.int().min(0),
        testSize: z.int().min(0),
        majorityScore: percentSchema.optional(),
      }),
    )
    .min(1),
  units: unitTableSchema,
  datasets: z
    .record(
      text,
      z.strictObject({ source: text, records: z.int().min(0), skipped: z.int().min(0), skippedWhy: text.optional() }),
    )
    .optional(),
  strategies: z.array(strategySchema),
  timings: z.strictObject({ totalSeconds: seconds }),
});

/**
 * A zod issue in words a user reads: zod's own "Invalid input: expected object, received undefined" names neither what
 * is missing nor what was found.
 */
export function issueText(iss: z.core.$ZodIssue): string {
  const a = (t: string) => (t === 'array' ? 'a list' : t === 'object' ? 'an object' : `a ${t}`);
  const typed = /^Invalid input: expected (\w+), received (\w+)$/.exec(iss.message);
  if (typed)
    return typed[2] === 'undefined'
      ? `is required (${a(typed[1])})`
      : `must be ${a(typed[1])} (got ${typed[2] === 'null' ? 'null' : a(typed[2])})`;
  if (iss.code === 'invalid_value') return `must be ${iss.values.map((v) => JSON.stringify(v)).join(' or ')}`;
  if (iss.message === 'Invalid input') return 'is not a value this field takes';
  return iss.message;
}

const pathOf = (path: readonly PropertyKey[]) =>
  path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '') || '(results)';

/** Checks the shape a matrix must have for the document's task count; returns problems. */
function matrixProblems(doc: z.output<typeof documentSchema>): string[] {
  const T = doc.tasks.length;
  return doc.strategies.flatMap((s, i) => {
    const at = `strategies[${i}].matrix`;
    if (s.matrix.length > T + 1) return [`${at}: has ${s.matrix.length} rows, at most ${T + 1} for ${T} tasks`];
    return s.matrix.flatMap((row, r) =>
      row.length === T ? [] : [`${at}[${r}]: has ${row.length} scores, one per task (${T}) expected`],
    );
  });
}

/** Problems of one strategy's results as a saved run or checkpoint keeps them, each starting with `at`; none when valid. */
export function strategyResultProblems(json: unknown, at: string): string[] {
  const r = strategySchema.safeParse(json);
  return r.success
    ? []
    : r.error.issues
        .slice(0, 3)
        .map((iss) => `${at}${pathOf(iss.path) === '(results)' ? '' : `.${pathOf(iss.path)}`}: ${issueText(iss)}`);
}

/** Validates a results document (e.g. an imported file), older versions migrated first; errors name the field. */
export function parseResults(raw: unknown): { ok: true; results: ResultsDocument } | { ok: false; errors: string[] } {
  const json = migrateResults(raw, RESULTS_VERSION);
  const isObj = typeof json === 'object' && json !== null && !Array.isArray(json);
  if (isObj && (json as Record<string, unknown>).format !== RESULTS_FORMAT) {
    return { ok: false, errors: [`format: must be "${RESULTS_FORMAT}" (this is not a results document of this app)`] };
  }
  if (
    isObj &&
    typeof (json as Record<string, unknown>).version === 'number' &&
    ((json as Record<string, unknown>).version as number) > RESULTS_VERSION
  ) {
    return {
      ok: false,
      errors: [
        `version: ${(json as Record<string, unknown>).version} is newer than this app reads (${RESULTS_VERSION})`,
      ],
    };
  }
  const r = documentSchema.safeParse(json);
  if (!r.success) return { ok: false, errors: r.error.issues.map((iss) => `${pathOf(iss.path)}: ${issueText(iss)}`) };
  const spec = parseSpec(r.data.spec);
  if (!spec.ok) return { ok: false, errors: spec.errors.map((e) => `spec.${e}`) };
  const problems = matrixProblems(r.data);
  if (problems.length) return { ok: false, errors: problems };
  const restored = restoreUnits(r.data);
  if (!restored.ok) return restored;
  return { ok: true, results: { ...restored.doc, spec: spec.spec } as ResultsDocument };
}
