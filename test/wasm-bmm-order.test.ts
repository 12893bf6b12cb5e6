// The SIMD product's rounding, exactly: every element of C is Σ_kk A(i,kk)·B(kk,j) summed in float32 from kk = 0 up,
// each product rounded before its add (no fused multiply-add), whichever row and column loop computes it. A float32
// reference in that order must agree bit for bit, so a faster loop order can never change a training run's numbers.
// XNNPACK's plain 2-D product, which tfjs runs where the SIMD kernel cannot load, sums in that order too (checked when
// large products still ran there), so a backend without the kernel gets the same numbers.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { makeRng, randn } from '../src/engine/util/rng';
import { useBackend } from './helpers/tf';
import { BLOCKED_FROM } from '../src/engine/backend/wasmKernels/batchMatMul';

const f = Math.fround;
const rng = makeRng(23);
const randomArray = (n: number) => Float32Array.from({ length: n }, () => randn(rng));

/** Elements whose bits differ (a count, not a diff of 70,000 floats, which would take minutes to print). */
function differingBits(got: Float32Array, want: Float32Array): number {
  const [g, w] = [new Uint32Array(got.buffer.slice(0)), new Uint32Array(want.buffer)];
  let n = g.length === w.length ? 0 : Math.max(g.length, w.length);
  for (let i = 0; i < Math.min(g.length, w.length); i++) if (g[i] !== w[i]) n++;
  return n;
}

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
      // The cases above and one past BLOCKED_FROM (the blocked product).
      for (const [batch, m, k, n] of [...cases, [1, 67, 515, 1043]])
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
          expect(differingBits(got, reference(a, b, batch, m, k, n, ta, tb))).toBe(0);
        }
    } finally {
      wasm.asm = asm;
    }
  });

  // Past BLOCKED_FROM a 2-D product runs blocked (kernels/batchMatMul.ts gemm): B packed KC = 256 rows by NC = 1024
  // columns at a time, A 64 rows at a time, K blocked with each block going on from the sums C holds. These shapes cross
  // every block edge: K over two blocks and a part, N over one block with a part panel (not a multiple of 16), an odd
  // M with a part block of rows. A row-major A is packed two rows by four columns at a time and a stored Bᵀ in 4×4
  // blocks transposed: the last shape's part blocks (7 rows, 6 of K) have whole blocks, an odd row and columns left over.
  const blockedCases: [number, number, number][] = [
    [67, 515, 1043],
    [130, 257, 1040],
    [71, 262, 1811],
  ];
  for (const [m, k, n] of blockedCases)
    for (const [ta, tb] of [
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ])
      it(`blocked ${m}×${k}×${n}, transposeA ${ta}, transposeB ${tb}: bit for bit the in-order float32 sum`, async () => {
        expect(m * k * n).toBeGreaterThanOrEqual(BLOCKED_FROM);
        await useBackend('wasm');
        const [a, b] = [randomArray(m * k), randomArray(k * n)];
        const c = tf.tidy(() =>
          tf.matMul(tf.tensor2d(a, ta ? [k, m] : [m, k]), tf.tensor2d(b, tb ? [n, k] : [k, n]), ta, tb),
        );
        const got = (await c.data()) as Float32Array;
        c.dispose();
        expect(differingBits(got, reference(a, b, 1, m, k, n, ta, tb))).toBe(0);
      });
});
