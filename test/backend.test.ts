// Backend selection in Node: wasm and cpu work and agree; browser-only backends fall back with a message.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { chooseBackend } from '../src/engine/backend';

async function smallMatMul(): Promise<Float32Array> {
  const a = tf.tensor2d(
    Array.from({ length: 12 }, (_, i) => Math.sin(i + 1)),
    [3, 4],
  );
  const b = tf.tensor2d(
    Array.from({ length: 20 }, (_, i) => Math.cos(i * 0.7)),
    [4, 5],
  );
  const c = tf.matMul(a, b);
  const out = (await c.data()) as Float32Array;
  tf.dispose([a, b, c]);
  return out;
}

describe('chooseBackend in Node', () => {
  it('runs cpu and wasm when asked, and they agree on a matMul', async () => {
    const cpu = await chooseBackend('cpu');
    expect(cpu).toMatchObject({ name: 'cpu', fallbacks: [] });
    expect(tf.getBackend()).toBe('cpu');
    const onCpu = await smallMatMul();

    const wasm = await chooseBackend('wasm');
    expect(wasm).toMatchObject({ name: 'wasm', fallbacks: [] });
    expect(wasm.reason).toMatch(/single thread/);
    expect(tf.getBackend()).toBe('wasm');
    const onWasm = await smallMatMul();

    expect(onWasm.length).toBe(15);
    for (let i = 0; i < onCpu.length; i++) expect(onWasm[i]).toBeCloseTo(onCpu[i], 5);
  });

  it('auto picks wasm and names what it passed over', async () => {
    const auto = await chooseBackend('auto');
    expect(auto.name).toBe('wasm');
    expect(auto.reason).toMatch(/chosen automatically/);
    expect(auto.reason).toMatch(/webgpu: WebGPU exists only in browsers/);
  });

  it('falls back with a message when webgpu or webgl is asked for', async () => {
    for (const forced of ['webgpu', 'webgl'] as const) {
      const choice = await chooseBackend(forced);
      expect(choice.name).toBe('wasm');
      expect(choice.fallbacks).toHaveLength(1);
      expect(choice.fallbacks[0]).toMatch(new RegExp(`^${forced} is not available: `));
      expect(choice.reason).toMatch(new RegExp(`after ${forced} could not be used`));
    }
  });
});
