// The wasm backend's Identity without the copy. tfjs saves every tensor a gradient needs through Identity (engine.clone,
// about 260 per bench-ref training step, and the [positions, vocabulary] logits at a real T5's size), and tfjs-wasm's
// Identity copies the buffer each time. Tensors are immutable and the wasm backend counts references per buffer
// (its Reshape already shares), so the clone can share the buffer, as the cpu backend's Identity does.
import * as tf from '@tensorflow/tfjs';
import { replaceWasmKernel } from './replaceKernel';

interface SharingBackend {
  incRef(dataId: object): void;
}

/** Replaces tfjs-wasm's Identity with one that shares the input's buffer (once; the wasm backend must be imported). */
export function installWasmSharedIdentity(): void {
  replaceWasmKernel<{ inputs: { x: tf.TensorInfo }; backend: SharingBackend }>('Identity', (original) => (args) => {
    const { x } = args.inputs;
    if (x.dtype === 'string') return original(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  });
}
