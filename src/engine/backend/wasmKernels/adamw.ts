// The host AdamW update and the squared gradient norm as a wasm SIMD kernel (kernels/adamw.ts), for the trainer's
// host path (cpu and wasm backends): the same float64 arithmetic as the JavaScript loop, bit for bit, about a fifth of
// a nano-sized step's time saved. On the wasm backend it runs on tfjs's heap, on the tensors in place. Where wasm SIMD
// is missing the caller keeps its JavaScript loop.
import { adamwWasm } from './adamwBinary';
import { importableMemory, instantiateKernel, wasmBackendHeap } from './heap';

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
    kernel = wrap(bytes, instantiateKernel<Exports>(bytes, new WebAssembly.Memory({ initial: 0 })));
  } catch {
    kernel = null;
  }
  return kernel;
}

/**
 * Arrays that all lie in the active wasm backend's heap (views of its tensors) are worked on there in place, by the
 * module instantiated on that heap's memory; any others are copied into the module's own memory and back.
 */
function wrap(bytes: Uint8Array<ArrayBuffer>, own: Exports): HostAdamWKernel {
  const onHeap = new WeakMap<WebAssembly.Memory, Exports>();
  const inPlace = (arrays: readonly Float32Array[]): Exports | null => {
    const heap = wasmBackendHeap();
    const memory = heap && importableMemory(heap);
    if (!memory || !arrays.every((a) => a.buffer === memory.buffer)) return null;
    let k = onHeap.get(memory);
    if (!k) onHeap.set(memory, (k = instantiateKernel<Exports>(bytes, memory)));
    return k;
  };
  const pad = (x: number) => (x + 3) & ~3;
  /** Float offsets of `sizes` consecutive 16-byte aligned blocks in the module's own memory, grown to hold them. */
  const blocks = (sizes: number[]) => {
    let at = own.reserve(4 * sizes.reduce((a, n) => a + pad(n), 0)) / 4;
    return sizes.map((n) => {
      const here = at;
      at += pad(n);
      return here;
    });
  };
  const run = (k: Exports, [pw, pg, pm, pv]: number[], n: number, s: AdamWScalars) =>
    k.adamw(
      pw,
      pg,
      pm,
      pv,
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
  return {
    sumSquares(arrays) {
      let s = 0;
      const k = inPlace(arrays);
      for (const g of arrays) {
        if (k) s = k.sumSquares(g.byteOffset, g.length, s);
        else {
          const [pg] = blocks([g.length]);
          new Float32Array(own.memory.buffer).set(g, pg);
          s = own.sumSquares(pg * 4, g.length, s);
        }
      }
      return s;
    },
    update(w, g, m, v, s) {
      const n = w.length;
      const k = inPlace([w, g, m, v]);
      if (k)
        return run(
          k,
          [w, g, m, v].map((a) => a.byteOffset),
          n,
          s,
        );
      const [pw, pg, pm, pv] = blocks([n, n, n, n]);
      const mem = new Float32Array(own.memory.buffer);
      mem.set(w, pw);
      mem.set(g, pg);
      mem.set(m, pm);
      mem.set(v, pv);
      run(own, [pw * 4, pg * 4, pm * 4, pv * 4], n, s);
      w.set(mem.subarray(pw, pw + n));
      m.set(mem.subarray(pm, pm + n));
      v.set(mem.subarray(pv, pv + n));
    },
  };
}
