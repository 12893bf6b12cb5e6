// The engine's wasm Exp (kernels/exp.ts) against tfjs-wasm's own kernel, which calls musl's expf per element: every
// result the same bit for bit over a sweep of all float32 bit patterns, the special cases and the edges of the SIMD
// path, in place on the heap and through the copy path. This file installs only Exp, so tfjs's kernel is at hand first.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { installWasmExp, tableBits } from '../src/engine/backend/wasmKernels/exp';
import { expWasm } from '../src/engine/backend/wasmKernels/expBinary';
import { compileWasmKernel, embeddedModule, wasmKernelSources } from '../scripts/wasmKernels';

/** Every 251st float32 bit pattern (all signs, exponents, NaNs and subnormals), then the edges of expf's cases. */
function inputs(): Float32Array {
  const bits: number[] = [];
  for (let b = 0; b < 2 ** 32; b += 251) bits.push(b);
  const edges = [0x42b17217, 0x42b17218, 0xc2cff1b4, 0xc2cff1b5, 0x42b00000, 0x42afffff, 0xc2b00000, 0xc2afffff];
  for (const e of edges) for (let d = -3; d <= 3; d++) bits.push((e + d) >>> 0);
  bits.push(0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 1, 0x80000001);
  // One special lane among ordinary ones, and a length that leaves a tail past the last four.
  bits.push(0x3f800000, 0x7f800000, 0xbf800000, 0x40000000, 0x3e800000, 0xc1200000, 0x41200000);
  return new Float32Array(Uint32Array.from(bits).buffer);
}

const expOn = async (x: Float32Array) => {
  const t = tf.tensor1d(x);
  const y = tf.exp(t);
  const out = (await y.data()) as Float32Array;
  tf.dispose([t, y]);
  return out;
};

/** Elements whose bits differ (NaNs count as equal: wasm leaves a NaN's payload to the engine). */
function differing(a: Float32Array, b: Float32Array) {
  const [ua, ub] = [
    new Uint32Array(a.buffer, a.byteOffset, a.length),
    new Uint32Array(b.buffer, b.byteOffset, b.length),
  ];
  let n = 0;
  for (let i = 0; i < a.length; i++) if (ua[i] !== ub[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) n++;
  return n;
}

describe('wasm Exp (SIMD kernel)', () => {
  const x = inputs();
  let want: Float32Array;
  let original: tf.KernelFunc;
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    original = tf.getKernel('Exp', 'wasm')!.kernelFunc;
    want = await expOn(x); // tfjs's kernel: expf per element
    installWasmExp();
  });

  it('the embedded binary is what kernels/exp.ts compiles to', async () => {
    const k = wasmKernelSources.find((s) => s.source === 'kernels/exp.ts')!;
    const binary = await compileWasmKernel(k.source);
    expect(readFileSync(k.out, 'utf8')).toBe(embeddedModule(k, binary));
    expect(Buffer.from(expWasm, 'base64').equals(Buffer.from(binary))).toBe(true);
  });

  it("replaces tfjs's kernel and gives its results bit for bit, on the heap in place", async () => {
    expect(tf.getKernel('Exp', 'wasm')!.kernelFunc).not.toBe(original);
    expect(x.length).toBeGreaterThan(17_000_000);
    expect(differing(await expOn(x), want)).toBe(0);
    // Lengths 1 to 7 (the scalar tail alone and after a group of four), and an odd offset into the sweep.
    for (let n = 1; n <= 7; n++)
      expect(differing(await expOn(x.slice(1001, 1001 + n)), want.slice(1001, 1001 + n))).toBe(0);
  });

  it('through the copy path (the threaded binary’s shared heap) too', async () => {
    const wasm = (tf.backend() as unknown as { wasm: { asm: object } }).wasm;
    const asm = wasm.asm;
    wasm.asm = { ...asm, memory: undefined };
    try {
      expect(differing(await expOn(x.subarray(0, 1 << 20)), want.subarray(0, 1 << 20))).toBe(0);
    } finally {
      wasm.asm = asm;
    }
  });

  it('keeps a float32 tensor’s other dtypes on tfjs’s kernel, and its table is 2^(i/32) rounded, less i << 47', async () => {
    const ints = tf.tensor1d([0, 1, 2], 'int32');
    const e = tf.exp(ints);
    expect(Array.from(await e.data()).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([1, 2.7183, 7.3891]);
    tf.dispose([ints, e]);
    // Independent of expf: the entry, with i << 47 added back, is the float64 nearest 2^(i/32): for d = M·2^E,
    // (M − ½)·2^E < 2^(i/32) < (M + ½)·2^E, raised to the 32nd power in exact integers.
    const view = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < 32; i++) {
      view.setBigUint64(0, tableBits[i] + (BigInt(i) << 47n));
      const d = view.getFloat64(0);
      const e2 = Math.floor(Math.log2(d)) - 52; // d = M·2^e2 with M a 53-bit integer (1 ≤ d < 2)
      const m = BigInt(d * 2 ** -e2);
      const below = (2n * m - 1n) ** 32n; // ((2M − 1)·2^(E−1))^32 < 2^i ⇔ (2M − 1)^32 < 2^(i − 32(E−1))
      const above = (2n * m + 1n) ** 32n;
      const target = 2n ** BigInt(i - 32 * (e2 - 1));
      expect(below < target && target < above, `entry ${i}`).toBe(true);
    }
  });
});
