import { describe, expect, it } from 'vitest';
import { presets } from '../src/engine/model/config';
import {
  defaultSpec,
  defaultTraining,
  epochSteps,
  migrateSpec,
  paperTrainingDefaults,
  parseSpec,
  parseSpecJson,
  SPEC_VERSION,
  taskEntry,
  withPaperDefaults,
  type ExperimentSpec,
} from '../src/engine/spec/experiment';

/** A JSON copy of the default spec, changed by `edit`, the way a share link or file would arrive. */
function edited(edit: (s: any) => void): unknown {
  const s = JSON.parse(JSON.stringify(defaultSpec()));
  edit(s);
  return s;
}

const errorsOf = (json: unknown) => {
  const r = parseSpec(json);
  if (r.ok) throw new Error('expected the spec to be refused');
  return r.errors;
};

describe('round trip', () => {
  it('the default spec survives JSON and parses to itself', () => {
    const spec = defaultSpec();
    const r = parseSpec(JSON.parse(JSON.stringify(spec)));
    expect(r).toEqual({ ok: true, spec });
    expect(parseSpecJson(JSON.stringify(spec))).toEqual({ ok: true, spec });
  });

  it('a spec with a full model config and a dataset task round-trips', () => {
    const spec: ExperimentSpec = {
      ...defaultSpec(),
      model: { config: { ...presets.micro } },
      tasks: [taskEntry('sentiment'), taskEntry({ dataset: 'sst-2' }, { steps: 1000, trainSize: 1000, testSize: 500 })],
      strategies: [{ name: 'kif', knobs: { gamma: 0.7, rule: 'hard', secondOrder: false } }],
    };
    const r = parseSpec(JSON.parse(JSON.stringify(spec)));
    expect(r).toEqual({ ok: true, spec });
  });

  it('fills the defaulted fields of a minimal document', () => {
    const r = parseSpec({
      version: 1,
      model: { preset: 'nano' },
      seed: 0,
      tasks: [{ task: 'reverse', steps: 10, trainSize: 100, testSize: 20 }],
      strategies: [{ name: 'seqft' }],
      training: defaultTraining,
    });
    expect(
      r.ok && { init: r.spec.init, backend: r.spec.backend, units: r.spec.units, knobs: r.spec.strategies[0].knobs },
    ).toEqual({
      init: 'pretrained',
      backend: 'auto',
      units: { granularity: 'tensor', blockSize: 16 },
      knobs: {},
    });
  });
});

describe('invalid values name their field', () => {
  it.each([
    ['steps 0', (s: any) => (s.tasks[2].steps = 0), 'tasks[2].steps: must be a positive integer up to 100000 (got 0)'],
    [
      'steps too many',
      (s: any) => (s.tasks[0].steps = 100_001),
      'tasks[0].steps: must be a positive integer up to 100000 (got 100001)',
    ],
    [
      'steps fractional',
      (s: any) => (s.tasks[1].steps = 2.5),
      'tasks[1].steps: must be a positive integer up to 100000 (got 2.5)',
    ],
    [
      'steps a string',
      (s: any) => (s.tasks[1].steps = '10'),
      'tasks[1].steps: must be a positive integer up to 100000 (got "10")',
    ],
    ['trainSize missing', (s: any) => delete s.tasks[0].trainSize, 'tasks[0].trainSize: is required'],
    [
      'testSize huge',
      (s: any) => (s.tasks[0].testSize = 1e6),
      'tasks[0].testSize: must be a positive integer up to 10000 (got 1000000)',
    ],
    [
      'unknown task',
      (s: any) => (s.tasks[1].task = 'juggle'),
      'tasks[1].task: unknown task "juggle"; built-in tasks: reverse, sort, shift',
    ],
    [
      'dataset id not a string',
      (s: any) => (s.tasks[0].task = { dataset: 5 }),
      'tasks[0].task.dataset: must be a string (got 5)',
    ],
    ['dataset id empty', (s: any) => (s.tasks[0].task = { dataset: '' }), 'tasks[0].task.dataset: must not be empty'],
    [
      'task a number',
      (s: any) => (s.tasks[0].task = 3),
      'tasks[0].task: must be a built-in task name or {"dataset": "<imported dataset id>"}',
    ],
    ['no tasks', (s: any) => (s.tasks = []), 'tasks: must list at least one task'],
    ['tasks not a list', (s: any) => (s.tasks = 'reverse'), 'tasks: must be a list (got "reverse")'],
    ['task entry not an object', (s: any) => (s.tasks[0] = 'rvsh'), 'tasks[0]: must be an object (got "rvsh")'],
    [
      'unknown preset',
      (s: any) => (s.model = { preset: 'gpt' }),
      'model.preset: unknown preset "gpt"; known: nano, micro',
    ],
    [
      'preset and config',
      (s: any) => (s.model = { preset: 'nano', config: { ...presets.nano } }),
      'model: must give exactly one of "preset" (a preset name), "config" (every T5 config field) or "checkpoint" (a checkpoint folder path or URL)',
    ],
    ['empty model', (s: any) => (s.model = {}), 'model: must give exactly one of "preset"'],
    [
      'config field out of range',
      (s: any) => (s.model = { config: { ...presets.nano, dModel: 100_000 } }),
      'model.config.dModel: must be a positive integer up to 4096 (got 100000)',
    ],
    [
      'config ffn',
      (s: any) => (s.model = { config: { ...presets.nano, ffn: 'swish' } }),
      'model.config.ffn: must be one of "relu", "gated-gelu" (got "swish")',
    ],
    [
      'config dropout',
      (s: any) => (s.model = { config: { ...presets.nano, dropout: 1 } }),
      'model.config.dropout: must be a number from 0 to 0.9 (got 1)',
    ],
    [
      'config eps',
      (s: any) => (s.model = { config: { ...presets.nano, layerNormEps: 0 } }),
      'model.config.layerNormEps: must be a number above 0 and at most 0.1 (got 0)',
    ],
    [
      'config field missing',
      (s: any) => (s.model = { config: { ...presets.nano, numHeads: undefined } }),
      'model.config.numHeads: is required',
    ],
    ['init', (s: any) => (s.init = 'random'), 'init: must be one of "scratch", "pretrained" (got "random")'],
    [
      'backend',
      (s: any) => (s.backend = 'gpu'),
      'backend: must be one of "auto", "webgpu", "webgl", "wasm", "cpu" (got "gpu")',
    ],
    ['seed negative', (s: any) => (s.seed = -1), 'seed: must be an integer from 0 to 4294967295 (got -1)'],
    ['seed missing', (s: any) => delete s.seed, 'seed: is required'],
    ['name empty', (s: any) => (s.name = ''), 'name: must not be empty'],
    ['no strategies', (s: any) => (s.strategies = []), 'strategies: must list at least one strategy'],
    [
      'strategy name',
      (s: any) => (s.strategies[1].name = 'KIF!'),
      'strategies[1].name: must be a strategy name: lowercase letters, digits and "-"',
    ],
    [
      'knob value',
      (s: any) => (s.strategies[1].knobs = { gamma: null }),
      'strategies[1].knobs.gamma: must be a finite number, a string of at most 200 characters, or true/false',
    ],
    [
      'knob name',
      (s: any) => (s.strategies[0].knobs = { 'bad name': 1 }),
      'strategies[0].knobs["bad name"]: is not a valid knob name',
    ],
    ['lr 0', (s: any) => (s.training.lr = 0), 'training.lr: must be a number above 0 and at most 1 (got 0)'],
    ['lr 5', (s: any) => (s.training.lr = 5), 'training.lr: must be a number above 0 and at most 1 (got 5)'],
    [
      'batch size',
      (s: any) => (s.training.batchSize = 4096),
      'training.batchSize: must be a positive integer up to 1024 (got 4096)',
    ],
    [
      'weight decay',
      (s: any) => (s.training.weightDecay = -0.1),
      'training.weightDecay: must be a number from 0 to 1 (got -0.1)',
    ],
    [
      'clip norm',
      (s: any) => (s.training.clipNorm = 'none'),
      'training.clipNorm: must be a number from 0 to 1000 (got "none")',
    ],
    [
      'evalEvery',
      (s: any) => (s.training.evalEvery = -5),
      'training.evalEvery: must be an integer from 0 to 100000 (got -5)',
    ],
    [
      'maxInputLen',
      (s: any) => (s.training.maxInputLen = 0),
      'training.maxInputLen: must be a positive integer up to 4096 (got 0)',
    ],
    ['training missing', (s: any) => delete s.training, 'training: is required'],
    [
      'granularity',
      (s: any) => (s.units.granularity = 'neuron'),
      'units.granularity: must be one of "tensor", "head-neuron", "lora-rank" (got "neuron")',
    ],
    [
      'blockSize',
      (s: any) => (s.units.blockSize = 0),
      'units.blockSize: must be a positive integer up to 4096 (got 0)',
    ],
  ])('%s', (_, edit, message) => {
    const errors = errorsOf(edited(edit));
    expect(errors).toHaveLength(1);
    expect(errors[0].startsWith(message), errors[0]).toBe(true);
  });

  it('reports every problem at once', () => {
    const errors = errorsOf(
      edited((s) => {
        s.seed = 'x';
        s.tasks[0].steps = 0;
        s.training.lr = -1;
      }),
    );
    expect(errors).toEqual([
      'seed: must be an integer from 0 to 4294967295 (got "x")',
      'tasks[0].steps: must be a positive integer up to 100000 (got 0)',
      'training.lr: must be a number above 0 and at most 1 (got -1)',
    ]);
  });

  it('refuses a document that is not an object, or not JSON', () => {
    expect(errorsOf([1, 2])).toEqual(['(spec): must be a JSON object (got a list)']);
    expect(errorsOf(null)).toEqual(['(spec): must be a JSON object (got null)']);
    const r = parseSpecJson('{"version": 1,');
    expect(r.ok === false && r.errors[0]).toMatch(/^\(spec\): not valid JSON: /);
  });
});

describe('unknown fields', () => {
  it('are refused with their path, at every level', () => {
    const errors = errorsOf(
      edited((s) => {
        s.colour = 'blue';
        s.training.momentum = 0.9;
        s.tasks[1].epochs = 3;
        s.model.size = 'big';
        s.units.extra = true;
        s.strategies[0].label = 'x';
      }),
    );
    expect(errors.sort()).toEqual(
      [
        'colour: unknown field',
        'training.momentum: unknown field',
        'tasks[1].epochs: unknown field',
        'model.size: unknown field',
        'units.extra: unknown field',
        'strategies[0].label: unknown field',
      ].sort(),
    );
  });

  it('inside a model config and a dataset reference too', () => {
    expect(errorsOf(edited((s) => (s.model = { config: { ...presets.nano, heads: 4 } })))).toEqual([
      'model.config.heads: unknown field',
    ]);
    expect(errorsOf(edited((s) => (s.tasks[0].task = { dataset: 'a', split: 'x' })))).toEqual([
      'tasks[0].task.split: unknown field',
    ]);
  });
});

describe('versions', () => {
  it('refuses a future version with a clear message', () => {
    expect(errorsOf(edited((s) => (s.version = SPEC_VERSION + 1)))).toEqual([
      'version: 2 is newer than this app understands (it reads versions up to 1); update the app to open this experiment',
    ]);
  });

  it('refuses a missing or malformed version', () => {
    expect(errorsOf(edited((s) => delete s.version))).toEqual(['version: is required (this app writes version 1)']);
    expect(errorsOf(edited((s) => (s.version = '1')))).toEqual(['version: must be a non-negative integer (got "1")']);
    expect(errorsOf(edited((s) => (s.version = 0)))).toEqual([
      'version: 0 is no longer supported (no migration from version 0 to 1)',
    ]);
  });

  it('migrates older documents step by step through the registered migrations', () => {
    // A made-up version 0 that called the task queue "queue" and the seed "randomSeed".
    const v0 = edited((s) => {
      s.version = 0;
      s.queue = s.tasks;
      delete s.tasks;
      s.randomSeed = s.seed;
      delete s.seed;
    });
    const migrations = {
      0: ({ queue, randomSeed, ...rest }: Record<string, unknown>) => ({ ...rest, tasks: queue, seed: randomSeed }),
    };
    expect(parseSpec(v0, migrations)).toEqual({ ok: true, spec: defaultSpec() });
    expect(migrateSpec(v0, migrations)).toMatchObject({ ok: true, doc: { version: 1, seed: 42 } });
    const broken = {
      0: () => {
        throw new Error('queue is missing');
      },
    };
    expect(migrateSpec(v0, broken)).toEqual({
      ok: false,
      errors: ['version: migrating from version 0 failed: queue is missing'],
    });
  });
});

describe('defaults', () => {
  it('paperTrainingDefaults hold the reference code settings of KIF.md §5', () => {
    expect(paperTrainingDefaults).toMatchObject({
      lr: 3e-4,
      warmupSteps: 50,
      weightDecay: 0.01,
      batchSize: 8,
      clipNorm: 1,
    });
    expect(parseSpec({ ...defaultSpec(), training: paperTrainingDefaults }).ok).toBe(true);
  });

  it('withPaperDefaults sets seed 42, the paper training settings and 5 epochs of steps per task', () => {
    const spec = withPaperDefaults({
      ...defaultSpec(),
      seed: 7,
      tasks: [taskEntry('rvsh', { trainSize: 1000 }), taskEntry('rv', { trainSize: 1001 })],
    });
    expect(spec.seed).toBe(42);
    expect(spec.training).toEqual(paperTrainingDefaults);
    expect(spec.tasks.map((t) => t.steps)).toEqual([625, 630]); // ceil(1000/8)·5, ceil(1001/8)·5
    expect(epochSteps(1000, 8, 5)).toBe(625);
    expect(parseSpec(spec)).toEqual({ ok: true, spec });
  });

  it('the default spec is the KIF.md §9 demo on a pretrained nano model', () => {
    const spec = defaultSpec();
    expect(spec.model).toEqual({ preset: 'nano' });
    expect(spec.init).toBe('pretrained');
    expect(spec.tasks.map((t) => [t.task, t.steps])).toEqual([
      ['rvsh', 400],
      ['shso', 400],
      ['rv', 400],
    ]);
    expect(spec.training.lr).toBe(1e-3);
  });
});
