// The wasm backend's BatchMatMul, every float32 product on kernels/batchMatMul.ts (128-bit SIMD, transposes for free):
// tfjs-wasm runs a product whose both operands carry a batch dimension (attention's q·kᵀ and p·v and their gradients)
// as a scalar loop, one with a transposed operand (a linear layer's x·Wᵀ and its weight gradient dyᵀ·x) about 7× slower
// than a plain one, and its plain ones on XNNPACK, which packs its right operand anew for every new weight tensor (a
// training step's weights are new each step). Past BLOCKED_FROM multiply-adds a 2-D product runs blocked (gemm), as a
// real T5's vocabulary projection and its gradients do: it packs B and A into cache-sized blocks, which XNNPACK's
// product also does but only after tfjs's explicit transpose of a transposed operand. Measured in Node on 2 cores:
// [256,512]·[32128,512]ᵀ 344 ms blocked, 1,069 ms transposed then on XNNPACK; plain products run alike on both.
// Every kernel sums each element in the same order (from k = 0 up, a rounded product then a rounded add:
// test/wasm-bmm-order.test.ts checks them against that sum, as it once checked XNNPACK), so a product's numbers do not
// depend on which kernel runs it. Every product keeps tfjs's kernel where wasm SIMD is missing.
import * as tf from '@tensorflow/tfjs';
import { batchMatMulWasm } from './batchMatMulBinary';
import { heapOffset, importableMemory, instantiateKernel, type WasmBackendHeap } from './heap';

interface KernelExports {
  memory: WebAssembly.Memory;
  reserve(bytes: number): number;
  bmm(
    a: number,
    b: number,
    c: number,
    scratch: number,
    batch: number,
    m: number,
    k: number,
    n: number,
    ta: number,
    tb: number,
  ): void;
  gemm(a: number, b: number, c: number, scratch: number, m: number, k: number, n: number, ta: number, tb: number): void;
  gemmScratchFloats(): number;
}

/** The parts of tfjs-wasm's backend this kernel reads and writes: its heap and where each tensor lies in it. */
interface WasmBackendView extends WasmBackendHeap {
  wasm: WasmBackendHeap['wasm'] & { HEAPF32: Float32Array };
  disposeData(dataId: object): boolean;
}

/** The kernel instantiated on tfjs-wasm's own memory, with a scratch block there (packed operands). */
interface InHeap {
  kernel: KernelExports;
  scratch: number;
  scratchBytes: number;
}

/** Multiply-adds from which a 2-D product runs blocked (kernels/batchMatMul.ts gemm). */
export const BLOCKED_FROM = 2 ** 25;

interface MatMulArgs {
  inputs: { a: tf.TensorInfo; b: tf.TensorInfo };
  attrs: { transposeA: boolean; transposeB: boolean };
  backend: WasmBackendView;
}

let installing: Promise<string> | undefined;
let installed = false;

/** Whether the SIMD product runs the wasm backend's transposed and batched products (see installWasmBatchMatMul). */
export const wasmProductsTransposeFree = () => installed;

/**
 * Puts the SIMD product in front of tfjs-wasm's BatchMatMul (once; @tensorflow/tfjs-backend-wasm must be imported).
 * Resolves to a line saying which kernel runs batched and transposed products.
 */
export function installWasmBatchMatMul(): Promise<string> {
  return (installing ??= install());
}

async function install(): Promise<string> {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (!original) throw new Error('the wasm backend is not loaded, so its BatchMatMul cannot be extended');
  let kernels: Kernels;
  try {
    const bytes = Uint8Array.from(atob(batchMatMulWasm), (c) => c.charCodeAt(0));
    kernels = { bytes, own: instantiateKernel(bytes, new WebAssembly.Memory({ initial: 0 })), inHeap: new WeakMap() };
  } catch (e) {
    return `batched and transposed products: tfjs's kernel (the SIMD one did not load: ${e instanceof Error ? e.message : String(e)})`;
  }
  const kernelFunc = ((args: MatMulArgs) =>
    simdProduct(kernels, args) ?? original.kernelFunc(args as never)) as unknown as tf.KernelFunc;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
  installed = true;
  return 'batched and transposed products: SIMD kernel';
}

/**
 * The module twice over: on a memory of its own (operands copied in, the result out), and once tfjs-wasm's heap is
 * known, on that heap itself where its memory can be imported (tfjs's single-threaded binary; not the threaded one's
 * shared memory), so a product reads and writes the tensors where they lie.
 */
interface Kernels {
  bytes: Uint8Array<ArrayBuffer>;
  own: KernelExports;
  inHeap: WeakMap<WebAssembly.Memory, InHeap>;
}

/** The kernel on the backend's heap, with at least `scratchBytes` of scratch there; null where it cannot run there. */
function inHeapKernel(kernels: Kernels, backend: WasmBackendView, scratchBytes: number): InHeap | null {
  const memory = importableMemory(backend);
  if (!memory) return null;
  let h = kernels.inHeap.get(memory);
  if (!h)
    kernels.inHeap.set(memory, (h = { kernel: instantiateKernel(kernels.bytes, memory), scratch: 0, scratchBytes: 0 }));
  if (h.scratchBytes < scratchBytes) {
    if (h.scratch) backend.wasm._free(h.scratch);
    h.scratch = backend.wasm._malloc(scratchBytes);
    // 0: the heap could not grow; the kernel would write its scratch over tfjs's own data at address 0.
    h.scratchBytes = h.scratch ? scratchBytes : 0;
    if (!h.scratch) throw new Error(`the wasm heap could not grow by ${scratchBytes} bytes for a matrix product`);
  }
  return h;
}

/** The product on the SIMD kernel, or undefined where tfjs's own kernel should run it. */
function simdProduct(
  kernels: Kernels,
  { inputs: { a, b }, attrs: { transposeA, transposeB }, backend }: MatMulArgs,
): tf.TensorInfo | undefined {
  const r = a.shape.length;
  if (r < 2 || b.shape.length !== r || a.dtype !== 'float32' || b.dtype !== 'float32') return undefined;
  const outer = a.shape.slice(0, -2);
  if (outer.some((d, i) => d !== b.shape[i])) return undefined; // broadcast batches: tfjs's kernel
  const batch = tf.util.sizeFromShape(outer);
  const [m, k1] = transposeA ? [a.shape[r - 1], a.shape[r - 2]] : [a.shape[r - 2], a.shape[r - 1]];
  const [k2, n] = transposeB ? [b.shape[r - 1], b.shape[r - 2]] : [b.shape[r - 2], b.shape[r - 1]];
  if (k1 !== k2 || m * n * k1 === 0) return undefined; // tfjs's kernel, and its error for a mismatch
  // Few rows or columns (a decoding step's one position) waste the blocked product's 2×16 tiles: the plain loop.
  const blocked = batch === 1 && m * k1 * n >= BLOCKED_FROM && m >= 16 && n >= 16;
  const [sizeA, sizeB, sizeC] = [batch * m * k1, batch * k1 * n, batch * m * n];
  const out = backend.makeOutput([...outer, m, n], 'float32');
  const ta = transposeA ? 1 : 0;
  const tb = transposeB ? 1 : 0;
  const scratchFloats = blocked ? kernels.own.gemmScratchFloats() : tb ? k1 * n : 0;
  const h = inHeapKernel(kernels, backend, 4 * scratchFloats);
  if (h) {
    const at = (t: tf.TensorInfo) => heapOffset(backend, t);
    if (blocked) h.kernel.gemm(at(a), at(b), at(out), h.scratch, m, k1, n, ta, tb);
    else h.kernel.bmm(at(a), at(b), at(out), h.scratch, batch, m, k1, n, ta, tb);
    return out;
  }
  const k = kernels.own;
  // Offsets in floats within this module's memory: A, B, C, then the scratch (every block a multiple of 16 bytes).
  const pad = (x: number) => (x + 3) & ~3;
  const base = k.reserve(4 * (pad(sizeA) + pad(sizeB) + pad(sizeC) + pad(scratchFloats))) / 4;
  const [pa, pb, pc, ps] = [
    base,
    base + pad(sizeA),
    base + pad(sizeA) + pad(sizeB),
    base + pad(sizeA) + pad(sizeB) + pad(sizeC),
  ];
  const mem = new Float32Array(k.memory.buffer); // after reserve, which may grow the memory
  const heap = backend.wasm.HEAPF32; // after makeOutput, likewise
  const at = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset / 4;
  mem.set(heap.subarray(at(a), at(a) + sizeA), pa);
  mem.set(heap.subarray(at(b), at(b) + sizeB), pb);
  if (blocked) k.gemm(pa * 4, pb * 4, pc * 4, ps * 4, m, k1, n, ta, tb);
  else k.bmm(pa * 4, pb * 4, pc * 4, ps * 4, batch, m, k1, n, ta, tb);
  heap.set(mem.subarray(pc, pc + sizeC), at(out));
  return out;
}
