// The engine's wasm data-movement kernels (src/engine/backend/wasmKernels/slice.ts, gather.ts, concat.ts) copy the
// same elements as tfjs's: slices, splits, first-axis gathers and concats on wasm equal the cpu backend's bit for bit,
// for contiguous and strided slices of every rank, splits along outer and inner axes, repeated and out-of-range
// gather ids, concats along every axis, and they leave no tensor or heap byte behind.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeRng, randn } from '../src/engine/util/rng';
import { useBackend } from './helpers/tf';

const rng = makeRng(5);
const randomArray = (n: number) => Float32Array.from({ length: n }, () => randn(rng));

/** f's outputs on cpu and on wasm: float32 as bits, other dtypes as values. */
async function bitsOnBoth(f: () => tf.Tensor | tf.Tensor[]) {
  const run = async (backend: 'cpu' | 'wasm') => {
    await useBackend(backend);
    const out = tf.tidy(f);
    const outs = Array.isArray(out) ? out : [out];
    const bits = await Promise.all(
      outs.map(async (o) => {
        const data = await o.data();
        const bits = data instanceof Float32Array ? Array.from(new Uint32Array(data.slice().buffer)) : Array.from(data);
        return { shape: o.shape, dtype: o.dtype, bits };
      }),
    );
    tf.dispose(outs);
    return bits;
  };
  return { cpu: await run('cpu'), wasm: await run('wasm') };
}

describe('wasm slices and splits read the heap in place', () => {
  const x = { data: randomArray(2 * 3 * 4 * 5 * 6), shape: [2, 3, 4, 5, 6] };
  const cases: [string, number[], number[], number[]][] = [
    ['rank 1, contiguous', [120], [7], [50]],
    ['rank 2, rows (contiguous)', [12, 10], [3, 0], [4, 10]],
    ['rank 2, columns (strided)', [12, 10], [1, 2], [9, 5]],
    ['rank 3, strided', [4, 5, 6], [1, 1, 2], [2, 3, 3]],
    ['rank 4, strided', [3, 4, 5, 2], [0, 1, 2, 1], [3, 2, 3, 1]],
    ['rank 5, strided', [2, 3, 4, 5, 6], [1, 0, 1, 2, 3], [1, 3, 2, 2, 3]],
    ['empty', [12, 10], [2, 3], [0, 4]],
  ];
  for (const [label, shape, begin, size] of cases)
    it(`Slice ${label}: bit for bit cpu's`, async () => {
      const { cpu, wasm } = await bitsOnBoth(() =>
        tf.slice(tf.tensor(x.data.subarray(0, tf.util.sizeFromShape(shape)), shape), begin, size),
      );
      expect(wasm).toEqual(cpu);
    });

  for (const [axis, sizes] of [
    [0, 2],
    [1, [1, 2]],
    [3, [2, 1, 2]],
    [4, 3],
  ] as [number, number | number[]][])
    it(`SplitV along axis ${axis}: bit for bit cpu's`, async () => {
      const { cpu, wasm } = await bitsOnBoth(() => tf.split(tf.tensor(x.data, x.shape), sizes, axis));
      expect(wasm).toEqual(cpu);
    });

  it('int32 and bool slices keep their values', async () => {
    const { cpu, wasm } = await bitsOnBoth(() => [
      tf.slice(tf.tensor2d([1, -2, 3, 4, 5, -6], [2, 3], 'int32'), [0, 1], [2, 2]),
      tf.slice(tf.tensor2d([1, 0, 1, 1, 0, 0], [2, 3], 'bool'), [0, 1], [2, 2]),
    ]);
    expect(wasm).toEqual(cpu);
  });
});

describe('wasm first-axis gathers copy rows in the heap', () => {
  it('short and long rows, repeated ids, 2-D ids: bit for bit cpu', async () => {
    const ids = [3, 0, 3, 5, 1, 1, 0];
    for (const width of [4, 64]) {
      const table = randomArray(6 * width);
      const { cpu, wasm } = await bitsOnBoth(() => [
        tf.gather(tf.tensor2d(table, [6, width]), tf.tensor1d(ids, 'int32')),
        tf.gather(tf.tensor2d(table, [6, width]), tf.tensor2d(ids.slice(0, 6), [2, 3], 'int32')),
        tf.gather(tf.tensor1d(table.subarray(0, 6)), tf.tensor1d(ids, 'int32')),
        tf.gather(tf.tensor2d(ids.slice(0, 6), [3, 2], 'int32'), tf.tensor1d([2, 0], 'int32')),
      ]);
      expect(wasm).toEqual(cpu);
    }
  });

  it('an id outside the table is refused with its value', async () => {
    await useBackend('wasm');
    const table = tf.tensor2d(randomArray(12), [3, 4]);
    const ids = tf.tensor1d([0, 3], 'int32');
    expect(() => tf.gather(table, ids)).toThrow(/index value 3 is not in \[0, 2\]/);
    tf.dispose([table, ids]);
  });

  it('other axes still gather as tfjs does', async () => {
    const table = randomArray(24);
    const { cpu, wasm } = await bitsOnBoth(() =>
      tf.gather(tf.tensor3d(table, [2, 3, 4]), tf.tensor1d([2, 0, 2], 'int32'), 1),
    );
    expect(wasm).toEqual(cpu);
  });
});

describe('wasm concats copy short rows element by element', () => {
  it('along every axis, short and long rows, an empty input: bit for bit cpu', async () => {
    const a = randomArray(2 * 3 * 70);
    const b = randomArray(2 * 3 * 70);
    const { cpu, wasm } = await bitsOnBoth(() => [
      tf.concat([tf.tensor3d(a.subarray(0, 24), [2, 3, 4]), tf.tensor3d(b.subarray(0, 6), [2, 3, 1])], 2),
      tf.concat([tf.tensor3d(a, [2, 3, 70]), tf.tensor3d(b.subarray(0, 140), [2, 1, 70])], 1),
      tf.concat([tf.tensor2d(a.subarray(0, 12), [3, 4]), tf.tensor2d(b.subarray(0, 8), [2, 4])], 0),
      tf.concat([tf.tensor2d(a.subarray(0, 12), [3, 4]), tf.zeros([3, 0]), tf.tensor2d(b.subarray(0, 6), [3, 2])], 1),
      tf.concat([tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([5, 6], [2, 1], 'int32')], 1),
      tf.concat([tf.tensor2d([1, 0, 0, 1], [2, 2], 'bool'), tf.tensor2d([1, 1], [2, 1], 'bool')], 1),
    ]);
    expect(wasm).toEqual(cpu);
  });
});

it('slices, splits, gathers and concats leave no tensor or heap byte behind', async () => {
  await useBackend('wasm');
  const x = tf.tensor3d(randomArray(60), [3, 4, 5]);
  const ids = tf.tensor1d([2, 0], 'int32');
  const work = () =>
    void [tf.slice(x, [0, 1, 1], [2, 2, 3]), tf.split(x, 2, 1), tf.gather(x, ids), tf.concat([x, x], 2)];
  tf.tidy(work);
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const before = { ...tf.memory(), buffers: backend.numDataIds() };
  for (let i = 0; i < 20; i++) tf.tidy(work);
  expect({ ...tf.memory(), buffers: backend.numDataIds() }).toEqual(before);
  tf.dispose([x, ids]);
});
