// Saved runs in IndexedDB (fake-indexeddb in Node): records and checkpoints, replacing a run's checkpoint, a failing
// write that keeps what was saved, and the recorder that saves a run as its events arrive.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { ResultsDocument, StrategyResult } from '../src/engine/experiment/results';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, type RunCheckpoint } from '../src/engine/experiment/resume';
import { parseSpec, type ExperimentSpec } from '../src/engine/spec/experiment';
import { openIdbRunStore } from '../src/app/storage/idbRunStore';
import { RunRecorder } from '../src/app/storage/runRecorder';
import { memoryRunStore, type RunStore } from '../src/app/storage/savedRunStore';
import { newRun } from '../src/app/storage/savedRun';
import { tinySpecInput } from './helpers/tinySpec';

const spec = (() => {
  const r = parseSpec(
    tinySpecInput({
      strategies: [{ name: 'seqft' }, { name: 'ewc' }],
      seed: 1,
      steps: 2,
      trainSize: 8,
      testSize: 2,
      warmupSteps: 0,
    }),
  );
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.spec as ExperimentSpec;
})();

const result = (label: string, rows: number): StrategyResult => ({
  name: label,
  label,
  knobs: {},
  matrix: Array.from({ length: rows }, (_, r) => [r * 10, r * 5]),
  metrics: null,
  fusions: [],
  losses: [],
  curves: [],
  samples: [],
  timings: { trainSeconds: 0, afterTaskSeconds: 0, evalSeconds: 0, totalSeconds: 0 },
});

const checkpoint = (strategy: number, nextTask: number, w: number): RunCheckpoint => ({
  format: CHECKPOINT_FORMAT,
  version: CHECKPOINT_VERSION,
  done: strategy > 0 ? [result('seqft', 3)] : [],
  current: {
    strategy,
    nextTask,
    weights: new Map([['shared.weight', { shape: [2], data: new Float32Array([w, -w]) }]]),
    state: {},
    result: result(strategy ? 'ewc' : 'seqft', nextTask + 1),
  },
});

let dbCount = 0;
const freshIdb = () => openIdbRunStore(`test-${++dbCount}`);

describe.each([
  { kind: 'indexeddb', open: freshIdb },
  { kind: 'memory', open: async () => memoryRunStore() },
])('run store ($kind)', ({ open }) => {
  it('lists runs newest first, renames and removes them with their checkpoint', async () => {
    const store: RunStore = await open();
    const a = newRun(spec, 1000);
    const b = { ...newRun(spec, 2000), name: 'second' };
    await store.put(a);
    await store.put(b);
    await store.saveBoundary(a, checkpoint(0, 1, 1));
    expect((await store.list()).map((r) => r.id)).toEqual([b.id, a.id]);
    await store.rename(a.id, 'renamed');
    expect((await store.get(a.id))!.name).toBe('renamed');
    await store.remove(a.id);
    expect((await store.list()).map((r) => r.id)).toEqual([b.id]);
    expect(await store.checkpoint(a.id)).toBeUndefined();
  });

  it('keeps one checkpoint per run, the latest, with its weights intact', async () => {
    const store = await open();
    const run = newRun(spec, 1);
    await store.saveBoundary(run, checkpoint(0, 1, 1));
    await store.saveBoundary({ ...run, resumeAt: { strategy: 1, task: 1 } }, checkpoint(1, 1, 2.5));
    const cp = (await store.checkpoint(run.id))!;
    expect(cp.current!.strategy).toBe(1);
    expect([...cp.current!.weights.get('shared.weight')!.data]).toEqual([2.5, -2.5]);
    expect((await store.get(run.id))!.resumeAt).toEqual({ strategy: 1, task: 1 });
    await store.finish({ ...run, status: 'done' });
    expect(await store.checkpoint(run.id)).toBeUndefined();
    expect((await store.get(run.id))!.status).toBe('done');
  });

  it("drops only the checkpoint of a run (a damaged one), keeping the run and the other runs' checkpoints", async () => {
    const store = await open();
    const run = newRun(spec, 1);
    const other = { ...newRun(spec, 2), id: 'other' };
    await store.saveBoundary(run, checkpoint(0, 1, 1));
    await store.saveBoundary(other, checkpoint(0, 1, 3));
    await store.dropCheckpoint(run.id);
    expect(await store.checkpoint(run.id)).toBeUndefined();
    expect((await store.get(run.id))!.id).toBe(run.id);
    expect([...(await store.checkpoint(other.id))!.current!.weights.get('shared.weight')!.data]).toEqual([3, -3]);
  });
});

it('a checkpoint write that fails leaves the saved record and checkpoint as they were', async () => {
  const store = await freshIdb();
  const run = newRun(spec, 1);
  await store.saveBoundary(run, checkpoint(0, 1, 1));
  // A function cannot be structured-cloned: the add throws DataCloneError and the transaction aborts.
  const bad = { ...checkpoint(1, 1, 9), extra: () => 0 } as unknown as RunCheckpoint;
  await expect(store.saveBoundary({ ...run, name: 'changed' }, bad)).rejects.toThrow();
  expect((await store.checkpoint(run.id))!.current!.strategy).toBe(0);
  expect((await store.get(run.id))!.name).toBe(run.name);
});

describe('RunRecorder', () => {
  const doc = (stopped: boolean): ResultsDocument =>
    ({ stopped, strategies: [result('seqft', 3), result('ewc', 3)] }) as unknown as ResultsDocument;

  it('saves the record at the start, results so far and the checkpoint at each boundary, the results at the end', async () => {
    const store = memoryRunStore();
    const rec = new RunRecorder(store, {
      saved: () => undefined,
      failed: (m) => {
        throw new Error(m);
      },
    });
    rec.started(spec, 10);
    const id = rec.current!;
    await rec.idle();
    expect((await store.get(id))!.status).toBe('running');
    rec.checkpoint(checkpoint(1, 1, 3), 20);
    await rec.idle();
    const mid = (await store.get(id))!;
    expect(mid.strategies.map((s) => [s.label, s.matrix.length])).toEqual([
      ['seqft', 3],
      ['ewc', 2],
    ]);
    expect(mid.resumeAt).toEqual({ strategy: 1, task: 1 });
    expect((await store.checkpoint(id))!.current!.strategy).toBe(1);

    // A reload: a new recorder resumes the saved run under the same id.
    const again = new RunRecorder(store, {
      saved: () => undefined,
      failed: (m) => {
        throw new Error(m);
      },
    });
    again.willResume(mid);
    again.started(spec, 30);
    expect(again.current).toBe(id);
    again.ended(doc(false), 40);
    await again.idle();
    const end = (await store.get(id))!;
    expect([end.status, end.resumeAt, end.createdAt, end.strategies.length]).toEqual(['done', null, 10, 2]);
    expect(await store.checkpoint(id)).toBeUndefined();
    expect((await store.list()).length).toBe(1);
  });

  it('reports a failing write once and goes on', async () => {
    const failing: RunStore = {
      ...memoryRunStore(),
      put: () => Promise.reject(new DOMException('full', 'QuotaExceededError')),
      saveBoundary: () => Promise.reject(new DOMException('full', 'QuotaExceededError')),
    };
    const messages: string[] = [];
    const rec = new RunRecorder(failing, { saved: () => undefined, failed: (m) => messages.push(m) });
    rec.started(spec);
    rec.checkpoint(checkpoint(0, 1, 1));
    rec.ended(doc(true));
    await rec.idle();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/storage for this page is full \(QuotaExceededError\)\. It goes on in memory/);
  });
});
