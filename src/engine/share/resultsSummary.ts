// The results summary a "share with results" link carries: per strategy the accuracy matrix, the final importance and
// accumulated-importance maps, the last fusion map, and coarse loss and in-task evaluation curves, at a precision a
// viewer needs (everything else of the results document, the samples and earlier tasks' maps, stays in the results
// file). Unit maps are arrays aligned with
// `units.names` (or a strategy's own `units`, kif-lora's adapter ranks); importance is stored min-max scaled to integers
// 0..999 with its range, fusion weights as percents,
// fusion cases as one letter per unit, so a nano model's few hundred units compress to a few kilobytes.
import { z } from 'zod';
import type { FusionCase } from '../kif/fusion';
import { unitTableFromNames } from '../kif/unitNames';
import { continualMetrics } from '../metrics/continual';
import {
  issueText,
  percentSchema,
  RESULTS_FORMAT,
  RESULTS_VERSION,
  type ResultsDocument,
  type StrategyResult,
} from '../experiment/results';
import { downsample } from '../experiment/downsample';
import type { ExperimentSpec } from '../spec/experiment';
import type { FusionReport, UnitScores } from '../strategies/types';

export const SUMMARY_FORMAT = 'kif-playground-summary';
/**
 * 2: loss curves (LINK_CURVE_POINTS bucket means each, 3 significant digits) and in-task evaluation curves. 3: a
 * strategy's own units (kif-lora's), whose maps are aligned with them.
 */
export const SUMMARY_VERSION = 3;
const LINK_CURVE_POINTS = 12;
/** Steps of a scaled importance map: 0 is the map's minimum, IMPORTANCE_LEVELS its maximum. */
const IMPORTANCE_LEVELS = 999;

/** One unit map: `levels[i]` for units.names[i], null where the unit has no score; value = min + level/999·(max − min). */
export interface ScaledMap {
  min: number;
  max: number;
  levels: (number | null)[];
}

/** Unit names by granularity, as a link carries a unit table. */
export interface SummaryUnits {
  granularity: string;
  names: string[];
}

export interface SummaryStrategy {
  name: string;
  label: string;
  /** The strategy's own units (kif-lora's adapter ranks); its maps follow these, not the run's. */
  units?: SummaryUnits;
  /** Accuracy matrix in percent, to 0.01. */
  matrix: number[][];
  /** Importance S of the last task trained and the accumulated scores A after it (KIF strategies). */
  importance?: { task: number; scores: ScaledMap; accumulated: ScaledMap | null };
  /** The last fusion: weight of θ̂_{k−1} per unit in percent (null: no weight), and the hard rule's cases. */
  fusion?: {
    afterTask: number;
    rule: string;
    prevWeight: (number | null)[];
    cases?: string;
    thresholds?: { prev: number; cur: number } | null;
  };
  /** Loss curves as bucket means (absent in version 1 links). */
  losses?: { task: number; phase: string; steps: number[]; losses: number[] }[];
  /** In-task evaluations, scores to 0.1. */
  curves?: { task: number; step: number; scores: number[] }[];
  error?: string;
}

export interface ResultsSummary {
  format: typeof SUMMARY_FORMAT;
  version: 1 | 2 | typeof SUMMARY_VERSION;
  backend: string;
  stopped: boolean;
  tasks: { name: string; scorer: string }[];
  units: SummaryUnits;
  strategies: SummaryStrategy[];
}

// ---- building ----

const caseLetters: Record<FusionCase, string> = { shared: 's', kept: 'k', taken: 't', averaged: 'a' };
const letterCases = Object.fromEntries(Object.entries(caseLetters).map(([c, l]) => [l, c])) as Record<
  string,
  FusionCase
>;
/** Letter for a unit the fusion report gives no case. */
const NO_CASE = '-';

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};
/** Six significant digits: enough for a range, short in JSON. */
const sig = (x: number) => Number(x.toPrecision(6));

function scaleMap(scores: UnitScores, names: readonly string[]): ScaledMap {
  const values = names.map((n) => scores[n]).filter((v): v is number => Number.isFinite(v));
  const min = values.length ? sig(Math.min(...values)) : 0;
  const max = values.length ? sig(Math.max(...values)) : 0;
  const span = max - min;
  const levels = names.map((n) => {
    const v = scores[n];
    if (!Number.isFinite(v)) return null;
    return span > 0 ? Math.min(IMPORTANCE_LEVELS, Math.max(0, Math.round(((v - min) / span) * IMPORTANCE_LEVELS))) : 0;
  });
  return { min, max, levels };
}

function summarizeFusion(f: FusionReport, names: readonly string[]): NonNullable<SummaryStrategy['fusion']> {
  const prevWeight = names.map((n) => (Number.isFinite(f.prevWeight[n]) ? Math.round(f.prevWeight[n] * 100) : null));
  const out: NonNullable<SummaryStrategy['fusion']> = { afterTask: f.afterTask, rule: f.rule, prevWeight };
  if (f.cases) out.cases = names.map((n) => (f.cases?.[n] ? caseLetters[f.cases[n]] : NO_CASE)).join('');
  if (f.thresholds !== undefined)
    out.thresholds = f.thresholds && { prev: sig(f.thresholds.prev), cur: sig(f.thresholds.cur) };
  return out;
}

function summarizeStrategy(s: StrategyResult, runNames: readonly string[]): SummaryStrategy {
  const names = s.units?.names ?? runNames;
  const out: SummaryStrategy = {
    name: s.name,
    label: s.label,
    ...(s.units ? { units: { granularity: s.units.granularity, names: [...s.units.names] } } : {}),
    matrix: s.matrix.map((row) => row.map((x) => round(x, 2))),
  };
  const tasks = s.importance?.tasks ?? [];
  if (tasks.length) {
    const k = tasks.length - 1;
    const acc = s.importance?.accumulated[k];
    out.importance = { task: k, scores: scaleMap(tasks[k], names), accumulated: acc ? scaleMap(acc, names) : null };
  }
  const fusion = s.fusions[s.fusions.length - 1];
  if (fusion) out.fusion = summarizeFusion(fusion, names);
  if (s.losses.length) {
    out.losses = s.losses.map((c) => {
      // Bucket means of the stored points, each stamped with its bucket's last step.
      const { steps: at, losses } = downsample(c.losses, LINK_CURVE_POINTS);
      return {
        task: c.task,
        phase: c.phase,
        steps: at.map((i) => c.steps[i - 1]),
        losses: losses.map((l) => Number(l.toPrecision(3))),
      };
    });
  }
  if (s.curves.length)
    out.curves = s.curves.map((c) => ({ task: c.task, step: c.step, scores: c.scores.map((x) => round(x, 1)) }));
  if (s.error !== undefined) out.error = s.error;
  return out;
}

/** The summary of a results document, rounded as a link carries it (so summary → link → summary is exact). */
export function summarizeResults(doc: ResultsDocument): ResultsSummary {
  const names = doc.units.names;
  return {
    format: SUMMARY_FORMAT,
    version: SUMMARY_VERSION,
    backend: doc.backend,
    stopped: doc.stopped,
    tasks: doc.tasks.map((t) => ({ name: t.name, scorer: t.scorer })),
    units: { granularity: doc.units.granularity, names: [...names] },
    strategies: doc.strategies.map((s) => summarizeStrategy(s, names)),
  };
}

// ---- reading ----

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const level = z.int().min(0).max(IMPORTANCE_LEVELS).nullable();
const scaledMapSchema = z.strictObject({ min: finite, max: finite, levels: z.array(level).max(100_000) });
const text = (max: number) => z.string().max(max);
const unitsSchema = z.strictObject({ granularity: text(64), names: z.array(text(300)).max(100_000) });

const summarySchema = z.strictObject({
  format: z.literal(SUMMARY_FORMAT),
  version: z.union([z.literal(1), z.literal(2), z.literal(SUMMARY_VERSION)]),
  backend: text(64),
  stopped: z.boolean(),
  tasks: z
    .array(z.strictObject({ name: text(200), scorer: text(64) }))
    .min(1)
    .max(50),
  units: unitsSchema,
  strategies: z
    .array(
      z.strictObject({
        name: text(64).min(1),
        label: text(300).min(1),
        units: unitsSchema.optional(),
        matrix: z.array(z.array(percentSchema).max(50)).max(51),
        importance: z
          .strictObject({
            task: z.int().min(0).max(49),
            scores: scaledMapSchema,
            accumulated: scaledMapSchema.nullable(),
          })
          .optional(),
        fusion: z
          .strictObject({
            afterTask: z.int().min(1).max(50),
            rule: text(64),
            prevWeight: z.array(z.int().min(0).max(100).nullable()).max(100_000),
            cases: z
              .string()
              .regex(/^[sakt-]*$/, 'must hold one of the letters s, k, t, a, - per unit')
              .optional(),
            thresholds: z.strictObject({ prev: finite, cur: finite }).nullable().optional(),
          })
          .optional(),
        losses: z
          .array(
            z.strictObject({
              task: z.int().min(0).max(49),
              phase: text(64),
              steps: z.array(z.int().min(1)).max(1000),
              losses: z.array(finite.min(0)).max(1000),
            }),
          )
          .max(500)
          .optional(),
        curves: z
          .array(
            z.strictObject({
              task: z.int().min(0).max(49),
              step: z.int().min(1),
              scores: z.array(percentSchema).max(50),
            }),
          )
          .max(5000)
          .optional(),
        error: text(2000).optional(),
      }),
    )
    .max(16),
});

const pathOf = (path: readonly PropertyKey[]) =>
  path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '') || '(summary)';

/**
 * Problems of a shape the schema cannot state: every unit map as long as its unit list (the strategy's own or the
 * run's), every matrix row one per task.
 */
function alignmentProblems(s: ResultsSummary): string[] {
  const T = s.tasks.length;
  return s.strategies.flatMap((st, i) => {
    const U = (st.units ?? s.units).names.length;
    const at = `strategies[${i}]`;
    const out: string[] = [];
    if (st.matrix.length > T + 1)
      out.push(`${at}.matrix: has ${st.matrix.length} rows, at most ${T + 1} for ${T} tasks`);
    st.matrix.forEach(
      (row, r) =>
        row.length !== T && out.push(`${at}.matrix[${r}]: has ${row.length} scores, one per task (${T}) expected`),
    );
    const maps: [string, { length: number } | undefined][] = [
      ['importance.scores.levels', st.importance?.scores.levels],
      ['importance.accumulated.levels', st.importance?.accumulated?.levels],
      ['fusion.prevWeight', st.fusion?.prevWeight],
      ['fusion.cases', st.fusion?.cases],
    ];
    for (const [name, v] of maps)
      if (v && v.length !== U) out.push(`${at}.${name}: has ${v.length} entries, one per unit (${U}) expected`);
    st.losses?.forEach(
      (c, j) =>
        c.steps.length !== c.losses.length &&
        out.push(`${at}.losses[${j}]: has ${c.steps.length} steps and ${c.losses.length} losses`),
    );
    if (st.importance && st.importance.task >= T)
      out.push(`${at}.importance.task: ${st.importance.task} is not a task of this run (${T} tasks)`);
    return out;
  });
}

export function parseSummary(json: unknown): { ok: true; summary: ResultsSummary } | { ok: false; errors: string[] } {
  const isObj = typeof json === 'object' && json !== null && !Array.isArray(json);
  const version = isObj ? (json as Record<string, unknown>).version : undefined;
  if (typeof version === 'number' && version > SUMMARY_VERSION) {
    return {
      ok: false,
      errors: [
        `version: ${version} is newer than this app reads (${SUMMARY_VERSION}); update the app to see these results`,
      ],
    };
  }
  const r = summarySchema.safeParse(json);
  if (!r.success)
    return { ok: false, errors: r.error.issues.slice(0, 5).map((iss) => `${pathOf(iss.path)}: ${issueText(iss)}`) };
  const summary = r.data as ResultsSummary;
  const problems = alignmentProblems(summary);
  return problems.length ? { ok: false, errors: problems.slice(0, 5) } : { ok: true, summary };
}

// ---- back to a results document, for the views ----

/** Note the app shows beside results that came from a link. */
export const SUMMARY_NOTE =
  'These results came with a shared link: a summary (accuracy matrices, metrics, the last importance and fusion maps, coarse loss curves). Samples, full curves and earlier maps are in the results file; run the experiment to compute them all.';

function unscale(m: ScaledMap, names: readonly string[]): UnitScores {
  const out: UnitScores = {};
  m.levels.forEach((l, i) => {
    if (l !== null) out[names[i]] = m.min + (l / IMPORTANCE_LEVELS) * (m.max - m.min);
  });
  return out;
}

function expandStrategy(s: SummaryStrategy, runNames: readonly string[], T: number): StrategyResult {
  const names = s.units?.names ?? runNames;
  const out: StrategyResult = {
    name: s.name,
    label: s.label,
    // Names only, like the run's: their records come back through the name door.
    ...(s.units ? { units: unitTableFromNames(s.units.granularity, s.units.names) } : {}),
    knobs: {},
    matrix: s.matrix,
    // Recomputed from the rounded matrix, so they agree with the table the viewer sees.
    metrics: s.matrix.length >= 2 ? continualMetrics(s.matrix) : null,
    fusions: [],
    losses: s.losses ?? [],
    curves: s.curves ?? [],
    samples: [],
    timings: { trainSeconds: 0, afterTaskSeconds: 0, evalSeconds: 0, totalSeconds: 0 },
  };
  if (s.importance) {
    // Maps of earlier tasks are not in a summary: those entries stay empty tables.
    const k = Math.min(s.importance.task, T - 1);
    const tasks: UnitScores[] = Array.from({ length: k + 1 }, () => ({}));
    const accumulated: UnitScores[] = Array.from({ length: k + 1 }, () => ({}));
    tasks[k] = unscale(s.importance.scores, names);
    if (s.importance.accumulated) accumulated[k] = unscale(s.importance.accumulated, names);
    out.importance = { tasks, accumulated };
  }
  if (s.fusion) {
    const f = s.fusion;
    const prevWeight: UnitScores = {};
    f.prevWeight.forEach((w, i) => w !== null && (prevWeight[names[i]] = w / 100));
    const report: FusionReport = { afterTask: f.afterTask, rule: f.rule, prevWeight };
    if (f.cases !== undefined) {
      report.cases = {};
      [...f.cases].forEach((c, i) => c !== NO_CASE && (report.cases![names[i]] = letterCases[c]));
    }
    if (f.thresholds !== undefined) report.thresholds = f.thresholds;
    out.fusions = [report];
  }
  if (s.error !== undefined) out.error = s.error;
  return out;
}

/** A results document the views can draw from a summary and the spec that came with it; marked as a summary in `warnings`. */
export function resultsFromSummary(summary: ResultsSummary, spec: ExperimentSpec): ResultsDocument {
  const names = summary.units.names;
  const T = summary.tasks.length;
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    spec,
    backend: summary.backend,
    warnings: [SUMMARY_NOTE],
    stopped: summary.stopped,
    tasks: summary.tasks.map((t, i) => ({
      name: t.name,
      scorer: t.scorer,
      steps: spec.tasks[i]?.steps ?? 1,
      trainSize: spec.tasks[i]?.trainSize ?? 0,
      testSize: spec.tasks[i]?.testSize ?? 0,
    })),
    // A link carries names only: their records come back through the name door.
    units: unitTableFromNames(summary.units.granularity, names),
    strategies: summary.strategies.map((s) => expandStrategy(s, names, T)),
    timings: { totalSeconds: 0 },
  };
}
