// The pieces behind run inputs and faults: the worker's fault switch, what counts as a backend failure and the
// hand-over to the next backend, the heatmap's place for kif-lora's rank units, imported datasets split for runs, and
// what a saved run keeps of its inputs.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { BackendFailure, fallBackFrom, isBackendFailure } from '../src/engine/backend';
import { unitPlace } from '../src/engine/kif/unitKindRegistry';
import { unitInfoFromName, unitTableFromNames } from '../src/engine/kif/unitNames';
import { unitGrid } from '../src/app/heatmap/unitLayout';
import { datasetFromImport } from '../src/app/importedStore';
import { SAVE_LIMITS, savableInputs } from '../src/app/runInputs';
import { FaultSwitch } from '../src/worker/faultSwitch';

describe('fault switch', () => {
  it('throws the armed kind at step N of the run, once per worker', () => {
    const f = new FaultSwitch();
    f.arm('backend@3');
    f.tick();
    f.tick();
    expect(() => f.tick()).toThrow(BackendFailure);
    f.tick();
    f.arm('backend@1'); // fired already: later runs go through
    expect(() => f.tick()).not.toThrow();
    const g = new FaultSwitch();
    g.arm('error@1');
    let thrown: unknown;
    try {
      g.tick();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(isBackendFailure(thrown)).toBe(false);
  });

  it('ignores a malformed parameter', () => {
    const f = new FaultSwitch();
    for (const p of ['', 'backend', 'backend@x', 'boom@2', undefined]) {
      f.arm(p);
      expect(() => f.tick()).not.toThrow();
    }
  });
});

describe('backend failures', () => {
  it('tells device and module failures from errors of the experiment', () => {
    expect(isBackendFailure(new Error('GPUDevice was lost: reason destroyed'))).toBe(true);
    expect(isBackendFailure(new Error('WebGL context lost.'))).toBe(true);
    expect(isBackendFailure(new WebAssembly.RuntimeError('memory access out of bounds'))).toBe(true);
    expect(isBackendFailure(new Error('tasks[0].task.dataset: no dataset "x" was provided'))).toBe(false);
    expect(isBackendFailure('device lost')).toBe(false);
  });

  afterAll(() => tf.setBackend('cpu'));

  it('hands over to the next backend in the order that starts here (Node: no WebGL, so cpu after wasm)', async () => {
    const choice = await fallBackFrom('wasm');
    expect(choice.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(choice.reason).toContain('after wasm failed during the run');
    expect(choice.fallbacks[1]).toMatch(/^webgl is not available/);
    await expect(fallBackFrom('cpu')).rejects.toThrow('cpu failed and no backend after it could start');
  });
});

describe('heatmap units', () => {
  const q = 'encoder.block.0.layer.0.SelfAttention.q';
  it('places LoRA rank units as sub-cells of their module', () => {
    const placeUnit = (name: string) => unitPlace(unitInfoFromName(name));
    expect(placeUnit(`${q}.lora|3`)).toEqual({ row: 'encoder 0', group: 'self-attn', sub: 'q·3' });
    expect(placeUnit('decoder.block.1.layer.1.EncDecAttention.v.lora|0')).toEqual({
      row: 'decoder 1',
      group: 'cross-attn',
      sub: 'v·0',
    });
    const names = [`${q}.lora|0`, `${q}.lora|1`, 'encoder.block.0.layer.0.SelfAttention.v.lora|0'];
    const grid = unitGrid(unitTableFromNames('lora-rank', names));
    expect(grid.columns.map((c) => c.sub)).toEqual(['q·0', 'q·1', 'v·0']);
  });
});

describe('imported datasets and saved run inputs', () => {
  const rows = Array.from({ length: 50 }, (_, i) => ({ input: `x${i}`, output: String(i % 2) }));

  it('splits a file without splits 80/20 by input, and keeps a file its own split', () => {
    const d = datasetFromImport({ examples: rows });
    expect([d.train.length, d.test.length]).toEqual([40, 10]);
    const trainInputs = new Set(d.train.map((e) => e.input));
    expect(d.test.some((e) => trainInputs.has(e.input))).toBe(false);
    const own = datasetFromImport({
      examples: rows.map((r, i) => ({ ...r, split: i < 45 ? ('train' as const) : ('test' as const) })),
    });
    expect([own.train.length, own.test.length]).toEqual([45, 5]);
    expect(() => datasetFromImport({ examples: [{ input: 'a', output: 'b' }] })).toThrow('two distinct inputs');
  });

  it('keeps small inputs and names the ones too large to save', () => {
    const small = { train: rows, test: rows.slice(0, 5) };
    const big = { train: [{ input: 'x'.repeat(SAVE_LIMITS.datasetChars), output: 'y' }], test: [] };
    const weights = new Map([
      ['w', { shape: [SAVE_LIMITS.weights + 1], data: new Float32Array(SAVE_LIMITS.weights + 1) }],
    ]);
    const r = savableInputs({ datasets: { small, big }, base: { id: 'ckpt', weights } });
    expect(Object.keys(r.kept.datasets)).toEqual(['small']);
    expect(r.kept.base).toBeUndefined();
    expect(r.leftOut).toEqual(['dataset "big"', 'checkpoint "ckpt"']);
  });
});
