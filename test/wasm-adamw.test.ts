// The host AdamW kernel (kernels/adamw.ts): its embedded binary is what the source compiles to, and it updates weights
// and moments bit for bit as the JavaScript loop does (odd lengths exercise its scalar tail), and sums squares in the
// same order as a plain float64 loop.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostAdamWKernel } from '../src/engine/backend/wasmKernels/adamw';
import { adamwLoop } from '../src/engine/train/adamw';
import { compileWasmKernel, embeddedModule, wasmKernelSources } from '../scripts/wasmKernels';
import { makeRng, randn } from '../src/engine/util/rng';

const rng = makeRng(5);
const randomArray = (n: number, s = 1) => Float32Array.from({ length: n }, () => s * randn(rng));
const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer.slice(0)));

describe('host AdamW kernel (wasm SIMD)', () => {
  it('the embedded binary is what kernels/adamw.ts compiles to', async () => {
    const k = wasmKernelSources.find((s) => s.source === 'kernels/adamw.ts');
    if (!k) throw new Error('kernels/adamw.ts is not among the kernel sources');
    expect(readFileSync(k.out, 'utf8')).toBe(embeddedModule(k, await compileWasmKernel(k.source)));
  });

  it('equals the JavaScript update bit for bit over several steps', () => {
    const kernel = hostAdamWKernel();
    if (!kernel) throw new Error('this Node has no wasm SIMD');
    for (const n of [1, 2, 7, 64, 1001]) {
      const w0 = randomArray(n);
      const [wa, wb] = [new Float32Array(w0), new Float32Array(w0)];
      const [ma, mb, va, vb] = [0, 0, 0, 0].map(() => new Float32Array(n));
      for (let t = 1; t <= 4; t++) {
        const g = randomArray(n, 0.1);
        const s = {
          scale: 0.73,
          beta1: 0.9,
          beta2: 0.999,
          stepSize: 5e-4 / (1 - 0.9 ** t),
          invSqrtBc2: 1 / Math.sqrt(1 - 0.999 ** t),
          eps: 1e-8,
          decay: t % 2 ? 1 : 1 - 5e-4 * 0.01,
        };
        adamwLoop(wa, g, ma, va, s);
        kernel.update(wb, g, mb, vb, s);
      }
      expect(bits(wb), `w, n=${n}`).toEqual(bits(wa));
      expect(bits(mb), `m, n=${n}`).toEqual(bits(ma));
      expect(bits(vb), `v, n=${n}`).toEqual(bits(va));
      expect(bits(wb)).not.toEqual(bits(w0));
    }
  });

  it('sums squares across arrays in index order, as a float64 loop', () => {
    const kernel = hostAdamWKernel();
    if (!kernel) throw new Error('this Node has no wasm SIMD');
    const arrays = [randomArray(5), randomArray(1000, 1e3), randomArray(3, 1e-3)];
    let want = 0;
    for (const g of arrays) for (let j = 0; j < g.length; j++) want += g[j] * g[j];
    expect(kernel.sumSquares(arrays)).toBe(want);
  });
});
