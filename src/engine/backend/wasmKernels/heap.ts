// tfjs-wasm's heap as the engine's own kernels and the host update see it: where a tensor's data lies, views of it in
// place (no copy), and the heap's WebAssembly.Memory, which the kernel modules import so that they work on tensors
// where they lie. A view dies when the heap grows, which any allocation can do: take views after the last allocation
// and use them at once.
import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-wasm's backend the data-movement kernels read: where tensors lie, and new outputs. */
export interface HeapTensors {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

/** The parts of tfjs-wasm's backend read here. */
export interface WasmBackendHeap extends HeapTensors {
  wasm: HeapTensors['wasm'] & {
    asm?: { memory?: WebAssembly.Memory };
    _malloc(bytes: number): number;
    _free(pointer: number): void;
  };
  dataIdMap: { get(dataId: object): { memoryOffset: number; refCount: number } | undefined };
}

/**
 * The first `n` elements (default all) of a tensor in the heap as bits, in place: 4-byte elements as Int32Array (a
 * float copied as an int keeps every bit, NaNs included), bool as Uint8Array. Valid until the next allocation.
 */
export function heapBits(heap: HeapTensors, t: tf.TensorInfo, n = tf.util.sizeFromShape(t.shape)) {
  const offset = heap.dataIdMap.get(t.dataId)!.memoryOffset;
  const buffer = heap.wasm.HEAPU8.buffer;
  return t.dtype === 'bool' ? new Uint8Array(buffer, offset, n) : new Int32Array(buffer, offset, n);
}

/** The backend's heap (by default the active one's) when it is tfjs-wasm's; null for any other, or none yet. */
export function wasmBackendHeap(backend?: tf.KernelBackend): WasmBackendHeap | null {
  if (!backend && tf.getBackend() !== 'wasm') return null;
  const b = (backend ?? tf.backend()) as unknown as Partial<WasmBackendHeap>;
  return b.wasm?.HEAPU8 && b.dataIdMap && typeof b.makeOutput === 'function' ? (b as WasmBackendHeap) : null;
}

/**
 * The active wasm heap if every tensor lies in it, else null: tensors of another backend (made before a switch) are not
 * in this heap, and their callers take the array path.
 */
export function activeHeapHolding(tensors: readonly tf.TensorInfo[]): WasmBackendHeap | null {
  const heap = wasmBackendHeap();
  return heap && tensors.every((t) => heap.dataIdMap.get(t.dataId)) ? heap : null;
}

/**
 * The heap's memory where a kernel module can import it: tfjs-wasm's single-threaded binary exports an ordinary
 * memory; the threaded one's is shared, which a module declaring an unshared memory cannot import (null then).
 */
export function importableMemory(heap: WasmBackendHeap): WebAssembly.Memory | null {
  const memory = heap.wasm.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  if (typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer) return null;
  return memory;
}

/** Byte offset of a tensor's data in the heap. */
export const heapOffset = (heap: WasmBackendHeap, t: tf.TensorInfo) => heap.dataIdMap.get(t.dataId)!.memoryOffset;

/** A float32 tensor's data in place: valid until the next allocation on the backend. */
export const heapView = (heap: WasmBackendHeap, t: tf.TensorInfo) =>
  new Float32Array(heap.wasm.HEAPU8.buffer, heapOffset(heap, t), tf.util.sizeFromShape(t.shape));

/** A new float32 tensor whose data is left as the allocator gives it, for a kernel to fill. */
export function uninitializedTensor(heap: WasmBackendHeap, shape: number[]): tf.Tensor {
  const info = heap.makeOutput(shape, 'float32');
  return (tf.engine() as unknown as { makeTensorFromTensorInfo(i: tf.TensorInfo): tf.Tensor }).makeTensorFromTensorInfo(
    info,
  );
}

/** Instantiates a kernel module (compiled to import its memory as env.memory) on `memory`. */
export function instantiateKernel<T>(bytes: Uint8Array<ArrayBuffer>, memory: WebAssembly.Memory): T {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: {
      memory,
      abort: () => {
        throw new Error('wasm kernel aborted');
      },
    },
  });
  return instance.exports as unknown as T;
}
