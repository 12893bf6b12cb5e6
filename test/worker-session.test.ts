// The worker's session in Node: a run's events all carry its id, fold (through the page's reducer) into the document
// the session posts as 'done', tell their phases; stop, reset, unknown commands and what-if with nothing recorded.
import { describe, expect, it, vi } from 'vitest';
import { nodeLanes } from '../src/cli/laneHost';
import type { RunEvent } from '../src/engine/experiment/events';
import { foldRun } from '../src/engine/run/reduce';
import { parseSpec, type ExperimentSpec } from '../src/engine/spec/experiment';
import type { TrainerEvent } from '../src/worker/protocol';
import { TrainerSession } from '../src/worker/session';
import { untimed } from './helpers/lanes';
import { tinySpecInput } from './helpers/tinySpec';

function spec(steps: number): ExperimentSpec {
  const r = parseSpec(
    tinySpecInput({
      strategies: [{ name: 'seqft' }, { name: 'kif-soft' }],
      seed: 3,
      steps,
      trainSize: 12,
      testSize: 3,
      warmupSteps: 0,
    }),
  );
  if (!r.ok) throw new Error(r.errors.join('\n'));
  return r.spec;
}

/** A session recording what it posts; `on` sees each event as it is posted (commands sent from there arrive mid-run). */
function session(on?: (e: TrainerEvent, s: TrainerSession) => void, lanes?: number) {
  const events: TrainerEvent[] = [];
  const s: TrainerSession = new TrainerSession({
    post: (e) => {
      events.push(structuredClone(e));
      on?.(e, s);
    },
    stepIntervalMs: 0,
    ...(lanes ? { lanes: async () => nodeLanes(lanes) } : {}),
  });
  return { s, events };
}

/** The run events of run `runId` in order, steps unbatched, as the page folds them. */
const runEvents = (events: TrainerEvent[], runId: number): RunEvent[] =>
  events.flatMap((e): RunEvent[] =>
    e.type === 'run' && e.runId === runId ? [e.event] : e.type === 'steps' && e.runId === runId ? e.steps : [],
  );

describe('TrainerSession', () => {
  it('runs an experiment: every event carries the run id, and the events fold into the posted document', async () => {
    const { s, events } = session();
    await s.handle({ type: 'init', backend: 'cpu' });
    expect(events[0]).toMatchObject({ type: 'ready', backend: 'cpu' });
    await s.handle({ type: 'start', runId: 7, spec: spec(4) });
    const tagged = events.filter((e) =>
      ['run', 'steps', 'done', 'checkpoint', 'recomputable', 'notice', 'fallback'].includes(e.type),
    );
    expect(tagged.length).toBeGreaterThan(10);
    expect(tagged.every((e) => 'runId' in e && e.runId === 7)).toBe(true);
    const done = events.find((e) => e.type === 'done');
    if (done?.type !== 'done') throw new Error('no done event');
    expect(JSON.parse(JSON.stringify(foldRun(runEvents(events, 7))))).toEqual(JSON.parse(JSON.stringify(done.results)));
    const phases = runEvents(events, 7).flatMap((e) => (e.type === 'phase' ? [e.phase] : []));
    expect(new Set(phases)).toEqual(new Set(['evaluating', 'training', 'fusing']));
    expect(events.filter((e) => e.type === 'status').map((e) => e.phase)).toEqual(['loading-base', 'training', 'idle']);
    expect(events.find((e) => e.type === 'recomputable')).toMatchObject({ strategies: [0, 1], kif: [1] });
    expect(events.filter((e) => e.type === 'checkpoint')).toHaveLength(3); // after task 1 of each strategy, and between them
  }, 120_000);

  it('stop ends the run early with a stopped document; reset leaves the old run id on its last events', async () => {
    // The first step of each run: run 1 is stopped, run 2 reset.
    const { s, events } = session((e, s) => {
      if (e.type === 'steps' && e.steps[0].step === 1 && e.steps[0].strategy === 0 && e.steps[0].task === 0)
        void s.handle({ type: e.runId === 1 ? 'stop' : 'reset' });
    });
    await s.handle({ type: 'init', backend: 'cpu' });
    await s.handle({ type: 'start', runId: 1, spec: spec(30) });
    const done = events.find((e) => e.type === 'done');
    expect(done?.type === 'done' && done.results.stopped).toBe(true);
    expect(done?.type === 'done' && done.results.strategies.map((x) => x.matrix.length)).toEqual([1]);

    await s.handle({ type: 'start', runId: 2, spec: spec(30) });
    // The page shows no run after its reset: whatever run 2 still posts is dropped there by its id.
    const after = events.slice(events.findLastIndex((e) => e.type === 'status' && e.phase === 'stopping'));
    const ids = after.flatMap((e) => ('runId' in e && e.runId !== undefined ? [e.runId] : []));
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids)).toEqual(new Set([2]));
    await s.handle({
      type: 'recompute-fusion',
      request: { id: 5, strategy: 0, rule: 'soft', knobs: { tau: 0.5, beta: 0.5 } },
    });
    expect(events.at(-2)).toMatchObject({
      type: 'error',
      requestId: 5,
      message: expect.stringMatching(/nothing to merge/),
    });
  }, 120_000);

  it('side by side: a session lent two lanes says so, pauses and steps both, and posts the document of one lane', async () => {
    const four = parseSpec({
      ...tinySpecInput({ strategies: [], seed: 3, steps: 6, trainSize: 12, testSize: 3, warmupSteps: 0 }),
      strategies: [{ name: 'seqft' }, { name: 'kif-soft' }, { name: 'weight-avg' }, { name: 'mtl' }],
    });
    if (!four.ok) throw new Error(four.errors.join('\n'));
    const document = (events: TrainerEvent[]) => {
      const done = events.find((e) => e.type === 'done');
      if (done?.type !== 'done') throw new Error('no done event');
      return untimed(done.results);
    };
    const alone = session();
    await alone.s.handle({ type: 'init', backend: 'wasm' });
    await alone.s.handle({ type: 'start', runId: 1, spec: four.spec });

    // Paused at its first step, the run holds; one 'step' then lets each running strategy (one per lane) take one step.
    const seen: number[] = [];
    let paused = false;
    const lanes = session((e, s) => {
      if (e.type !== 'steps') return;
      seen.push(...e.steps.map((x) => x.strategy));
      if (!paused) void s.handle({ type: 'pause' });
      paused = true;
    }, 2);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    /** Waits until no step has come for a second (what each lane had under way when the pause came has landed). */
    const quiet = async () => {
      for (let n = -1; n !== seen.length; await sleep(1000)) n = seen.length;
    };
    await lanes.s.handle({ type: 'init', backend: 'wasm' });
    const run = lanes.s.handle({ type: 'start', runId: 1, spec: four.spec, sideBySide: true });
    await vi.waitFor(() => expect(paused).toBe(true), { timeout: 60_000 });
    await quiet();
    const held = seen.length;
    expect(held).toBeLessThanOrEqual(3); // the first step, and at most one under way in each lane
    await sleep(1000);
    expect(seen).toHaveLength(held);
    await lanes.s.handle({ type: 'step' });
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(held + 2), { timeout: 60_000 });
    await quiet();
    expect(seen.slice(held)).toHaveLength(2);
    expect(new Set(seen.slice(held)).size).toBe(2);
    await lanes.s.handle({ type: 'resume' });
    await run;
    const notice = lanes.events.find((e) => e.type === 'notice' && /at a time/.test(e.message));
    expect(notice).toMatchObject({ message: expect.stringMatching(/train 2 at a time, one per core/) });
    expect(alone.events.some((e) => e.type === 'notice' && /at a time/.test(e.message))).toBe(false);
    expect(document(lanes.events)).toEqual(document(alone.events));
    // What-if and export still have every strategy's models (they came over from the other lane).
    expect(lanes.events.find((e) => e.type === 'recomputable')).toMatchObject({ kif: [1] });
    for (const strategy of [0, 1, 2, 3]) {
      await lanes.s.handle({ type: 'export-model', id: strategy, strategy });
      expect(lanes.events.at(-1)).toMatchObject({ type: 'model-export', result: { ok: true, strategy } });
    }
    expect(lanes.events.filter((e) => e.type === 'checkpoint').length).toBeGreaterThan(0);
  }, 180_000);

  it('an unknown command, or a start while a run goes, is an error event', async () => {
    const { s, events } = session();
    await s.handle({ type: 'launch' } as never);
    expect(events).toEqual([{ type: 'error', message: 'the worker does not know the command "launch"' }]);
    await s.handle({ type: 'init', backend: 'cpu' });
    const run = s.handle({ type: 'start', runId: 3, spec: spec(30) });
    await s.handle({ type: 'start', runId: 4, spec: spec(2) });
    expect(events.some((e) => e.type === 'error' && /already running/.test(e.message))).toBe(true);
    await s.handle({ type: 'stop' });
    await run;
  }, 120_000);
});
