// A run in lanes (strategies split over worker threads) gives the results document of the run in one lane, bit for bit
// but for timings; a lane that fails marks its own strategies failed and the run still ends; a stop reaches every lane.
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeLanes } from '../src/cli/laneHost';
import { getDemo } from '../src/engine/experiment/demos';
import type { RunEvent } from '../src/engine/experiment/events';
import type { FirstTaskRecord, FirstTaskRelay } from '../src/engine/experiment/firstTask';
import type { FromLane, LaneHost, LaneWorker, ToLane } from '../src/engine/experiment/laneProtocol';
import { serveLane } from '../src/engine/experiment/laneServe';
import { planLanes } from '../src/engine/experiment/lanes';
import { runExperiment } from '../src/engine/experiment/runner';
import { useBackend } from './helpers/tf';
import { counted, untimed } from './helpers/lanes';
import { dropoutSpec } from './helpers/tinySpec';

beforeAll(() => useBackend('wasm'));

const NAMES = ['seqft', 'kif-hard', 'weight-avg', 'mtl'];

const spec = () => dropoutSpec(NAMES, 5);

async function run(lanes?: LaneHost, shouldStop?: () => boolean) {
  const events: RunEvent[] = [];
  const doc = await runExperiment(spec(), { onEvent: (e) => events.push(e), shouldStop }, { lanes });
  return { doc, events };
}

describe('runs in lanes', () => {
  it('splits the forgetting demo into two lanes of about equal training', () => {
    const host = { count: 2, open: () => ({}) as LaneWorker };
    const demo = getDemo('forgetting').spec({ seed: 0 });
    const lanes = planLanes(demo, { lanes: host });
    const names = lanes?.map((l) => l.map((i) => demo.strategies[i].name).join('+'));
    expect(names?.sort()).toEqual(['kif-hard+mtl', 'seqft+weight-avg']);
    expect(planLanes(demo, { lanes: { ...host, count: 1 } })).toBe(undefined);
  });

  it('gives the one-lane document bit for bit, in one event stream', async () => {
    const one = await run();
    const { host, seen } = counted(nodeLanes(2)!);
    const two = await run(host);
    expect(seen).toEqual({ opened: 1, closed: 1 });
    expect(untimed(two.doc)).toEqual(untimed(one.doc));
    const types = two.events.map((e) => e.type);
    expect(types.filter((t) => t === 'run-start')).toHaveLength(1);
    expect(types.at(-1)).toBe('run-done');
    expect(types.filter((t) => t === 'run-done')).toHaveLength(1);
    const fractions = two.events.flatMap((e) => (e.type === 'step' ? [e.fraction] : []));
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    expect(fractions.at(-1)).toBe(1);
  }, 120_000);

  it("a strategy that takes task 0 from another lane's record gives its one-lane results", async () => {
    const one = await run();
    const lane = (only: number[], relay: FirstTaskRelay) =>
      // A lane's own document keeps only the strategies it ran (the others never started).
      runExperiment(spec(), {}, { lane: { only, relay } }).then((d) =>
        d.strategies.find((x) => x.label === NAMES[only[0]])!,
      );
    let record: FirstTaskRecord | undefined;
    await lane([0], { take: () => undefined, publish: (r) => void (record = r) });
    expect(record?.row).toBeDefined(); // seqft's task 0, offered once its row was evaluated
    const use = { taken: 0, published: 0 };
    const avg = await lane([2], {
      take: () => (use.taken++, record),
      publish: () => void use.published++,
    });
    // weight-avg replayed the record (it does not offer a record it took) and scored what it scores alone.
    expect(use).toEqual({ taken: 1, published: 0 });
    expect(untimed({ ...one.doc, strategies: [avg] })).toEqual(
      untimed({ ...one.doc, strategies: [one.doc.strategies[2]] }),
    );
  }, 120_000);

  it('a lane whose backend fell back to another says so and runs nothing', async () => {
    const sent: FromLane[] = [];
    let handler: (m: ToLane) => void = () => {};
    serveLane({ post: (m) => sent.push(m), onMessage: (h) => void (handler = h) }, async () => {});
    // The run is on cpu; this thread's backend stayed wasm (as a failed start falls back).
    handler({
      type: 'start',
      spec: spec(),
      backend: 'cpu',
      only: [0],
      options: {},
      hooks: { models: false, checkpoints: false, paused: false },
    });
    await expect.poll(() => sent.length).toBe(1);
    expect(sent[0]).toEqual({ type: 'failed', message: 'the cpu backend did not start in this lane (wasm did)' });
  });

  it('marks the strategies of a lane that fails and finishes the others', async () => {
    let failed: (message: string) => void = () => {};
    const broken: LaneHost = {
      count: 2,
      open: () => ({
        post: (m) => void (m.type === 'start' && setTimeout(() => failed('out of memory'))),
        onMessage: () => {},
        onFailure: (f) => void (failed = f),
        close: () => {},
      }),
    };
    const one = await run();
    const { doc } = await run(broken);
    expect(doc.strategies.map((s) => s.label)).toEqual(NAMES);
    for (const [i, s] of doc.strategies.entries()) {
      if (s.error) {
        expect(s.error).toBe(`${NAMES[i]}: its lane's thread ended: out of memory`);
        expect(s.matrix).toEqual([]);
      } else
        expect(untimed({ ...one.doc, strategies: [s] })).toEqual(
          untimed({ ...one.doc, strategies: [one.doc.strategies[i]] }),
        );
    }
    expect(doc.strategies.filter((s) => s.error).map((s) => s.label)).toEqual(['seqft', 'weight-avg']);
  }, 120_000);

  it('stops every lane and closes their threads', async () => {
    let steps = 0;
    const { host, seen } = counted(nodeLanes(2)!);
    const events: RunEvent[] = [];
    const doc = await runExperiment(
      spec(),
      { onEvent: (e) => (e.type === 'step' && steps++, events.push(e)), shouldStop: () => steps >= 3 },
      { lanes: host },
    );
    expect(doc.stopped).toBe(true);
    expect(seen).toEqual({ opened: 1, closed: 1 });
    // Each lane stops within a step of the stop it is sent; nothing finishes its queue.
    expect(doc.strategies.every((s) => s.matrix.length < 3)).toBe(true);
    // The spec's strategies in order, as far as any started: one a stop kept from starting before a later one is there.
    expect(doc.strategies.map((s) => s.label)).toEqual(NAMES.slice(0, doc.strategies.length));
    expect(doc.strategies.length).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
