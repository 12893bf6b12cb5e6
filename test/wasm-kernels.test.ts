// The engine's own wasm kernel (kernels/batchMatMul.ts): the embedded binary is what its source compiles to, and the
// wasm backend's batched and transposed products, with it installed, equal the cpu backend's, forward and backward,
// for every transpose and for sizes that exercise each of its column loops (16 at a time, 4 at a time, one at a time).
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BLOCKED_FROM, installWasmBatchMatMul } from '../src/engine/backend/wasmKernels/batchMatMul';
import { batchMatMulWasm } from '../src/engine/backend/wasmKernels/batchMatMulBinary';
import { explicitTransposeProduct } from '../src/engine/model/matmul';
import { compileWasmKernel, embeddedModule, wasmKernelSources } from '../scripts/wasmKernels';
import { makeRng, randn } from '../src/engine/util/rng';
import { useBackend } from './helpers/tf';

const rng = makeRng(11);
const randomArray = (n: number) => Float32Array.from({ length: n }, () => randn(rng));

/** Runs f on both backends with the same host inputs and returns both outputs as host arrays. */
async function onBoth(
  inputs: { data: Float32Array; shape: number[] }[],
  f: (xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
) {
  const run = async (backend: 'cpu' | 'wasm') => {
    await useBackend(backend);
    const xs = inputs.map((x) => tf.tensor(x.data, x.shape));
    const out = f(xs);
    const outs = Array.isArray(out) ? out : [out];
    const data = await Promise.all(outs.map((o) => o.data() as Promise<Float32Array>));
    const shapes = outs.map((o) => o.shape);
    tf.dispose([...xs, ...outs]);
    return { data, shapes };
  };
  return { cpu: await run('cpu'), wasm: await run('wasm') };
}

/** Float32 sums of `terms` products: the tolerance grows with the length of the longest sum. */
function expectClose(got: Float32Array, want: Float32Array, label: string, terms = 16) {
  expect(got.length, label).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++)
    worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])));
  expect(worst, label).toBeLessThan(1e-6 * Math.max(terms, 10));
}

describe('wasm batched matrix product (SIMD kernel)', () => {
  it('the embedded binary is what kernels/batchMatMul.ts compiles to', async () => {
    const k = wasmKernelSources[0];
    const binary = await compileWasmKernel(k.source);
    expect(readFileSync(k.out, 'utf8')).toBe(embeddedModule(k, binary));
    expect(Buffer.from(batchMatMulWasm, 'base64').equals(Buffer.from(binary))).toBe(true);
  });

  it('installs in front of tfjs-wasm and says so', async () => {
    await useBackend('wasm');
    expect(await installWasmBatchMatMul()).toBe('batched and transposed products: SIMD kernel');
  });

  // [batch dims, m, k, n]: attention's shape, a linear layer's (2-D), every column loop, k = 1, odd sizes, a rank-5 batch.
  const cases: [number[], number, number, number][] = [
    [[16, 4], 16, 16, 16],
    [[], 256, 64, 192],
    [[], 7, 3, 18],
    [[2], 3, 5, 7],
    [[3], 5, 1, 33],
    [[5], 17, 9, 20],
    [[2, 2, 3], 4, 6, 19],
  ];
  for (const [outer, m, k, n] of cases)
    for (const [ta, tb] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      it(`[${outer}] ${m}×${k}·${k}×${n}, transposeA ${ta}, transposeB ${tb}: equals cpu, and so do both gradients`, async () => {
        const aShape = [...outer, ...(ta ? [k, m] : [m, k])];
        const bShape = [...outer, ...(tb ? [n, k] : [k, n])];
        const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
        const dy = { data: randomArray(size(outer) * m * n), shape: [...outer, m, n] };
        const a = { data: randomArray(size(aShape)), shape: aShape };
        const b = { data: randomArray(size(bShape)), shape: bShape };
        const { cpu, wasm } = await onBoth([a, b, dy], ([x, y, g]) => {
          const f = (p: tf.Tensor, q: tf.Tensor) => tf.matMul(p, q, ta, tb);
          const grads = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(f(p, q), g)))([x, y]);
          return [f(x, y), ...grads];
        });
        expect(wasm.shapes).toEqual(cpu.shapes);
        ['product', 'grad a', 'grad b'].forEach((label, i) =>
          expectClose(wasm.data[i], cpu.data[i], label, Math.max(m, k, n)),
        );
      });
    }

  it('leaves broadcast batches to tfjs; plain 2-D products equal cpu; the same errors as before', async () => {
    const a = { data: randomArray(1 * 4 * 6), shape: [1, 4, 6] };
    const b = { data: randomArray(3 * 6 * 5), shape: [3, 6, 5] };
    const c = { data: randomArray(7 * 4), shape: [7, 4] };
    const { cpu, wasm } = await onBoth([a, b, c], ([x, y, z]) => [
      tf.matMul(x, y),
      tf.matMul(z, tf.reshape(x, [4, 6])),
    ]);
    expect(wasm.shapes).toEqual([
      [3, 4, 5],
      [7, 6],
    ]);
    wasm.data.forEach((d, i) => expectClose(d, cpu.data[i], `case ${i}`));
    await useBackend('wasm');
    expect(() => tf.tidy(() => tf.matMul(tf.zeros([2, 3, 4]), tf.zeros([2, 5, 6])))).toThrow(
      /inner shapes \(4\) and \(5\)/,
    );
  });

  it('runs a large 2-D product (past BLOCKED_FROM) blocked, transposed or not: equals cpu, leaks nothing', async () => {
    const [m, k, n] = [64, 64, 8200]; // a vocabulary projection's shape, just past the threshold
    expect(m * k * n).toBeGreaterThanOrEqual(BLOCKED_FROM);
    for (const [ta, tb] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      const a = { data: randomArray(m * k), shape: ta ? [k, m] : [m, k] };
      const b = { data: randomArray(k * n), shape: tb ? [n, k] : [k, n] };
      const { cpu, wasm } = await onBoth([a, b], ([x, y]) => tf.matMul(x, y, ta, tb));
      expect(wasm.shapes).toEqual([[m, n]]);
      expectClose(wasm.data[0], cpu.data[0], `(${ta}, ${tb})`, k);
    }
    await useBackend('wasm');
    const [x, y] = [tf.randomNormal([m, k]), tf.randomNormal([n, k])];
    tf.tidy(() => void tf.matMul(x, y, false, true));
    const before = tf.memory();
    for (let i = 0; i < 3; i++) tf.tidy(() => void tf.matMul(x, y, false, true));
    expect([tf.memory().numTensors, tf.memory().numBytes]).toEqual([before.numTensors, before.numBytes]);
    tf.dispose([x, y]);
  });

  it('Identity (every tensor saved for a gradient) shares the buffer: same values, independent lifetimes, nothing leaks', async () => {
    await useBackend('wasm');
    const before = tf.memory();
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const buffers = backend.numDataIds();
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.clone(x);
    expect(backend.numDataIds()).toBe(buffers + 1); // one buffer for both
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3]);
    y.dispose();
    expect(backend.numDataIds()).toBe(buffers);
    // A gradient through saved tensors still equals cpu's.
    const g = async (name: 'cpu' | 'wasm') => {
      await useBackend(name);
      return tf.tidy(() =>
        Array.from(
          tf
            .grad((a: tf.Tensor) => tf.sum(tf.mul(tf.exp(a), tf.square(a))))(tf.tensor1d([0.5, -1, 2]))
            .dataSync(),
        ),
      );
    };
    const [onCpu, onWasm] = [await g('cpu'), await g('wasm')];
    onWasm.forEach((v, i) => expect(v).toBeCloseTo(onCpu[i], 5));
    await useBackend('wasm');
    expect([tf.memory().numTensors, tf.memory().numBytes]).toEqual([before.numTensors, before.numBytes]);
  });

  it('leaks no tensor or byte of the wasm heap over repeated products', async () => {
    await useBackend('wasm');
    const x = tf.randomNormal([8, 16, 16]);
    const product = () => void tf.matMul(x, x, false, true);
    tf.tidy(product);
    const before = tf.memory();
    for (let i = 0; i < 50; i++) tf.tidy(product);
    const after = tf.memory();
    expect([after.numTensors, after.numBytes]).toEqual([before.numTensors, before.numBytes]);
    x.dispose();
  });

  it("the model's fallback where the kernel cannot load (explicit transposes, plain products) equals cpu, gradients too", async () => {
    for (const [ta, tb] of [
      [false, true],
      [true, false],
      [true, true],
    ] as const) {
      const a = { data: randomArray(6 * 5), shape: ta ? [5, 6] : [6, 5] };
      const b = { data: randomArray(5 * 7), shape: tb ? [7, 5] : [5, 7] };
      const dy = { data: randomArray(6 * 7), shape: [6, 7] };
      const { cpu } = await onBoth([a, b, dy], ([x, y, g]) => [
        tf.matMul(x, y, ta, tb),
        ...tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.matMul(p, q, ta, tb), g)))([x, y]),
      ]);
      const { wasm } = await onBoth([a, b, dy], ([x, y, g]) => {
        const f = (p: tf.Tensor, q: tf.Tensor) => explicitTransposeProduct(p, q, ta, tb);
        return [f(x, y), ...tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(f(p, q), g)))([x, y])];
      });
      ['product', 'grad a', 'grad b'].forEach((label, i) =>
        expectClose(wasm.data[i], cpu.data[i], `${label} (${ta}, ${tb})`),
      );
    }
  });
});
