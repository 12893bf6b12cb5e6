// The runner end to end on a tiny model: the results document, its metrics, events, determinism, stopping, bad input;
// and the pure parts around it (grid and shards, merging, demos, results validation).
import { beforeAll, describe, expect, it } from 'vitest';
import { getDemo, listDemos } from '../src/engine/experiment/demos';
import type { RunEvent } from '../src/engine/experiment/events';
import { expandGrid, parseGrid, parseShard, pointSpec, shardPoints } from '../src/engine/experiment/grid';
import { mergedTable, mergeResults, pairedDifferences, pairedTable, summarize } from '../src/engine/experiment/merge';
import { parseSeeds } from '../src/engine/experiment/seeds';
import { parseResults, RESULTS_VERSION, type ResultsDocument } from '../src/engine/experiment/results';
import { downsample } from '../src/engine/experiment/downsample';
import { experimentProblems, ExperimentError, runExperiment } from '../src/engine/experiment/runner';
import { resultsTable } from '../src/engine/experiment/table';
import { continualMetrics } from '../src/engine/metrics/continual';
import { parseSpec, type ExperimentSpec, type ExperimentSpecInput } from '../src/engine/spec/experiment';
import { getStrategy, strategyNames } from '../src/engine/strategies/registry';
import { useBackend } from './helpers/tf';
import { tinyByteConfig, tinySpecInput } from './helpers/tinySpec';

beforeAll(() => useBackend('wasm'));

const tinyConfig = tinyByteConfig;

function tinySpec(over: Partial<ExperimentSpecInput> = {}): ExperimentSpec {
  const base = tinySpecInput({
    strategies: [{ name: 'seqft' }, { name: 'kif-hard', knobs: { gamma: 0.5 } }],
    seed: 5,
    steps: 6,
    trainSize: 30,
    testSize: 5,
    warmupSteps: 2,
  });
  const r = parseSpec({ ...base, ...over });
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.spec;
}

describe('runExperiment', () => {
  let events: RunEvent[];
  let doc: ResultsDocument;
  beforeAll(async () => {
    events = [];
    doc = await runExperiment(tinySpec(), { onEvent: (e) => events.push(e) }, { importanceEvery: 2 });
  });

  it('returns a valid results document: T + 1 rows per strategy, metrics = continualMetrics(matrix)', () => {
    const parsed = parseResults(JSON.parse(JSON.stringify(doc)));
    expect(parsed.ok && parsed.results.strategies.length).toBe(2);
    expect(doc.tasks.map((t) => [t.name, t.scorer, t.trainSize, t.testSize])).toEqual([
      ['length', 'exact-match', 30, 5],
      ['compare', 'exact-match', 30, 5],
    ]);
    expect(doc.strategies.map((s) => s.label)).toEqual(['seqft', 'kif-hard (gamma=0.5)']);
    for (const s of doc.strategies) {
      expect(s.matrix).toHaveLength(3);
      s.matrix.forEach((row) => row.forEach((x) => expect(x >= 0 && x <= 100).toBe(true)));
      expect(s.metrics).toEqual(continualMetrics(s.matrix));
      expect(s.losses.map((c) => [c.task, c.phase, c.steps])).toEqual([
        [0, 'train', [1, 2, 3, 4, 5, 6]],
        [1, 'train', [1, 2, 3, 4, 5, 6]],
      ]);
      expect(s.samples.map((x) => [x.task, x.predictions.length])).toEqual([
        [0, 5],
        [1, 5],
      ]);
      expect(s.timings.totalSeconds).toBeGreaterThan(0);
    }
    expect(doc.backend).toBe('wasm');
    expect(doc.stopped).toBe(false);
  });

  it('keeps importance per task, the accumulated scores, and the case of every unit at the fusion', () => {
    const [seq, kif] = doc.strategies;
    expect(seq.importance).toBeUndefined();
    expect(seq.fusions).toEqual([]);
    expect(kif.importance!.tasks).toHaveLength(2);
    expect(kif.importance!.accumulated).toHaveLength(2);
    expect(kif.fusions).toHaveLength(1);
    expect(Object.keys(kif.fusions[0].cases!).sort()).toEqual([...doc.units.names].sort());
    expect(doc.units.granularity).toBe('tensor');
  });

  it('emits the events the UI draws from, in order', () => {
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('run-start');
    expect(types[types.length - 1]).toBe('run-done');
    expect(types.filter((t) => t === 'step')).toHaveLength(2 * 2 * 6);
    expect(
      events.filter((e) => e.type === 'eval-row').map((e) => e.type === 'eval-row' && [e.strategy, e.row]),
    ).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    // Every evaluation brings its predictions for every task; the last row's are the ones the results keep.
    const rows = events.filter((e): e is Extract<RunEvent, { type: 'eval-row' }> => e.type === 'eval-row');
    for (const r of rows) expect(r.samples.map((x) => x.task)).toEqual([0, 1]);
    expect(rows.at(-1)!.samples).toEqual(doc.strategies[1].samples);
    // Live snapshots every 2 steps (steps 2, 4, 6 of each task; the first step is skipped by the tracker) and one final per task.
    const imp = events.filter((e): e is Extract<RunEvent, { type: 'importance' }> => e.type === 'importance');
    expect(imp.map((e) => [e.task, e.step, e.final])).toEqual([
      [0, 2, false],
      [0, 4, false],
      [0, 6, false],
      [0, 5, true],
      [1, 2, false],
      [1, 4, false],
      [1, 6, false],
      [1, 5, true],
    ]);
    expect(events.filter((e) => e.type === 'fusion').map((e) => e.type === 'fusion' && [e.strategy, e.task])).toEqual([
      [1, 1],
    ]);
    const steps = events.filter((e): e is Extract<RunEvent, { type: 'step' }> => e.type === 'step');
    expect(steps[steps.length - 1].fraction).toBe(1);
    expect(steps.every((e, i) => i === 0 || e.fraction >= steps[i - 1].fraction)).toBe(true);
  });

  it('gives the same matrix for the same spec, another for another seed', async () => {
    const again = await runExperiment(tinySpec());
    expect(again.strategies.map((s) => s.matrix)).toEqual(doc.strategies.map((s) => s.matrix));
    expect(again.strategies.map((s) => s.losses)).toEqual(doc.strategies.map((s) => s.losses));
    const other = await runExperiment(tinySpec({ seed: 6, strategies: [{ name: 'seqft' }] }));
    expect(other.strategies[0].losses).not.toEqual(doc.strategies[0].losses);
  });

  it('starts every strategy from the same weights: the untrained rows and the first task agree', () => {
    expect(doc.strategies[1].matrix.slice(0, 2)).toEqual(doc.strategies[0].matrix.slice(0, 2));
  });
});

describe('runExperiment: options and bad input', () => {
  it('falls back to scratch with a warning when no pretrained base exists', async () => {
    const doc = await runExperiment(
      tinySpec({
        init: 'pretrained',
        strategies: [{ name: 'seqft' }],
        tasks: [{ task: 'length', steps: 1, trainSize: 8, testSize: 2 }],
      }),
    );
    expect(doc.warnings).toHaveLength(1);
    expect(doc.warnings[0]).toMatch(/^init "pretrained": no base checkpoint/);
  });

  it('stops when asked and returns the results so far, marked stopped', async () => {
    let steps = 0;
    const doc = await runExperiment(tinySpec(), { onProgress: () => void steps++, shouldStop: () => steps >= 8 });
    expect(doc.stopped).toBe(true);
    expect(doc.strategies).toHaveLength(1);
    expect(doc.strategies[0].matrix).toHaveLength(2);
    expect(doc.strategies[0].metrics?.tasks).toBe(1);
    expect(parseResults(JSON.parse(JSON.stringify(doc))).ok).toBe(true);
  });

  it('evaluates inside tasks every evalEvery steps', async () => {
    const spec = tinySpec({ strategies: [{ name: 'seqft' }] });
    spec.training.evalEvery = 2;
    const doc = await runExperiment(spec);
    expect(doc.strategies[0].curves.map((c) => [c.task, c.step, c.scores.length])).toEqual([
      [0, 2, 2],
      [0, 4, 2],
      [1, 2, 2],
      [1, 4, 2],
    ]);
  });

  it('runs imported datasets and cuts them to the asked sizes; a missing one names its field', async () => {
    const rows = (n: number, label: string) =>
      Array.from({ length: n }, (_, i) => ({ input: `q${label}${i}`, output: label }));
    const spec = tinySpec({
      strategies: [{ name: 'seqft' }],
      tasks: [{ task: { dataset: 'toy' }, steps: 2, trainSize: 10, testSize: 50 }],
    });
    const doc = await runExperiment(
      spec,
      {},
      { datasets: (id) => (id === 'toy' ? { train: rows(20, 'a'), test: rows(4, 'b') } : undefined) },
    );
    expect(doc.tasks).toEqual([
      { name: 'toy', scorer: 'exact-match', steps: 2, trainSize: 10, testSize: 4, majorityScore: 100 },
    ]); // every test output is "b"
    expect(doc.warnings).toEqual([
      'tasks[0]: dataset "toy" has 4 test examples, fewer than the 50 asked; all are used',
    ]);
    await expect(runExperiment(spec)).rejects.toThrow('tasks[0].task.dataset: no dataset "toy" was provided');
  });

  it('refuses a spec whose strategies cannot run, naming every field', async () => {
    const spec = tinySpec({ strategies: [{ name: 'kif-hard', knobs: { gamma: 2 } }, { name: 'nope' }] });
    const err = await runExperiment(spec).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExperimentError);
    expect((err as ExperimentError).problems).toEqual([
      'strategies[0].knobs.gamma: must be a number from 0 to 1 (got 2)',
      expect.stringMatching(/^strategies\[1\]\.name: unknown strategy "nope"/),
    ]);
    expect(experimentProblems(tinySpec({ model: { config: { ...tinyConfig, vocabSize: 100 } } }))).toEqual([
      "model: vocabSize 100 is smaller than the byte tokenizer's 259 ids",
    ]);
  });
});

describe('results document validation', () => {
  it('names what is wrong in a bad document', async () => {
    const doc = JSON.parse(
      JSON.stringify(
        await runExperiment(
          tinySpec({
            strategies: [{ name: 'seqft' }],
            tasks: [{ task: 'length', steps: 1, trainSize: 8, testSize: 2 }],
          }),
        ),
      ),
    );
    const errors = (edit: (d: any) => void) => {
      const d = JSON.parse(JSON.stringify(doc));
      edit(d);
      const r = parseResults(d);
      return r.ok ? [] : r.errors;
    };
    expect(errors(() => {})).toEqual([]);
    expect(errors((d) => (d.format = 'other'))).toEqual([
      'format: must be "kif-playground-results" (this is not a results document of this app)',
    ]);
    expect(errors((d) => (d.version = 9))).toEqual([`version: 9 is newer than this app reads (${RESULTS_VERSION})`]);
    expect(errors((d) => (d.strategies[0].matrix[1] = [1, 2]))).toEqual([
      'strategies[0].matrix[1]: has 2 scores, one per task (1) expected',
    ]);
    expect(errors((d) => (d.strategies[0].matrix[0][0] = 'x'))[0]).toMatch(/^strategies\[0\]\.matrix\[0\]\[0\]: /);
    expect(errors((d) => (d.spec.training.lr = -1))).toEqual([
      'spec.training.lr: must be a number above 0 and at most 1 (got -1)',
    ]);
  });
});

describe('downsample', () => {
  it('keeps short curves and averages long ones in buckets stamped with their last step', () => {
    expect(downsample([3, 2, 1], 10)).toEqual({ steps: [1, 2, 3], losses: [3, 2, 1] });
    expect(downsample([1, 2, 3, 4, 5, 6, 7], 3)).toEqual({ steps: [2, 4, 7], losses: [1.5, 3.5, 6] });
  });
});

describe('sweep grid', () => {
  const spec = tinySpec();
  const grid = (json: unknown) => {
    const r = parseGrid(json);
    if (!r.ok) throw new Error(r.errors.join('\n'));
    return r.grid;
  };

  it('expands strategies × knob values × seeds in a fixed order and deals the points round-robin', () => {
    const points = expandGrid(
      spec,
      grid({ seeds: [0, 1], knobs: { 'kif-hard': { gamma: [0.5, 0.9], topPercent: [10] } } }),
    );
    expect(points.map((p) => p.id)).toEqual([
      'seqft_seed=0',
      'seqft_seed=1',
      'kif-hard_gamma=0.5_topPercent=10_seed=0',
      'kif-hard_gamma=0.5_topPercent=10_seed=1',
      'kif-hard_gamma=0.9_topPercent=10_seed=0',
      'kif-hard_gamma=0.9_topPercent=10_seed=1',
    ]);
    const shards = [0, 1, 2, 3].map((i) => shardPoints(points, i, 4).map((p) => p.id));
    expect(shards.map((s) => s.length)).toEqual([2, 2, 1, 1]);
    expect(shards.flat().sort()).toEqual(points.map((p) => p.id).sort());
    expect(pointSpec(spec, points[3])).toEqual({
      ...spec,
      seed: 1,
      strategies: [{ name: 'kif-hard', knobs: { gamma: 0.5, topPercent: 10 } }],
    });
  });

  it('takes strategies by name when the grid lists them, and refuses bad entries by name', () => {
    expect(expandGrid(spec, grid({ strategies: ['mtl'], seeds: [3] })).map((p) => p.id)).toEqual(['mtl_seed=3']);
    expect(() => expandGrid(spec, grid({ seeds: [0], knobs: { 'kif-hard': { gamma: [2] } } }))).toThrow(
      'strategy kif-hard_gamma=2.knobs.gamma: must be a number from 0 to 1 (got 2)',
    );
    expect(() => expandGrid(spec, grid({ seeds: [0], knobs: { ewc: { lambda: [1] } } }))).toThrow(
      'knobs.ewc: the grid does not run strategy "ewc"',
    );
    expect(() => expandGrid(spec, grid({ seeds: [0, 0] }))).toThrow('grid point seqft_seed=0 appears twice');
    expect(parseGrid({ seeds: [] })).toEqual({ ok: false, errors: [expect.stringMatching(/^seeds: /)] });
    expect(() => parseShard('2/2')).toThrow('shard must be I/N with 0 ≤ I < N');
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
  });
});

describe('merge', () => {
  const docWith = (seed: number, ap: number, bwt: number | null, spec = tinySpec()) =>
    ({
      spec: { ...spec, seed },
      strategies: [
        {
          name: 'seqft',
          label: 'seqft',
          matrix: [],
          metrics: { tasks: 2, ap, bwt, fwt: 1, fwtZeroShot: 2, forgetting: 3 },
        },
      ],
    }) as unknown as ResultsDocument;

  it('means and sample standard deviations over seeds, per strategy label', () => {
    expect(summarize([1, 2, 3, 4])).toEqual({ mean: 2.5, sd: Math.sqrt(5 / 3), n: 4 });
    expect(summarize([7])).toEqual({ mean: 7, sd: null, n: 1 });
    const rows = mergeResults(
      [docWith(0, 10, -5), docWith(1, 20, -15), docWith(2, 30, null)].map((doc, i) => ({ file: `${i}.json`, doc })),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].seeds).toEqual([0, 1, 2]);
    expect(rows[0].metrics.ap).toEqual({ mean: 20, sd: 10, n: 3 });
    expect(rows[0].metrics.bwt).toEqual({ mean: -10, sd: Math.sqrt(50), n: 2 });
    // The table shows the half-width of the 95% t interval: t(0.975, 2) = 4.302653 (printed tables) · 10 / √3 = 24.8.
    expect(rows[0].intervals.ap!.half).toBeCloseTo((4.302653 * 10) / Math.sqrt(3), 4);
    expect(mergedTable(rows)).toContain('20.0 ± 24.8');
  });

  it('per matrix cell and per paired difference, a 95% t interval; "excludes 0" where it lies on one side', () => {
    const strat = (name: string, ap: number, bwt: number, cell: number) => ({
      name,
      label: name,
      matrix: [
        [0, 0],
        [cell, 5],
      ],
      metrics: { tasks: 2, ap, bwt, fwt: 0, fwtZeroShot: 0, forgetting: -bwt },
    });
    const doc = (seed: number, kif: number, avg: number) =>
      ({
        spec: { ...tinySpec(), seed },
        tasks: [{ name: 'a' }, { name: 'b' }],
        strategies: [
          strat('seqft', 30, -60, 40 + seed),
          strat('weight-avg', avg, -30, 50),
          strat('kif-hard', kif, -20, 60),
        ],
      }) as unknown as ResultsDocument;
    // KIF − averaging on AP: 2, 4, 3, 5, 1 (mean 3, sd √2.5); KIF − SeqFT on BWT: 40 on every seed (sd 0).
    const docs = [doc(0, 42, 40), doc(1, 44, 40), doc(2, 43, 40), doc(3, 45, 40), doc(4, 41, 40)].map((d, i) => ({
      file: `${i}.json`,
      doc: d,
    }));
    const rows = mergeResults(docs);
    const seqCell = rows[0].cells[1][0]!; // 40..44: mean 42, sd √2.5
    expect(seqCell.mean).toBe(42);
    expect(seqCell.half).toBeCloseTo((2.776445 * Math.sqrt(2.5)) / Math.sqrt(5), 5); // t(0.975, 4) = 2.776445
    expect(rows[0].cells[1][1]).toEqual({ mean: 5, half: 0, n: 5 });
    const diffs = pairedDifferences(docs);
    expect(diffs.map((d) => `${d.label} ${d.metric}`)).toEqual([
      'kif-hard − seqft ap',
      'kif-hard − seqft bwt',
      'kif-hard − weight-avg ap',
      'kif-hard − weight-avg bwt',
    ]);
    const apAvg = diffs[2];
    expect(apAvg.perSeed.map((p) => p.diff)).toEqual([2, 4, 3, 5, 1]);
    expect(apAvg.interval!.mean).toBe(3);
    expect(apAvg.interval!.half).toBeCloseTo((2.776445 * Math.sqrt(2.5)) / Math.sqrt(5), 5); // 1.96: [1.04, 4.96]
    expect(apAvg.excludesZero).toBe(true);
    // A difference of mixed sign straddles 0.
    const mixed = pairedDifferences([doc(0, 39, 40), doc(1, 43, 40), doc(2, 40, 40)].map((d) => ({ doc: d })))[2];
    expect([mixed.perSeed.map((p) => p.diff), mixed.excludesZero]).toEqual([[-1, 3, 0], false]);
    expect(pairedTable(diffs)).toMatch(
      /kif-hard − weight-avg\s+AP\s+2\.0\s+4\.0\s+3\.0\s+5\.0\s+1\.0\s+3\.0 ± 2\.0\s+\*/,
    );
  });

  it('reads seed lists as people type them, and says what is wrong with a bad one', () => {
    expect(parseSeeds('0-4')).toEqual([0, 1, 2, 3, 4]);
    expect(parseSeeds('0-2, 9,1')).toEqual([0, 1, 2, 9]);
    expect(() => parseSeeds('4-0')).toThrow('runs backwards; write 0-4');
    expect(() => parseSeeds('a')).toThrow('"a" is not a seed or a range like 0-4');
  });

  it('refuses to average results of different experiments', () => {
    const other = tinySpec({ tasks: [{ task: 'reverse', steps: 1, trainSize: 8, testSize: 2 }] });
    expect(() =>
      mergeResults([
        { file: 'a.json', doc: docWith(0, 1, 1) },
        { file: 'b.json', doc: docWith(1, 1, 1, other) },
      ]),
    ).toThrow('b.json comes from a different experiment than a.json');
  });
});

describe('demos', () => {
  it('each builds a valid spec that can run, with the strategies it promises', () => {
    expect(listDemos().map((d) => d.name)).toEqual([
      'forgetting',
      'forgetting-scratch',
      'baselines',
      'merging',
      'ablations',
      'long-sequence',
      'lora',
      'real-text',
      'flan-t5-lora',
    ]);
    for (const d of listDemos()) {
      const spec = d.spec({ seed: 4 });
      expect(parseSpec(JSON.parse(JSON.stringify(spec)))).toEqual({ ok: true, spec });
      expect(experimentProblems(spec)).toEqual([]);
      expect(spec.seed).toBe(4);
    }
    const forgetting = getDemo('forgetting').spec({});
    expect([forgetting.tasks.length, forgetting.strategies.map((s) => s.name)]).toEqual([
      3,
      ['seqft', 'weight-avg', 'kif-hard', 'mtl'],
    ]);
    expect(forgetting.tasks.map((t) => t.testSize)).toEqual([200, 200, 200]);
    const ablations = getDemo('ablations').spec({});
    expect(ablations.strategies.map((s) => s.knobs)).toEqual([
      {},
      {},
      { metric: 'second-order' },
      { metric: 'no-ema' },
      { metric: 'no-uncertainty' },
      { metric: 'plain' },
      { within: 'kind' },
      { norms: 'current' },
    ]);
    expect({ ...ablations, strategies: [], name: '' }).toEqual({ ...forgetting, strategies: [], name: '' });
    const baselines = getDemo('baselines').spec({});
    const fullModel = strategyNames().filter((n) => getStrategy(n).family !== 'lora');
    expect([baselines.tasks.length, baselines.strategies.map((s) => s.name)]).toEqual([5, fullModel]);
    expect(
      getDemo('lora')
        .spec({})
        .strategies.map((s) => s.name),
    ).toEqual(['seqft', 'seqlora', 'olora', 'kif-lora']);
    const merging = getDemo('merging').spec({});
    expect(merging.strategies.map((s) => s.name)).toEqual([
      'seqft',
      'weight-avg',
      'task-arithmetic',
      'ties',
      'dare',
      'magmax',
      'fisher-merge',
      'kif-hard',
      'kif-soft',
      'mtl',
    ]);
    expect({ ...merging, strategies: [], name: '' }).toEqual({ ...forgetting, strategies: [], name: '' }); // same tasks, base and training
    expect(getDemo('forgetting-scratch').spec({}).init).toBe('scratch');
    expect({ ...getDemo('forgetting-scratch').spec({}), init: 'pretrained', name: '' }).toEqual({
      ...forgetting,
      name: '',
    });
    expect(getDemo('long-sequence').datasets).toEqual(['yelp', 'amazon', 'sst-2', 'dbpedia', 'agnews']);
    const realText = getDemo('real-text').spec({});
    expect([
      realText.model,
      realText.tasks.map((t) => [t.task, t.testSize]),
      realText.strategies.map((s) => s.name),
    ]).toEqual([
      { checkpoint: 'public/models/text-nano' },
      [
        [{ dataset: 'sst-2' }, 200],
        [{ dataset: 'agnews' }, 200],
        [{ dataset: 'dbpedia' }, 200],
      ],
      ['seqft', 'kif-hard'],
    ]);
    const flan = getDemo('flan-t5-lora');
    expect([flan.datasets, flan.spec({}).model, flan.spec({}).strategies.map((s) => s.name)]).toEqual([
      ['sst-2', 'agnews', 'dbpedia'],
      { checkpoint: 'https://huggingface.co/google/flan-t5-small/resolve/main/' },
      ['seqlora', 'kif-lora'],
    ]);
    expect(() => getDemo('nope')).toThrow(
      'unknown demo "nope"; demos: forgetting, forgetting-scratch, baselines, merging, ablations, long-sequence, lora, real-text, flan-t5-lora',
    );
  });

  it('the results table lists every strategy with its metrics', async () => {
    const doc = await runExperiment(
      tinySpec({
        tasks: [
          { task: 'length', steps: 1, trainSize: 8, testSize: 2 },
          { task: 'compare', steps: 1, trainSize: 8, testSize: 2 },
        ],
      }),
    );
    const lines = resultsTable(doc).split('\n');
    expect(lines[0]).toMatch(
      /^strategy\s+AP\s+BWT\s+FWT\s+FWT\(0-shot\)\s+forgetting\s+final row \(length \/ compare\)\s+time$/,
    );
    expect(lines.slice(2).map((l) => l.split(/\s{2,}/)[0])).toEqual(['seqft', 'kif-hard (gamma=0.5)']);
    expect(lines[2]).toContain(doc.strategies[0].metrics!.ap.toFixed(1));
  });
});
