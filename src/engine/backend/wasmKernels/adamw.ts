// The host AdamW update and the squared gradient norm as a wasm SIMD kernel (kernels/adamw.ts), for the trainer's
// host path (cpu and wasm backends): the same float64 arithmetic as the JavaScript loop, bit for bit, about a fifth of
// a nano-sized step's time saved. Where wasm SIMD is missing the caller keeps its JavaScript loop.
import { adamwWasm } from './adamwBinary';
import { instantiateKernel } from './heap';

/** The update's scalars, as AdamW.applyHost computes them (each one float64). */
export interface AdamWScalars {
  scale: number;
  beta1: number;
  beta2: number;
  stepSize: number;
  invSqrtBc2: number;
  eps: number;
  decay: number;
}

interface Exports {
  memory: WebAssembly.Memory;
  reserve(bytes: number): number;
  sumSquares(g: number, n: number, start: number): number;
  adamw(
    w: number,
    g: number,
    m: number,
    v: number,
    n: number,
    scale: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    stepSize: number,
    invSqrtBc2: number,
    eps: number,
    decay: number,
  ): void;
}

export interface HostAdamWKernel {
  /** Σ over the arrays, in order, of Σ g[j]² (float64). */
  sumSquares(arrays: readonly Float32Array[]): number;
  /** Updates w, m and v in place. */
  update(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamWScalars): void;
}

let kernel: HostAdamWKernel | null | undefined;

/** The kernel, compiled on first use (synchronously: the module is a few hundred bytes); null without wasm SIMD. */
export function hostAdamWKernel(): HostAdamWKernel | null {
  if (kernel !== undefined) return kernel;
  try {
    const bytes = Uint8Array.from(atob(adamwWasm), (c) => c.charCodeAt(0));
    kernel = wrap(instantiateKernel<Exports>(bytes, new WebAssembly.Memory({ initial: 0 })));
  } catch {
    kernel = null;
  }
  return kernel;
}

function wrap(k: Exports): HostAdamWKernel {
  const pad = (x: number) => (x + 3) & ~3;
  /** Float offsets of `sizes` consecutive 16-byte aligned blocks, after growing the memory to hold them. */
  const blocks = (sizes: number[]) => {
    let at = k.reserve(4 * sizes.reduce((a, n) => a + pad(n), 0)) / 4;
    return sizes.map((n) => {
      const here = at;
      at += pad(n);
      return here;
    });
  };
  return {
    sumSquares(arrays) {
      let s = 0;
      for (const g of arrays) {
        const [pg] = blocks([g.length]);
        new Float32Array(k.memory.buffer).set(g, pg);
        s = k.sumSquares(pg * 4, g.length, s);
      }
      return s;
    },
    update(w, g, m, v, s) {
      const n = w.length;
      const [pw, pg, pm, pv] = blocks([n, n, n, n]);
      const mem = new Float32Array(k.memory.buffer);
      mem.set(w, pw);
      mem.set(g, pg);
      mem.set(m, pm);
      mem.set(v, pv);
      k.adamw(
        pw * 4,
        pg * 4,
        pm * 4,
        pv * 4,
        n,
        s.scale,
        s.beta1,
        1 - s.beta1,
        s.beta2,
        1 - s.beta2,
        s.stepSize,
        s.invSqrtBc2,
        s.eps,
        s.decay,
      );
      w.set(mem.subarray(pw, pw + n));
      m.set(mem.subarray(pm, pm + n));
      v.set(mem.subarray(pv, pv + n));
    },
  };
}
