// A run in lanes under a host's hooks, as the app's worker gives them: a pause gate (beforeStep and the pause signal the
// other lanes mirror), model access (onModel, the models sent over from the other lanes) and checkpoints (composed from
// every lane's task boundaries). The document stays the one-lane document bit for bit, the models onModel sees are the
// same, the composed checkpoints resume to the uninterrupted run in lanes and in one lane, a pause holds every lane,
// and a backend failure in this thread's lane ends the others and is thrown on with a checkpoint to go on from.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { nodeLanes } from '../src/cli/laneHost';
import { BackendFailure } from '../src/engine/backend';
import type { RunEvent } from '../src/engine/experiment/events';
import { planLanes } from '../src/engine/experiment/lanes';
import { estimateMemory } from '../src/engine/experiment/memoryBudget';
import { FusionInputsRecorder } from '../src/engine/experiment/whatIf';
import type { ResultsDocument } from '../src/engine/experiment/results';
import { checkpointShapeProblems, resumePoint, stepsBefore, type RunCheckpoint } from '../src/engine/experiment/resume';
import { runExperiment, type RunHooks, type RunOptions } from '../src/engine/experiment/runner';
import type { HostTensors } from '../src/engine/model/init';
import { PauseGate } from '../src/engine/util/pauseGate';
import { useBackend } from './helpers/tf';
import { counted, untimed } from './helpers/lanes';
import { dropoutSpec } from './helpers/tinySpec';

beforeAll(() => useBackend('wasm'));

const NAMES = ['seqft', 'kif-hard', 'weight-avg', 'mtl'];
const spec = () => dropoutSpec(NAMES, 5);

/** A hash of the weights' bits (FNV-1a over every value, tensors by name). */
function weightsHash(w: HostTensors): string {
  let h = 0x811c9dc5;
  for (const name of [...w.keys()].sort()) {
    const d = w.get(name)!.data;
    for (const u of new Uint32Array(d.buffer, d.byteOffset, d.length)) h = Math.imul(h ^ u, 16777619);
  }
  return (h >>> 0).toString(16);
}

/** A run with every hook the app's worker gives; `gate` is its pause control, `fault` throws before a step. */
async function hooked(
  options: RunOptions,
  gate = new PauseGate(),
  fault?: (step: number, checkpoints: RunCheckpoint[]) => Promise<void>,
  shouldStop?: () => boolean,
) {
  const events: RunEvent[] = [];
  const models = new Map<string, string[]>();
  const checkpoints: RunCheckpoint[] = [];
  let steps = 0;
  const hooks: RunHooks = {
    onEvent: (e) => void events.push(e),
    beforeStep: async () => {
      await gate.wait();
      await fault?.(++steps, checkpoints);
    },
    onModel: async (at, model) => {
      const key = `${at.strategy}/${at.task}/${at.stage}`;
      models.set(key, [...(models.get(key) ?? []), weightsHash(await model.exportWeights())]);
    },
    onCheckpoint: (cp) => void checkpoints.push(cp),
    shouldStop,
  };
  const doc = runExperiment(spec(), hooks, { ...options, pause: gate });
  return { doc, events, models, checkpoints };
}

/** Resume points in run order: strategy, then task. */
const order = (cp: RunCheckpoint) => {
  const at = resumePoint(cp);
  return at.strategy * 1000 + at.task;
};

describe('runs in lanes under the host hooks', () => {
  let one: Awaited<ReturnType<typeof hooked>> & { result: ResultsDocument };
  let two: Awaited<ReturnType<typeof hooked>> & { result: ResultsDocument };

  beforeAll(async () => {
    const a = await hooked({});
    one = { ...a, result: await a.doc };
    const { host, seen } = counted(nodeLanes(2)!);
    const b = await hooked({ lanes: host });
    two = { ...b, result: await b.doc };
    expect(seen).toEqual({ opened: 1, closed: 1 });
  }, 120_000);

  it('plans lanes under hooks and a resume', () => {
    const host = nodeLanes(2)!;
    expect(planLanes(spec(), { lanes: host })?.flat().sort()).toEqual([0, 1, 2, 3]);
    const resume = one.checkpoints.find((cp) => cp.done.length === 2 && !cp.current)!;
    expect(planLanes(spec(), { lanes: host, resume })?.flat().sort()).toEqual([2, 3]);
    const last = one.checkpoints.find((cp) => cp.done.length === 3)!;
    expect(planLanes(spec(), { lanes: host, resume: last })).toBe(undefined); // one strategy left
  });

  it('counts the task 0 records lanes trade in the memory plan', () => {
    const host = nodeLanes(2)!;
    const { total, params } = estimateMemory(spec());
    // A host whose budget (half its memory) holds two runs, but not two with a lane's records (4 weight copies) each.
    const budget = 2 * total + 8 * params;
    vi.stubGlobal('navigator', { deviceMemory: (2 * budget) / 2 ** 30 });
    try {
      expect(planLanes(spec(), { lanes: host })).toBe(undefined);
      // Without task 0 shared (evaluation curves inside tasks turn it off) the same budget holds two lanes.
      const curves = { ...spec(), training: { ...spec().training, evalEvery: 2 } };
      expect(planLanes(curves, { lanes: host })).toHaveLength(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('gives the one-lane document and shows onModel the same models at the same stages', () => {
    expect(untimed(two.result)).toEqual(untimed(one.result));
    expect(two.models.size).toBeGreaterThan(NAMES.length * 3);
    expect(new Map([...two.models].sort())).toEqual(new Map([...one.models].sort()));
    const fractions = two.events.flatMap((e) => (e.type === 'step' ? [e.fraction] : []));
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    expect(fractions.at(-1)).toBe(1);
  });

  it('composes valid checkpoints that never go back and resume to the uninterrupted run', async () => {
    const cps = two.checkpoints;
    expect(cps.length).toBeGreaterThanOrEqual(3);
    for (const cp of cps) expect(checkpointShapeProblems(cp)).toEqual([]);
    expect(cps.every((cp, i) => i === 0 || order(cp) > order(cps[i - 1]))).toBe(true);
    expect(cps.every((cp) => cp.done.length < NAMES.length)).toBe(true); // none once every strategy is done
    // One with finished strategies and one under way, so both parts are resumed.
    const mid = cps.find((cp) => cp.done.length >= 1 && cp.current)!;
    expect(mid).toBeDefined();
    const inLanes = await hooked({ lanes: nodeLanes(2), resume: mid });
    const resumedInLanes = await inLanes.doc;
    expect(untimed(resumedInLanes)).toEqual(untimed(one.result));
    const restored = inLanes.events.flatMap((e) => (e.type === 'strategy-restored' ? [e.strategy] : []));
    expect(restored).toEqual([...mid.done.keys(), ...(mid.current ? [mid.current.strategy] : [])]);
    const fractions = inLanes.events.flatMap((e) => (e.type === 'step' ? [e.fraction] : []));
    // The steps behind the checkpoint count once, not once per lane.
    const planned = NAMES.length * spec().tasks.reduce((a, t) => a + t.steps, 0);
    const before = stepsBefore(
      mid,
      spec().tasks.map((t) => t.steps),
    );
    expect(fractions[0]).toBe((before + 1) / planned);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    expect(fractions.at(-1)).toBe(1);
    const inOne = await hooked({ resume: mid });
    expect(untimed(await inOne.doc)).toEqual(untimed(one.result));
  }, 120_000);

  it('holds every lane while paused, lets each take one step per step, and goes on when resumed', async () => {
    const gate = new PauseGate();
    gate.pause();
    const plan = planLanes(spec(), { lanes: nodeLanes(2) })!;
    const run = await hooked({ lanes: nodeLanes(2) }, gate);
    const steps = () => run.events.flatMap((e) => (e.type === 'step' ? [e] : []));
    // Long enough for the other lane to start and reach its first step.
    await expect.poll(() => run.events.some((e) => e.type === 'strategy-start' && e.strategy !== 0)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    expect(steps()).toEqual([]);
    gate.step();
    await expect.poll(() => steps().length, { timeout: 20_000 }).toBe(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(steps()).toHaveLength(2);
    const lanesOf = steps().map((s) => plan.findIndex((l) => l.includes(s.strategy)));
    expect(lanesOf.sort()).toEqual([0, 1]);
    gate.resume();
    expect(untimed(await run.doc)).toEqual(untimed(one.result));
  }, 120_000);

  it('a stop wakes paused lanes, which then take no step', async () => {
    const gate = new PauseGate();
    gate.pause();
    let stop = false;
    const { host, seen } = counted(nodeLanes(2)!);
    const run = await hooked({ lanes: host }, gate, undefined, () => stop);
    await expect.poll(() => run.events.some((e) => e.type === 'strategy-start' && e.strategy !== 0)).toBe(true);
    // As the app's worker stops: the flag, then the gate opened.
    stop = true;
    gate.resume();
    const doc = await run.doc;
    expect(doc.stopped).toBe(true);
    expect(run.events.filter((e) => e.type === 'step')).toEqual([]);
    expect(seen).toEqual({ opened: 1, closed: 1 });
  }, 120_000);

  it('a backend failure in this lane ends the others and is thrown on; its last checkpoint resumes the run', async () => {
    const failure = new BackendFailure('injected backend failure');
    const { host, seen } = counted(nodeLanes(2)!);
    // At this lane's 13th step (its second strategy under way), once the other lane's first strategy is done.
    const run = await hooked({ lanes: host }, new PauseGate(), async (step, checkpoints) => {
      if (step !== 13) return;
      await expect.poll(() => checkpoints.some((cp) => cp.done.length >= 1), { timeout: 20_000 }).toBe(true);
      throw failure;
    });
    await expect(run.doc).rejects.toBe(failure);
    expect(seen).toEqual({ opened: 1, closed: 1 });
    const last = run.checkpoints.at(-1)!;
    expect(checkpointShapeProblems(last)).toEqual([]);
    expect(last.done.length).toBeGreaterThanOrEqual(1);
    const resumed = await hooked({ lanes: nodeLanes(2), resume: last });
    expect(untimed(await resumed.doc)).toEqual(untimed(one.result));
  }, 120_000);

  it("keeps what-if's inputs for every strategy, a KIF strategy's fusion too, wherever its lane", async () => {
    const kif = dropoutSpec(['kif-hard', 'kif-soft', 'seqft', 'mtl'], 5);
    const record = async (options: RunOptions) => {
      const recorder = new FusionInputsRecorder();
      await runExperiment(kif, recorder.hooks, options);
      return recorder;
    };
    const lanes = planLanes(kif, { lanes: nodeLanes(2) })!;
    expect(lanes.map((l) => l[0]).sort()).toEqual([0, 1]); // one KIF strategy in each lane
    const [alone, split] = [await record({}), await record({ lanes: nodeLanes(2) })];
    expect(split.kifStrategies().sort()).toEqual([0, 1]);
    expect(split.strategies().sort()).toEqual(alone.strategies().sort());
    for (const i of alone.strategies()) expect(split.run(i)).toEqual(alone.run(i));
  }, 120_000);
});
