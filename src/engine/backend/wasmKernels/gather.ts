// The wasm backend's GatherV2 along the first axis as row copies within the heap. tfjs-wasm's C++ gather walks every
// element through stride arithmetic: the embedding lookups and relative-position bias lookups (5 gathers) took about
// a twentieth of a nano training step. Other axes, batch dimensions and dtypes keep tfjs's kernel.
import * as tf from '@tensorflow/tfjs';
import { replaceWasmKernel } from './replaceKernel';
import { heapBits, type HeapTensors } from './heap';

type GatherArgs = {
  inputs: { x: tf.TensorInfo; indices: tf.TensorInfo };
  attrs: { axis: number; batchDims: number };
  backend: HeapTensors;
};

/** Rows this long or longer are copied with one typed-array set each; shorter ones element by element. */
const SET_FROM = 16;

/** Replaces tfjs-wasm's GatherV2 with the row-copying one for first-axis gathers (once; wasm must be imported). */
export function installWasmRowGather(): void {
  replaceWasmKernel<GatherArgs>('GatherV2', (fallback) => (args) => {
    const { x, indices } = args.inputs;
    const axis = tf.util.parseAxisParam(args.attrs.axis, x.shape)[0];
    if (
      axis !== 0 ||
      args.attrs.batchDims !== 0 ||
      (x.dtype !== 'float32' && x.dtype !== 'int32') ||
      indices.dtype !== 'int32' ||
      x.shape.length === 0
    )
      return fallback(args);
    const { backend } = args;
    const rows = x.shape[0];
    const width = tf.util.sizeFromShape(x.shape.slice(1));
    const count = tf.util.sizeFromShape(indices.shape);
    const ids = heapBits(backend, indices, count);
    for (let i = 0; i < count; i++)
      if (!(ids[i] >= 0 && ids[i] <= rows - 1))
        throw new Error(`GatherV2: the index value ${ids[i]} is not in [0, ${rows - 1}]`);
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
    // Views taken after the allocation, which may have grown the heap.
    const src = heapBits(backend, x, rows * width);
    const dst = heapBits(backend, out, count * width);
    const at = heapBits(backend, indices, count);
    if (width >= SET_FROM)
      for (let i = 0; i < count; i++) dst.set(src.subarray(at[i] * width, (at[i] + 1) * width), i * width);
    else
      for (let i = 0, o = 0; i < count; i++) {
        const from = at[i] * width;
        for (let j = 0; j < width; j++) dst[o++] = src[from + j];
      }
    return out;
  });
}
