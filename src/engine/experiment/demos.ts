// Built-in experiments, by name: each builds a spec (from a seed), so `demo NAME` and the app's demo buttons run the
// same thing as `run` on that spec would.
import { SPEC_VERSION, taskEntry, type ExperimentSpec, type TrainingSpec } from '../spec/experiment';
import { listStrategies } from '../strategies/registry';

export interface DemoOptions {
  seed?: number;
}

export interface Demo {
  name: string;
  title: string;
  description: string;
  /** Imported datasets the demo needs, by id; the host loads them (the CLI from --data DIR: ID.train.json, ID.test.json). */
  datasets?: readonly string[];
  spec(options: DemoOptions): ExperimentSpec;
}

const demos = new Map<string, Demo>();

export function registerDemo(d: Demo): void {
  if (demos.has(d.name)) throw new Error(`demo "${d.name}" is already registered`);
  demos.set(d.name, d);
}

export const listDemos = () => [...demos.values()];

export function getDemo(name: string): Demo {
  const d = demos.get(name);
  if (!d) throw new Error(`unknown demo "${name}"; demos: ${[...demos.keys()].join(', ')}`);
  return d;
}

// Measured on nano from scratch (wasm, Node): lr 2e-3 at batch 16 learns sentiment to ~90% in 80 steps, topic to ~60%;
// "negative" needs 9 output tokens, hence maxOutputLen 12; the lexicon sentences fit in 48 input bytes.
const fastTraining: TrainingSpec = { lr: 2e-3, warmupSteps: 10, weightDecay: 0.01, batchSize: 16, clipNorm: 1, maxInputLen: 48, maxOutputLen: 12, evalEvery: 0 };

const sized = (steps: number) => ({ steps, trainSize: 1000, testSize: 50 });

const base = (name: string, seed: number): Omit<ExperimentSpec, 'tasks' | 'strategies'> => ({
  version: SPEC_VERSION,
  name,
  model: { preset: 'nano' },
  init: 'scratch',
  backend: 'auto',
  seed,
  training: { ...fastTraining },
  units: { granularity: 'tensor', blockSize: 16 },
});

registerDemo({
  name: 'forgetting',
  title: 'Forgetting in a minute',
  description:
    'A nano T5 from scratch learns three tasks in a row (length, then two classifications over one made-up lexicon); ' +
    'sequential fine-tuning forgets the earlier ones, KIF fuses the model after each task (hard and soft rules), joint ' +
    'training shows the ceiling. About a minute on wasm. From scratch, fusion has no shared base to fuse around (KIF.md §9); ' +
    'with a pretrained base (init "pretrained") the same spec shows what KIF keeps.',
  spec: ({ seed = 0 }) => ({
    ...base('Forgetting in a minute', seed),
    // The short task first: each task's batches are only as long as the tasks so far need.
    tasks: [taskEntry('length', sized(100)), taskEntry('sentiment', sized(80)), taskEntry('topic', sized(80))],
    strategies: ['seqft', 'kif-hard', 'kif-soft', 'mtl'].map((name) => ({ name, knobs: {} })),
  }),
});

registerDemo({
  name: 'baselines',
  title: 'KIF against every baseline',
  description: 'Five tasks, every full-model strategy with its default knobs, on a nano T5 from scratch: a few minutes on wasm.',
  spec: ({ seed = 0 }) => ({
    ...base('KIF against every baseline', seed),
    tasks: ['length', 'compare', 'upper', 'sentiment', 'topic'].map((t) => taskEntry(t, sized(100))),
    strategies: listStrategies().map((s) => ({ name: s.name, knobs: {} })),
  }),
});

export const longSequenceTasks = ['yelp', 'amazon', 'sst-2', 'dbpedia', 'agnews'] as const;

registerDemo({
  name: 'long-sequence',
  title: 'Long Sequence benchmark (five tasks, small subsets)',
  description:
    'Real text classification from the Long Sequence continual-learning benchmark (yelp, amazon, sst-2, dbpedia, agnews, ' +
    'in its order-1 sequence), small subsets so a byte-level nano model runs it in minutes; the numbers show the pipeline, ' +
    'not the paper\'s (which fine-tunes T5-large).',
  datasets: longSequenceTasks,
  spec: ({ seed = 0 }) => ({
    ...base('Long Sequence (small subsets)', seed),
    tasks: longSequenceTasks.map((id) => taskEntry({ dataset: id }, { steps: 60, trainSize: 200, testSize: 40 })),
    // Byte tokens: the instruction alone is ~100 bytes, so inputs are cut at 256 (the start of each text is kept).
    strategies: ['seqft', 'kif-hard', 'mtl'].map((name) => ({ name, knobs: {} })),
    training: { ...fastTraining, batchSize: 8, maxInputLen: 256, maxOutputLen: 32 },
  }),
});
