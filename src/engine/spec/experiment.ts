// The experiment spec: one versioned, validated JSON document that the UI edits, share links carry, the CLI runs
// and results embed. Every problem is reported with the path of its field, e.g. `tasks[2].steps: ...`.
import { z } from 'zod';
import { CONTENT_HASH } from '../io/checkpointHash';
import { limits, overLimit } from '../limits';
import { presets, type T5Config } from '../model/config';
import { paramCount } from '../model/paramSpec';
import { hasTask, taskNames } from '../tasks/registry';

export const SPEC_VERSION = 1;

// ---- field helpers: each states its own bounds, so a silly value is refused with the range it should be in ----

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}

/** Error text for a value of the wrong type: "is required" when absent. */
const typeError = (expected: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? 'is required' : `must be ${expected} (got ${describe(iss.input)})`;

function int(lo: number, hi: number) {
  const range = lo === 1 ? `a positive integer up to ${hi}` : `an integer from ${lo} to ${hi}`;
  return z.number({ error: typeError(range) }).refine((v) => Number.isInteger(v) && v >= lo && v <= hi, {
    error: (iss) => `must be ${range} (got ${describe(iss.input)})`,
  });
}

/** A real number in [lo, hi], or (lo, hi] when `aboveLo`. */
function real(lo: number, hi: number, aboveLo = false) {
  const range = aboveLo ? `a number above ${lo} and at most ${hi}` : `a number from ${lo} to ${hi}`;
  return z.number({ error: typeError(range) }).refine((v) => (aboveLo ? v > lo : v >= lo) && v <= hi, {
    error: (iss) => `must be ${range} (got ${describe(iss.input)})`,
  });
}

const text = (max: number) =>
  z
    .string({ error: typeError('a string') })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: typeError(`one of ${values.map((v) => `"${v}"`).join(', ')}`) });

const object = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape, { error: typeError('an object') });

const list = <T extends z.ZodType>(item: T, what: string, max: number) =>
  z
    .array(item, { error: typeError('a list') })
    .min(1, `must list at least one ${what}`)
    .max(max, `must list at most ${max} ${what}s`);

// ---- the schema ----

const presetName = z.string({ error: typeError('a preset name') }).refine((n) => Object.hasOwn(presets, n), {
  error: (iss) => `unknown preset ${describe(iss.input)}; known: ${Object.keys(presets).join(', ')}`,
});

// Bounds keep a shared link from asking a browser for an absurd model; t5-small is well inside them.
const configSchema = object({
  vocabSize: int(1, limits.vocab.value),
  dModel: int(1, 4096),
  dKv: int(1, 1024),
  numHeads: int(1, 128),
  dFf: int(1, 32_768),
  numLayers: int(1, limits.layers.value),
  numDecoderLayers: int(1, limits.layers.value),
  ffn: oneOf(['relu', 'gated-gelu']),
  tieEmbeddings: z.boolean({ error: typeError('true or false') }),
  relBuckets: int(1, 1024),
  relMaxDistance: int(1, 65_536),
  layerNormEps: real(0, 0.1, true),
  dropout: real(0, 0.9),
}) satisfies z.ZodType<T5Config>;

/** A Hugging Face checkpoint folder: a path (CLI) or an http(s) URL; the run takes its config, weights and tokenizer. */
const checkpointSource = text(2000);

/** The checkpoint's content hash (checkpointHash.ts), which a share link carries so that opening it can tell when the URL now serves other files. */
const contentHash = z
  .string({ error: typeError('a content hash') })
  .regex(CONTENT_HASH, 'must be a content hash: 64 lowercase hex digits (SHA-256)');

const modelSchema = object({
  preset: presetName.optional(),
  config: configSchema.optional(),
  checkpoint: checkpointSource.optional(),
  sha256: contentHash.optional(),
})
  .refine((m) => [m.preset, m.config, m.checkpoint].filter((v) => v !== undefined).length === 1, {
    error:
      'must give exactly one of "preset" (a preset name), "config" (every T5 config field) or "checkpoint" (a checkpoint folder path or URL)',
  })
  .refine((m) => m.sha256 === undefined || m.checkpoint !== undefined, {
    error: '"sha256" is the content hash of a checkpoint, so it needs "checkpoint"',
  })
  .transform((m): { preset: string } | { config: T5Config } | { checkpoint: string; sha256?: string } =>
    m.config
      ? { config: m.config }
      : m.checkpoint !== undefined
        ? { checkpoint: m.checkpoint, ...(m.sha256 ? { sha256: m.sha256 } : {}) }
        : { preset: m.preset as string },
  );

const taskName = z.string().refine(hasTask, {
  error: (iss) => `unknown task ${describe(iss.input)}; built-in tasks: ${taskNames().join(', ')}`,
});

const MAX_STEPS = 100_000;
const taskEntrySchema = object({
  task: z.union([taskName, object({ dataset: text(200) })], {
    error: 'must be a built-in task name or {"dataset": "<imported dataset id>"}',
  }),
  steps: int(1, MAX_STEPS),
  trainSize: int(1, 100_000),
  testSize: int(1, 10_000),
});

const MAX_KNOBS = 64;
const knobsSchema = z
  .record(
    z
      .string()
      .regex(
        /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/,
        'is not a valid knob name (a letter, then up to 63 letters, digits, _ . -)',
      ),
    z.union([z.number(), z.string().max(200), z.boolean()], {
      error: 'must be a finite number, a string of at most 200 characters, or true/false',
    }),
    { error: typeError('an object of knob values') },
  )
  .refine((k) => Object.keys(k).length <= MAX_KNOBS, `must have at most ${MAX_KNOBS} knobs`);

const strategySchema = object({
  name: text(64).regex(/^[a-z][a-z0-9-]*$/, 'must be a strategy name: lowercase letters, digits and "-"'),
  knobs: knobsSchema.default({}),
});

const trainingSchema = object({
  lr: real(0, 1, true),
  warmupSteps: int(0, 100_000),
  weightDecay: real(0, 1),
  batchSize: int(1, 1024),
  /** 0 turns clipping off. */
  clipNorm: real(0, 1000),
  maxInputLen: int(1, 4096),
  maxOutputLen: int(1, 1024),
  /** Steps between test evaluations inside a task; 0 evaluates only after each task. */
  evalEvery: int(0, 100_000),
});

const unitsSchema = object({
  granularity: oneOf(['tensor', 'head-neuron', 'lora-rank']),
  /** FFN neurons per unit for 'head-neuron'. */
  blockSize: int(1, 4096),
});

/**
 * Why `value` is not a valid `training[field]` (or `seed`), in the schema's own words, or null: the page's fields check
 * with this, so every bound is written once, here.
 */
export function specFieldProblem(field: keyof typeof trainingSchema.shape | 'seed', value: unknown): string | null {
  return firstProblem(field === 'seed' ? seedSchema : trainingSchema.shape[field], value);
}

/** Why `value` is not a valid task entry's `field` (steps, example counts), in the schema's words, or null. */
export function taskFieldProblem(field: 'steps' | 'trainSize' | 'testSize', value: unknown): string | null {
  return firstProblem(taskEntrySchema.shape[field], value);
}

function firstProblem(schema: z.ZodType, value: unknown): string | null {
  const r = schema.safeParse(value);
  return r.success ? null : r.error.issues[0].message;
}

const seedSchema = int(0, 0xffffffff);

export const specSchema = object({
  version: z.literal(SPEC_VERSION),
  name: text(200).optional(),
  model: modelSchema,
  init: oneOf(['scratch', 'pretrained']).default('pretrained'),
  backend: oneOf(['auto', 'webgpu', 'webgl', 'wasm', 'cpu']).default('auto'),
  seed: seedSchema,
  tasks: list(taskEntrySchema, 'task', 50),
  strategies: list(strategySchema, 'strategy', 16),
  training: trainingSchema,
  units: unitsSchema.default({ granularity: 'tensor', blockSize: 16 }),
}).superRefine((spec, ctx) => {
  // Each field is bounded, but not their products: a model or a batch no tab could hold is refused here. Zod runs this
  // even when a field failed, so only parts that parsed on their own are multiplied.
  const model = spec.model as { preset?: unknown; config?: unknown } | undefined;
  const config =
    configSchema.safeParse(model?.config).data ??
    (typeof model?.preset === 'string' && Object.hasOwn(presets, model.preset) ? presets[model.preset] : undefined);
  const params = config ? paramCount(config) : 0;
  if (params > limits.params.value)
    ctx.addIssue({
      code: 'custom',
      path: ['model', 'config'],
      message: `the model has ${overLimit('params', params)}`,
    });
  const t = trainingSchema.safeParse(spec.training).data;
  const tokens = t ? t.batchSize * (t.maxInputLen + t.maxOutputLen) : 0;
  if (t && tokens > limits.batchTokens.value) {
    ctx.addIssue({
      code: 'custom',
      path: ['training'],
      message: `batch ${t.batchSize} × (${t.maxInputLen} + ${t.maxOutputLen}) tokens = ${overLimit('batchTokens', tokens)}`,
    });
  }
});

export type ExperimentSpec = z.output<typeof specSchema>;
/** What a caller may write: defaulted fields (init, backend, units, knobs) may be left out. */
export type ExperimentSpecInput = z.input<typeof specSchema>;
export type ModelSpec = ExperimentSpec['model'];
export type TaskEntry = ExperimentSpec['tasks'][number];
export type StrategySpec = ExperimentSpec['strategies'][number];
export type TrainingSpec = ExperimentSpec['training'];
export type UnitsSpec = ExperimentSpec['units'];
export type Backend = ExperimentSpec['backend'];
export type UnitGranularity = UnitsSpec['granularity'];

// ---- versions ----

/** Rewrites a document of version N into version N + 1 (the version field is set by migrateSpec). */
export type SpecMigration = (doc: Record<string, unknown>) => Record<string, unknown>;

/** Migration from version N (the key) to N + 1. Empty while version 1 is the only version; add one per change. */
export const specMigrations: Readonly<Record<number, SpecMigration>> = {};

export type SpecResult<T> = ({ ok: true } & T) | { ok: false; errors: string[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Brings a document of any older version up to SPEC_VERSION; refuses newer versions. Does not validate the rest. */
export function migrateSpec(
  json: unknown,
  migrations: Readonly<Record<number, SpecMigration>> = specMigrations,
): SpecResult<{ doc: Record<string, unknown> }> {
  const fail = (e: string) => ({ ok: false as const, errors: [e] });
  if (!isObject(json)) return fail(`(spec): must be a JSON object (got ${describe(json)})`);
  let version = json.version;
  if (version === undefined) return fail(`version: is required (this app writes version ${SPEC_VERSION})`);
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0)
    return fail(`version: must be a non-negative integer (got ${describe(version)})`);
  if (version > SPEC_VERSION) {
    return fail(
      `version: ${version} is newer than this app understands (it reads versions up to ${SPEC_VERSION}); update the app to open this experiment`,
    );
  }
  let doc = json;
  for (; version < SPEC_VERSION; version++) {
    const step = migrations[version];
    if (!step)
      return fail(
        `version: ${version} is no longer supported (no migration from version ${version} to ${version + 1})`,
      );
    try {
      doc = { ...step(doc), version: version + 1 };
    } catch (e) {
      return fail(`version: migrating from version ${version} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { ok: true, doc };
}

export function parseSpec(
  json: unknown,
  migrations?: Readonly<Record<number, SpecMigration>>,
): SpecResult<{ spec: ExperimentSpec }> {
  const migrated = migrateSpec(json, migrations);
  if (!migrated.ok) return migrated;
  const r = specSchema.safeParse(migrated.doc);
  return r.success ? { ok: true, spec: r.data } : { ok: false, errors: formatIssues(r.error.issues, []) };
}

/** parseSpec for text (a pasted document, a decoded share link, a file). */
export function parseSpecJson(textValue: string): SpecResult<{ spec: ExperimentSpec }> {
  let json: unknown;
  try {
    json = JSON.parse(textValue);
  } catch (e) {
    return { ok: false, errors: [`(spec): not valid JSON: ${e instanceof Error ? e.message : String(e)}`] };
  }
  return parseSpec(json);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(String(p))) out += out ? `.${String(p)}` : String(p);
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out || '(spec)';
}

function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): string[] {
  return issues.flatMap((iss) => {
    const path = [...prefix, ...iss.path];
    if (iss.code === 'unrecognized_keys') return iss.keys.map((k) => `${formatPath([...path, k])}: unknown field`);
    if (iss.code === 'invalid_key') return [`${formatPath(path)}: ${iss.issues.map((i) => i.message).join('; ')}`];
    if (iss.code === 'invalid_union') {
      // Report the one branch whose shape the value has (not refused for its type or keys); else the union's summary.
      const fits = iss.errors.filter(
        (branch) =>
          !branch.some((b) => b.path.length === 0 && (b.code === 'invalid_type' || b.code === 'unrecognized_keys')),
      );
      if (fits.length === 1) return formatIssues(fits[0], path);
    }
    return [`${formatPath(path)}: ${iss.message}`];
  });
}

// ---- defaults ----

/** Playground defaults: small byte-level models from a pretrained base learn faster at a larger lr (KIF.md §5, §9). */
export const defaultTraining: TrainingSpec = {
  lr: 1e-3,
  warmupSteps: 50,
  weightDecay: 0.01,
  batchSize: 32,
  clipNorm: 1,
  maxInputLen: 64,
  maxOutputLen: 16,
  evalEvery: 100,
};

/**
 * The reference code's settings (KIF.md §5): AdamW lr 3e-4, 50 warm-up steps, weight decay 0.01, batch 8, clip 1.0.
 * Sequence lengths are not in §5; 512 / 50 are the source / target lengths of the Long Sequence training scripts.
 */
export const paperTrainingDefaults: TrainingSpec = {
  lr: 3e-4,
  warmupSteps: 50,
  weightDecay: 0.01,
  batchSize: 8,
  clipNorm: 1,
  maxInputLen: 512,
  maxOutputLen: 50,
  evalEvery: 0,
};
export const PAPER_SEED = 42;
export const PAPER_EPOCHS = 5;

/** Optimizer steps for `epochs` passes over `trainSize` examples. */
export const epochSteps = (trainSize: number, batchSize: number, epochs: number) =>
  Math.ceil(trainSize / batchSize) * epochs;

/** The spec with the paper's training settings, seed and 5 epochs per task: the "paper defaults" button. */
export function withPaperDefaults(spec: ExperimentSpec): ExperimentSpec {
  const training = { ...paperTrainingDefaults };
  return {
    ...spec,
    seed: PAPER_SEED,
    training,
    tasks: spec.tasks.map((t) => ({
      ...t,
      steps: Math.min(MAX_STEPS, epochSteps(t.trainSize, training.batchSize, PAPER_EPOCHS)),
    })),
  };
}

export const taskEntry = (task: TaskEntry['task'], over: Partial<Omit<TaskEntry, 'task'>> = {}): TaskEntry => ({
  task,
  steps: 400,
  trainSize: 2000,
  testSize: 200,
  ...over,
});

/** The demo of KIF.md §9: a pretrained nano model learns rvsh, shso, rv; sequential fine-tuning against KIF. */
export function defaultSpec(): ExperimentSpec {
  return {
    version: SPEC_VERSION,
    name: 'Compositions on a pretrained nano T5',
    model: { preset: 'nano' },
    init: 'pretrained',
    backend: 'auto',
    seed: 42,
    tasks: ['rvsh', 'shso', 'rv'].map((t) => taskEntry(t)),
    strategies: [
      { name: 'seqft', knobs: {} },
      { name: 'kif-hard', knobs: {} },
    ],
    training: { ...defaultTraining },
    units: { granularity: 'head-neuron', blockSize: 16 },
  };
}
