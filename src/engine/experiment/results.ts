// The results document: what a run computed, the spec that produced it, versioned and validated on import, so the UI
// draws it, export writes it and the CLI prints and merges it.
import { z } from 'zod';
import type { ContinualMetrics } from '../metrics/continual';
import { parseSpec, type ExperimentSpec } from '../spec/experiment';
import type { FusionReport, UnitScores } from '../strategies/types';
import type { TokenizerRecord } from '../tokenizers/runTokenizer';
import type { Prediction } from '../train/evaluate';

export const RESULTS_FORMAT = 'kif-playground-results';
export const RESULTS_VERSION = 1;

export interface LossCurve {
  task: number;
  phase: string;
  /** 1-based step at the end of each averaged bucket. */
  steps: number[];
  losses: number[];
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
  units: { granularity: string; names: string[] };
  strategies: StrategyResult[];
  timings: { totalSeconds: number };
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const nullable = finite.nullable();
const scores = z.record(z.string(), finite);
const metricsSchema = z.strictObject({ tasks: z.int().min(1), ap: finite, bwt: nullable, fwt: nullable, fwtZeroShot: nullable, forgetting: nullable });

const strategySchema = z.strictObject({
  name: z.string().min(1),
  label: z.string().min(1),
  knobs: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  matrix: z.array(z.array(finite)),
  metrics: metricsSchema.nullable(),
  importance: z.strictObject({ tasks: z.array(scores), accumulated: z.array(scores) }).optional(),
  fusions: z.array(
    z.strictObject({
      afterTask: z.int().min(1),
      rule: z.string(),
      prevWeight: scores,
      cases: z.record(z.string(), z.enum(['shared', 'kept', 'taken', 'averaged'])).optional(),
      thresholds: z.strictObject({ prev: finite, cur: finite }).nullable().optional(),
      frozen: z.array(z.string()).optional(),
    }),
  ),
  losses: z.array(z.strictObject({ task: z.int().min(0), phase: z.string(), steps: z.array(z.int().min(1)), losses: z.array(finite) })),
  curves: z.array(z.strictObject({ task: z.int().min(0), step: z.int().min(1), scores: z.array(finite) })),
  samples: z.array(
    z.strictObject({
      task: z.int().min(0),
      predictions: z.array(z.strictObject({ input: z.string(), expected: z.string(), output: z.string(), score: finite })),
    }),
  ),
  timings: z.strictObject({ trainSeconds: finite, afterTaskSeconds: finite, evalSeconds: finite, totalSeconds: finite }),
  error: z.string().optional(),
});

const documentSchema = z.strictObject({
  format: z.literal(RESULTS_FORMAT),
  version: z.literal(RESULTS_VERSION),
  spec: z.unknown(),
  backend: z.string(),
  warnings: z.array(z.string()),
  /** Present when the matrix scores the validation split (settings being chosen), not the test split. */
  evaluatedOn: z.literal('val').optional(),
  stopped: z.boolean(),
  model: z.strictObject({ tokenizer: z.strictObject({ kind: z.string().min(1), vocabSize: z.int().min(1), source: z.string() }) }).optional(),
  tasks: z
    .array(z.strictObject({ name: z.string(), scorer: z.string(), steps: z.int().min(1), trainSize: z.int().min(0), testSize: z.int().min(0), majorityScore: finite.optional() }))
    .min(1),
  units: z.strictObject({ granularity: z.string(), names: z.array(z.string()) }),
  strategies: z.array(strategySchema),
  timings: z.strictObject({ totalSeconds: finite }),
});

const pathOf = (path: readonly PropertyKey[]) => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(results)';

/** Checks the shape a matrix must have for the document's task count; returns problems. */
function matrixProblems(doc: z.output<typeof documentSchema>): string[] {
  const T = doc.tasks.length;
  return doc.strategies.flatMap((s, i) => {
    const at = `strategies[${i}].matrix`;
    if (s.matrix.length > T + 1) return [`${at}: has ${s.matrix.length} rows, at most ${T + 1} for ${T} tasks`];
    return s.matrix.flatMap((row, r) => (row.length === T ? [] : [`${at}[${r}]: has ${row.length} scores, one per task (${T}) expected`]));
  });
}

/** Validates a results document (e.g. an imported file); errors name the field. */
export function parseResults(json: unknown): { ok: true; results: ResultsDocument } | { ok: false; errors: string[] } {
  const isObj = typeof json === 'object' && json !== null && !Array.isArray(json);
  if (isObj && (json as Record<string, unknown>).format !== RESULTS_FORMAT) {
    return { ok: false, errors: [`format: must be "${RESULTS_FORMAT}" (this is not a results document of this app)`] };
  }
  if (isObj && typeof (json as Record<string, unknown>).version === 'number' && ((json as Record<string, unknown>).version as number) > RESULTS_VERSION) {
    return { ok: false, errors: [`version: ${(json as Record<string, unknown>).version} is newer than this app reads (${RESULTS_VERSION})`] };
  }
  const r = documentSchema.safeParse(json);
  if (!r.success) return { ok: false, errors: r.error.issues.map((iss) => `${pathOf(iss.path)}: ${iss.message}`) };
  const spec = parseSpec(r.data.spec);
  if (!spec.ok) return { ok: false, errors: spec.errors.map((e) => `spec.${e}`) };
  const problems = matrixProblems(r.data);
  if (problems.length) return { ok: false, errors: problems };
  return { ok: true, results: { ...r.data, spec: spec.spec } as ResultsDocument };
}
