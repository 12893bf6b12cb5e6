// Where per-step bookkeeping (clipping, AdamW, importance EMAs) runs. On backends whose tensors live in CPU memory
// (cpu, wasm) reading them back costs only a copy, and a JavaScript loop beats a chain of small kernels; on GPUs
// the work stays on the device.
import * as tf from '@tensorflow/tfjs';

export type Placement = 'auto' | 'host' | 'device';

const hostResident = new Set(['cpu', 'wasm']);

/** True when work placed `placement` runs on the host, given the active backend. */
export const runsOnHost = (placement: Placement = 'auto') =>
  placement === 'host' || (placement === 'auto' && hostResident.has(tf.getBackend()));
