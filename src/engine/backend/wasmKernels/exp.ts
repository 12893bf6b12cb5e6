// The wasm backend's float32 Exp on kernels/exp.ts: musl's expf (what tfjs-wasm's kernel calls per element) with the
// same float64 steps two lanes at a time, so each result is the same bit for bit, in under a quarter of the time. A
// real T5's loss takes exp twice over its [positions, vocabulary] logits. On tfjs's single-threaded heap the kernel
// works on the tensors in place; where that heap cannot be imported (the threaded binary's shared memory) it copies
// the input into its own memory and the result back. Without wasm SIMD, and for other dtypes, tfjs's kernel runs.
import * as tf from '@tensorflow/tfjs';
import { expWasm } from './expBinary';
import { heapOffset, importableMemory, instantiateKernel, type WasmBackendHeap } from './heap';
import { replaceWasmKernel } from './replaceKernel';

interface Exports {
  memory: WebAssembly.Memory;
  reserve(bytes: number): number;
  exp(x: number, y: number, n: number, table: number): void;
}

/**
 * expf's table (musl's __exp2f_data.tab): entry i is the bits of 2^(i/32), correctly rounded to float64, less i << 47,
 * so that adding k << 47 for k ≡ i (mod 32) gives the bits of 2^(k/32).
 */
export const tableBits = BigUint64Array.from(
  [
    '3ff0000000000000',
    '3fefd9b0d3158574',
    '3fefb5586cf9890f',
    '3fef9301d0125b51',
    '3fef72b83c7d517b',
    '3fef54873168b9aa',
    '3fef387a6e756238',
    '3fef1e9df51fdee1',
    '3fef06fe0a31b715',
    '3feef1a7373aa9cb',
    '3feedea64c123422',
    '3feece086061892d',
    '3feebfdad5362a27',
    '3feeb42b569d4f82',
    '3feeab07dd485429',
    '3feea47eb03a5585',
    '3feea09e667f3bcd',
    '3fee9f75e8ec5f74',
    '3feea11473eb0187',
    '3feea589994cce13',
    '3feeace5422aa0db',
    '3feeb737b0cdc5e5',
    '3feec49182a3f090',
    '3feed503b23e255d',
    '3feee89f995ad3ad',
    '3feeff76f2fb5e47',
    '3fef199bdd85529c',
    '3fef3720dcef9069',
    '3fef5818dcfba487',
    '3fef7c97337b9b5f',
    '3fefa4afa2a490da',
    '3fefd0765b6e4540',
  ].map((h) => BigInt(`0x${h}`)),
);

/** An instance on one memory and where the table lies in it. */
interface Placed {
  kernel: Exports;
  table: number;
}

type ExpArgs = { inputs: { x: tf.TensorInfo }; backend: WasmBackendHeap & { wasm: { HEAPF32: Float32Array } } };

/** Replaces tfjs-wasm's Exp with the SIMD one for float32 (once; the wasm backend must be imported). */
export function installWasmExp(): void {
  let bytes: Uint8Array<ArrayBuffer>;
  let own: Placed;
  try {
    bytes = Uint8Array.from(atob(expWasm), (c) => c.charCodeAt(0));
    const kernel = instantiateKernel<Exports>(bytes, new WebAssembly.Memory({ initial: 0 }));
    own = { kernel, table: kernel.reserve(tableBits.byteLength) };
    new BigUint64Array(kernel.memory.buffer, own.table, tableBits.length).set(tableBits);
  } catch {
    return; // no wasm SIMD: tfjs's kernel
  }
  const inHeap = new WeakMap<WebAssembly.Memory, Placed>();
  replaceWasmKernel<ExpArgs>('Exp', (original) => (args) => {
    const { x } = args.inputs;
    if (x.dtype !== 'float32') return original(args);
    const { backend } = args;
    const n = tf.util.sizeFromShape(x.shape);
    const memory = importableMemory(backend);
    if (memory) {
      let p = inHeap.get(memory);
      if (!p) {
        // Unsigned: past 2 GiB the allocator's int32 address reads negative.
        const table = backend.wasm._malloc(tableBits.byteLength) >>> 0;
        if (!table) throw new Error('the wasm heap could not grow by 256 bytes for Exp');
        new BigUint64Array(memory.buffer, table, tableBits.length).set(tableBits);
        inHeap.set(memory, (p = { kernel: instantiateKernel<Exports>(bytes, memory), table }));
      }
      const out = backend.makeOutput(x.shape, 'float32');
      p.kernel.exp(heapOffset(backend, x), heapOffset(backend, out), n, p.table);
      return out;
    }
    const out = backend.makeOutput(x.shape, 'float32');
    // The table at the module's base (reserve always starts there), then the operand, which the result overwrites;
    // reserve may grow the memory.
    if (own.kernel.reserve(tableBits.byteLength + 4 * n) !== own.table) throw new Error('Exp: the kernel memory moved');
    const at = own.table + tableBits.byteLength;
    const mem = new Float32Array(own.kernel.memory.buffer);
    const heap = backend.wasm.HEAPF32;
    mem.set(heap.subarray(heapOffset(backend, x) / 4, heapOffset(backend, x) / 4 + n), at / 4);
    own.kernel.exp(at, at, n, own.table);
    heap.set(mem.subarray(at / 4, at / 4 + n), heapOffset(backend, out) / 4);
    return out;
  });
}
