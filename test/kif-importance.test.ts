import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImportanceTracker, trackingHooks, type TrackerOptions } from '../src/engine/kif/importance';
import { importanceMetrics, type ImportanceOptions } from '../src/engine/kif/importanceMetrics';
import { ImportanceReference } from '../src/engine/kif/importanceReference';
import { buildUnits, type ParamShape } from '../src/engine/kif/units';
import { presets } from '../src/engine/model/config';
import { paramSpecs } from '../src/engine/model/paramSpec';
import { makeRng, randn } from '../src/engine/util/rng';
import { hasShared, sharedPath } from './shared';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Nested = number | Nested[];
type HostMap = Map<string, Float32Array>;
interface HostStep {
  params: HostMap;
  grads: HostMap;
}

const shapeOf = (x: Nested): number[] => (Array.isArray(x) ? [x.length, ...shapeOf(x[0])] : []);
const leaves = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(leaves) : [x]);
const flat = (x: Nested) => Float32Array.from(leaves(x));
const hostMap = (r: Record<string, Nested>, rename: (k: string) => string = (k) => k): HostMap =>
  new Map(Object.entries(r).map(([k, v]) => [rename(k), flat(v)]));

function toDevice(m: HostMap, params: readonly ParamShape[]): Map<string, tf.Tensor> {
  const shapes = new Map(params.map((p) => [p.name, [...p.shape]]));
  return new Map([...m].map(([k, v]) => [k, tf.tensor(v, shapes.get(k))]));
}

/** Feeds the same steps to the tf tracker and to the JS reference. */
/** `tracker` lives where options.placement says (device by default); `hostTracker` always on the host. */
function runBoth(params: ParamShape[], steps: HostStep[], options: Partial<TrackerOptions>, maxGroupElements?: number) {
  const { placement = 'device', ...importance } = options;
  const tracker = new ImportanceTracker(params, {
    ...options,
    placement,
    ...(maxGroupElements ? { maxGroupElements } : {}),
  });
  const hostTracker = new ImportanceTracker(params, { ...importance, placement: 'host' });
  const reference = new ImportanceReference(params, importance as Partial<ImportanceOptions>);
  for (const s of steps) {
    const [p, g] = [toDevice(s.params, params), toDevice(s.grads, params)];
    tracker.update(p, g);
    hostTracker.update(p, g);
    reference.update(s.params, s.grads);
    tf.dispose([...p.values(), ...g.values()]);
  }
  return { tracker, hostTracker, reference };
}

const vectors = hasShared ? JSON.parse(readFileSync(sharedPath('kif', 'test-vectors.json'), 'utf8')) : null;

describe.skipIf(!hasShared)('test vectors (kif/test-vectors.json)', () => {
  type VectorStep = { params: Record<string, Nested>; grads: Record<string, Nested> };

  function emaExample() {
    const ex = vectors.ema_example;
    const params = Object.entries(ex.steps[0].params as Record<string, Nested>).map(([name, v]) => ({
      name,
      shape: shapeOf(v),
    }));
    const steps: HostStep[] = ex.steps.map((s: VectorStep) => ({ params: hostMap(s.params), grads: hostMap(s.grads) }));
    return { ex, params, steps, units: buildUnits('tensor', params, { numHeads: 1 }) };
  }

  it('ema_example: element scores and tensor-unit scores after three counted steps', async () => {
    const { ex, params, steps, units } = emaExample();
    const { tracker, hostTracker, reference } = runBoth(params, steps, {
      beta1: ex.beta1,
      beta2: ex.beta2,
      skipFirstStep: false,
    });
    const elements = reference.elementScores();
    for (const [name, want] of Object.entries(ex.final_element_scores as Record<string, Nested>)) {
      flat(want).forEach((w, i) => expect(elements.get(name)![i]).toBeCloseTo(w, 6));
    }
    for (const scores of [
      reference.unitScores(units),
      await tracker.unitScores(units),
      await hostTracker.unitScores(units),
    ]) {
      for (const [name, want] of Object.entries(ex.matrix_unit_scores as Record<string, number>))
        expect(scores.get(name)).toBeCloseTo(want, 6);
    }
    tracker.dispose();
  });

  it('ema_example: the skipped first step of a task leaves no trace', async () => {
    const { ex, params, steps, units } = emaExample();
    const junk: HostStep = { params: steps[2].params, grads: steps[0].params };
    const { tracker, hostTracker, reference } = runBoth(params, [junk, ...steps], {});
    expect([tracker.steps, hostTracker.steps, reference.steps]).toEqual([3, 3, 3]);
    for (const scores of [
      reference.unitScores(units),
      await tracker.unitScores(units),
      await hostTracker.unitScores(units),
    ]) {
      for (const [name, want] of Object.entries(ex.matrix_unit_scores as Record<string, number>))
        expect(scores.get(name)).toBeCloseTo(want, 6);
    }
    tracker.dispose();
  });

  it('lora_rank_units_example: second-order rank-unit scores mean(s_B[:,j])·mean(s_A[j,:])', async () => {
    const ex = vectors.lora_rank_units_example;
    const rename = (k: string) => `layer0.q.lora_${k}`;
    const steps: HostStep[] = ex.steps.map((s: VectorStep) => ({
      params: hostMap(s.params, rename),
      grads: hostMap(s.grads, rename),
    }));
    const params = [
      { name: 'layer0.q.lora_A', shape: shapeOf(ex.steps[0].params.A) },
      { name: 'layer0.q.lora_B', shape: shapeOf(ex.steps[0].params.B) },
    ];
    const units = buildUnits('lora-rank', params, { numHeads: 1 });
    expect(units.map((u) => u.name)).toEqual(['layer0.q.lora|0', 'layer0.q.lora|1']);
    const { tracker, hostTracker, reference } = runBoth(params, steps, {
      metric: 'second-order',
      skipFirstStep: false,
    });
    for (const scores of [
      reference.unitScores(units),
      await tracker.unitScores(units),
      await hostTracker.unitScores(units),
    ]) {
      for (const j of [0, 1]) expect(scores.get(`layer0.q.lora|${j}`)).toBeCloseTo(ex.unit_scores[`layer0.q|${j}`], 6);
    }
    tracker.dispose();
  });
});

describe('tf tracker against the JS reference (random data, nano preset plus a LoRA pair)', () => {
  const nano = presets.nano;
  const params: ParamShape[] = [
    ...paramSpecs(nano),
    { name: 'encoder.block.0.layer.0.SelfAttention.q.lora_A', shape: [4, 64] },
    { name: 'encoder.block.0.layer.0.SelfAttention.q.lora_B', shape: [64, 4] },
  ];
  const rng = makeRng(7);
  const draw = (scale: number): HostMap =>
    new Map(
      params.map((p) => [
        p.name,
        Float32Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => scale * randn(rng)),
      ]),
    );
  const steps: HostStep[] = Array.from({ length: 4 }, () => ({ params: draw(0.5), grads: draw(0.8) }));

  for (const placement of ['device', 'host'] as const)
    for (const metric of Object.keys(importanceMetrics)) {
      it(`${metric} (${placement}): unit scores agree to 1e-4 relative for every granularity, over several buffer groups`, async () => {
        const { tracker, reference } = runBoth(params, steps, { metric, placement }, 40_000);
        expect(tracker.steps).toBe(3);
        for (const granularity of ['tensor', 'head-neuron', 'lora-rank']) {
          const units = buildUnits(granularity, params, { numHeads: nano.numHeads });
          const got = await tracker.unitScores(units);
          const want = reference.unitScores(units);
          expect([got.size, want.size]).toEqual([units.length, units.length]);
          for (const [name, w] of want) {
            expect(w).toBeGreaterThan(0);
            expect(Math.abs(got.get(name)! - w) / w).toBeLessThan(1e-4);
          }
        }
        tracker.dispose();
      });
    }

  it('an update costs a fixed number of compute kernels per buffer group, whatever the number of tensors in it', async () => {
    const [p, g] = [toDevice(steps[0].params, params), toDevice(steps[0].grads, params)];
    for (const [metric, most] of [
      ['first-order', 11],
      ['second-order', 14],
      ['plain', 7],
    ] as const) {
      const tracker = new ImportanceTracker(params, { metric, skipFirstStep: false, placement: 'device' });
      const { kernels } = await tf.profile(() => tracker.update(p, g));
      // Reshapes only relabel the flat views; everything else is the concat + elementwise chain of the one group.
      expect(kernels.filter((k) => k.name !== 'Reshape').length, metric).toBeLessThanOrEqual(most);
      tracker.dispose();
    }
    const host = new ImportanceTracker(params, { skipFirstStep: false, placement: 'host' });
    expect((await tf.profile(() => host.update(p, g))).kernels.length).toBe(0);
    host.dispose();
    tf.dispose([...p.values(), ...g.values()]);
  });

  it("the trainer's host arrays (updateHost): clip scale applied, untrained parameters as gradient zero", async () => {
    const scale = 0.37;
    const trained = params.filter((_, i) => i % 3 !== 1).map((p) => p.name);
    const scaled = (m: HostMap) => new Map(trained.map((n) => [n, m.get(n)!.map((v) => v * scale)]));
    const reference = new ImportanceReference(params, { metric: 'second-order' });
    const tracker = new ImportanceTracker(params, {
      metric: 'second-order',
      placement: 'host',
      maxGroupElements: 40_000,
    });
    for (const s of steps) {
      tracker.updateHost({
        names: trained,
        grads: trained.map((n) => s.grads.get(n)!),
        scale,
        weights: trained.map((n) => s.params.get(n)!),
      });
      reference.update(s.params, scaled(s.grads));
    }
    const units = buildUnits('head-neuron', params, { numHeads: nano.numHeads });
    const want = reference.unitScores(units);
    expect(tracker.steps).toBe(3);
    const got = await tracker.unitScores(units);
    for (const [name, w] of want) {
      if (w === 0) expect(got.get(name), name).toBe(0);
      else expect(Math.abs(got.get(name)! - w) / w, name).toBeLessThan(1e-4);
    }
    tracker.dispose();
    expect([...want.values()].filter((v) => v === 0).length).toBeGreaterThan(0);
    expect([...want.values()].filter((v) => v > 0).length).toBeGreaterThan(units.length / 2);
  });

  it('trackingHooks offers the host form only for a tracker on the host; a device tracker refuses host arrays', () => {
    const host = new ImportanceTracker(params, { placement: 'host' });
    const device = new ImportanceTracker(params, { placement: 'device' });
    expect(Object.keys(trackingHooks(host, new Map())).sort()).toEqual(['onGrads', 'onHostGrads']);
    expect(Object.keys(trackingHooks(device, new Map()))).toEqual(['onGrads']);
    expect(() => device.updateHost({ names: [], grads: [], scale: 1, weights: [] })).toThrow(
      /host arrays given to a tracker whose buffers live on the device/,
    );
    host.dispose();
    device.dispose();
  });

  it('bad knobs are named', () => {
    expect(() => new ImportanceTracker(params, { metric: 'fisher' })).toThrow(
      /unknown importance metric "fisher"; known: first-order, second-order, plain/,
    );
    expect(() => new ImportanceReference(params, { beta1: 1.2, beta2: -1 })).toThrow(
      /beta1 must be in \[0, 1\] \(got 1.2\); beta2/,
    );
  });

  it('a tracked parameter without a gradient counts as gradient zero; units outside the tracked set are left out', async () => {
    const some = params.slice(0, 3);
    const only = (m: HostMap, names: ParamShape[]) => new Map(names.map((p) => [p.name, m.get(p.name)!]));
    const step = { params: only(steps[0].params, some), grads: only(steps[0].grads, some.slice(0, 1)) };
    const { tracker, reference } = runBoth(some, [step], { skipFirstStep: false });
    const units = buildUnits('tensor', params, { numHeads: nano.numHeads });
    const got = await tracker.unitScores(units);
    expect([...got.keys()]).toEqual(some.map((p) => p.name));
    expect(got.get(some[1].name)).toBe(0);
    for (const [name, w] of reference.unitScores(units)) expect(got.get(name)).toBeCloseTo(w, 9);
    tracker.dispose();
  });

  it('update and readback leak no tensors over many steps; reset zeroes the scores and skips the next first step', async () => {
    const [p, g] = [toDevice(steps[0].params, params), toDevice(steps[0].grads, params)];
    const outside = tf.memory().numTensors;
    const tracker = new ImportanceTracker(params, { maxGroupElements: 100_000 });
    const units = buildUnits('head-neuron', params, { numHeads: nano.numHeads });
    tracker.update(p, g);
    tracker.update(p, g);
    await tracker.unitScores(units);
    const held = tf.memory().numTensors;
    for (let i = 0; i < 30; i++) {
      tracker.update(p, g);
      if (i % 10 === 0) await tracker.unitScores(units);
    }
    expect(tf.memory().numTensors).toBe(held);
    tracker.reset();
    expect(tf.memory().numTensors).toBe(held);
    expect(tracker.steps).toBe(0);
    tracker.update(p, g);
    expect(tracker.steps).toBe(0);
    expect([...(await tracker.unitScores(units)).values()].every((v) => v === 0)).toBe(true);
    tracker.dispose();
    expect(tf.memory().numTensors).toBe(outside);
    tf.dispose([...p.values(), ...g.values()]);
  });
});
