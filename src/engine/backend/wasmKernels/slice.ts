// The wasm backend's Slice and SplitV reading their input in place. tfjs-wasm's slice first reads the whole input out
// of the heap as a copy (readSync), so a split into n parts copies the input n times over before copying each part:
// a tenth of a nano training step went to the splits of the fused q/k/v projections and their weight gradients. These
// copy the same elements from a view of the heap, taken after the output is allocated (an allocation may grow the
// memory, which detaches earlier views).
import * as tf from '@tensorflow/tfjs';
import { replaceWasmKernel } from './replaceKernel';
import { heapBits, type HeapTensors } from './heap';

type SliceArgs = { inputs: { x: tf.TensorInfo }; attrs: { begin: number[]; size: number[] }; backend: HeapTensors };
type SplitArgs = {
  inputs: { x: tf.TensorInfo };
  attrs: { numOrSizeSplits: number | number[]; axis: number };
  backend: HeapTensors;
};

/** x[begin : begin + size] (begin and size already parsed, full rank). */
function sliceInPlace(x: tf.TensorInfo, begin: number[], size: number[], backend: HeapTensors): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  if (tf.util.sizeFromShape(size) === 0) return out;
  const src = heapBits(backend, x);
  const dst = heapBits(backend, out);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const from = tf.slice_util.computeFlatOffset(begin, strides);
    dst.set(src.subarray(from, from + dst.length));
    return out;
  }
  // Rows of the last axis, in row-major order of the other axes.
  const rank = x.shape.length;
  const row = size[rank - 1];
  const index = begin.slice(0, rank - 1);
  for (let o = 0; o < dst.length; o += row) {
    let from = begin[rank - 1];
    for (let d = 0; d < rank - 1; d++) from += index[d] * strides[d];
    dst.set(src.subarray(from, from + row), o);
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < begin[d] + size[d]) break;
      index[d] = begin[d];
    }
  }
  return out;
}

/** Replaces tfjs-wasm's Slice and SplitV with the in-place ones (once; the wasm backend must be imported). */
export function installWasmSliceInPlace(): void {
  replaceWasmKernel<SliceArgs>('Slice', (slice) => (args) => {
    const { x } = args.inputs;
    if (x.dtype === 'string' || x.dtype === 'complex64') return slice(args);
    const [begin, size] = tf.slice_util.parseSliceParams(x, args.attrs.begin, args.attrs.size);
    return sliceInPlace(x, begin, size, args.backend);
  });
  replaceWasmKernel<SplitArgs>('SplitV', (split) => (args) => {
    const { x } = args.inputs;
    if (x.dtype === 'string' || x.dtype === 'complex64') return split(args);
    const axis = tf.util.parseAxisParam(args.attrs.axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, args.attrs.numOrSizeSplits, axis);
    const begin = x.shape.map(() => 0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const part = sliceInPlace(x, [...begin], size, args.backend);
      begin[axis] += s;
      return part;
    });
  });
}
