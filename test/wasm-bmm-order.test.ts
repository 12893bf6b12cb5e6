// The SIMD product's rounding, exactly: every element of C is Σ_kk A(i,kk)·B(kk,j) summed in float32 from kk = 0 up,
// each product rounded before its add (no fused multiply-add), whichever row and column loop computes it. A float32
// reference in that order must agree bit for bit, so a faster loop order can never change a training run's numbers.
// XNNPACK's plain 2-D product (large ones still run there) sums in that order too, so moving a product from one kernel
// to the other cannot change a number either.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeRng, randn } from '../src/engine/util/rng';
import { useBackend } from './helpers/tf';
import { XNNPACK_TRANSPOSED_FROM } from '../src/engine/backend/wasmKernels/batchMatMul';

const f = Math.fround;
const rng = makeRng(23);
const randomArray = (n: number) => Float32Array.from({ length: n }, () => randn(rng));

/** C = op(A)·op(B) per batch, summed in order in float32. */
function reference(
  a: Float32Array,
  b: Float32Array,
  batch: number,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
) {
  const c = new Float32Array(batch * m * n);
  for (let p = 0; p < batch; p++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let kk = 0; kk < k; kk++) {
          const x = a[p * m * k + (ta ? kk * m + i : i * k + kk)];
          const y = b[p * k * n + (tb ? j * k + kk : kk * n + j)];
          s = f(s + f(x * y));
        }
        c[p * m * n + i * n + j] = s;
      }
  return c;
}

describe('wasm SIMD product: summation order', () => {
  // [batch, m, k, n]: even and odd row counts, every column loop (16, 4, 1 at a time), a linear layer's 2-D shape.
  const cases: [number, number, number, number][] = [
    [3, 24, 16, 24],
    [2, 7, 5, 37],
    [1, 33, 64, 19],
    [4, 1, 9, 16],
  ];
  for (const [batch, m, k, n] of cases)
    for (const [ta, tb] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ])
      it(`${batch}×${m}×${k}×${n}, transposeA ${ta}, transposeB ${tb}: bit for bit the in-order float32 sum`, async () => {
        await useBackend('wasm');
        const [a, b] = [randomArray(batch * m * k), randomArray(batch * k * n)];
        const aShape = ta ? [batch, k, m] : [batch, m, k];
        const bShape = tb ? [batch, n, k] : [batch, k, n];
        const c = tf.tidy(() => {
          const [x, y] = [tf.tensor3d(a, aShape as never), tf.tensor3d(b, bShape as never)];
          // A batch of one as a 2-D product, as a linear layer's products are.
          if (batch === 1) return tf.matMul(tf.squeeze(x, [0]), tf.squeeze(y, [0]), ta, tb);
          return tf.matMul(x, y, ta, tb);
        });
        const got = (await c.data()) as Float32Array;
        c.dispose();
        const want = reference(a, b, batch, m, k, n, ta, tb);
        expect(Array.from(new Uint32Array(got.buffer.slice(0)))).toEqual(Array.from(new Uint32Array(want.buffer)));
      });

  it("the copy path (operands copied into the kernel's own memory, as on the threaded binary's shared heap) too", async () => {
    await useBackend('wasm');
    // Where the heap's memory cannot be imported (importableMemory: null) the kernel copies operands in and the
    // result out. Node runs the single-threaded binary, so hide its memory export (only) for these products.
    const wasm = (tf.backend() as unknown as { wasm: { asm: object } }).wasm;
    const asm = wasm.asm;
    wasm.asm = { ...asm, memory: undefined };
    try {
      for (const [batch, m, k, n] of cases)
        for (const [ta, tb] of [
          [false, false],
          [true, true],
        ]) {
          const [a, b] = [randomArray(batch * m * k), randomArray(batch * k * n)];
          const c = tf.tidy(() =>
            tf.matMul(
              tf.tensor3d(a, (ta ? [batch, k, m] : [batch, m, k]) as never),
              tf.tensor3d(b, (tb ? [batch, n, k] : [batch, k, n]) as never),
              ta,
              tb,
            ),
          );
          const got = (await c.data()) as Float32Array;
          c.dispose();
          const want = reference(a, b, batch, m, k, n, ta, tb);
          expect(Array.from(new Uint32Array(got.buffer.slice(0)))).toEqual(Array.from(new Uint32Array(want.buffer)));
        }
    } finally {
      wasm.asm = asm;
    }
  });

  it('XNNPACK, which runs plain 2-D products past XNNPACK_TRANSPOSED_FROM, sums in the same order', async () => {
    const [m, k, n] = [64, 64, 8200];
    expect(m * k * n).toBeGreaterThanOrEqual(XNNPACK_TRANSPOSED_FROM);
    await useBackend('wasm');
    const [a, b] = [randomArray(m * k), randomArray(k * n)];
    const c = tf.tidy(() => tf.matMul(tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])));
    const got = (await c.data()) as Float32Array;
    c.dispose();
    const want = reference(a, b, 1, m, k, n, false, false);
    expect(Array.from(new Uint32Array(got.buffer.slice(0)))).toEqual(Array.from(new Uint32Array(want.buffer)));
  });
});
