// The wasm backend's Concat with short rows copied element by element. tfjs-wasm's concat copies one typed-array
// subarray per input per outer index, each set() costing far more than its few elements: greedy decoding's key/value
// caches grow by one position a token ([B, H, t, dk] + [B, H, 1, dk] along the positions: 2·B·H sets of 16 floats),
// and their concats took about a tenth of decoding. Rows of 64 elements or more keep one set() each.
import * as tf from '@tensorflow/tfjs';
import { replaceWasmKernel } from './replaceKernel';
import { heapBits, type HeapTensors } from './heap';

type ConcatArgs = { inputs: tf.TensorInfo[]; attrs: { axis: number }; backend: HeapTensors };

const SET_FROM = 64;

/** Replaces tfjs-wasm's Concat for numeric tensors (once; the wasm backend must be imported). */
export function installWasmRowConcat(): void {
  replaceWasmKernel<ConcatArgs>('Concat', (fallback) => (args) => {
    const { inputs, backend } = args;
    const dtype = inputs[0].dtype;
    if (!['float32', 'int32', 'bool'].includes(dtype) || inputs.some((t) => t.dtype !== dtype)) return fallback(args);
    const axis = tf.util.parseAxisParam(args.attrs.axis, inputs[0].shape)[0];
    const shapes = inputs.map((t) => t.shape);
    tf.backend_util.assertParamsConsistent(shapes, axis);
    const nonEmpty = inputs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
    if (nonEmpty.length < 2) return fallback(args);
    const out = backend.makeOutput(tf.backend_util.computeOutShape(shapes, axis), dtype);
    // Views after the allocation, which may have grown the heap.
    const dst = heapBits(backend, out);
    const srcs = nonEmpty.map((t) => heapBits(backend, t));
    const inner = nonEmpty.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
    const outer = tf.util.sizeFromShape(nonEmpty[0].shape.slice(0, axis));
    let o = 0;
    for (let b = 0; b < outer; b++)
      for (let i = 0; i < srcs.length; i++) {
        const n = inner[i];
        const src = srcs[i];
        if (n >= SET_FROM) dst.set(src.subarray(b * n, (b + 1) * n), o);
        else for (let j = b * n, end = j + n, p = o; j < end; j++, p++) dst[p] = src[j];
        o += n;
      }
    return out;
  });
}
