// Puts one of the engine's kernels in front of tfjs-wasm's own, once per kernel name: `make` gets tfjs's kernel
// function (what the engine's falls back to) and returns the replacement. The wasm backend must be imported.
import * as tf from '@tensorflow/tfjs';

type KernelOf<A> = (args: A) => tf.TensorInfo | tf.TensorInfo[];

const replaced = new Set<string>();

export function replaceWasmKernel<A>(name: string, make: (original: KernelOf<A>) => KernelOf<A>): void {
  if (replaced.has(name)) return;
  const original = tf.getKernel(name, 'wasm');
  if (!original) throw new Error(`the wasm backend is not loaded, so its ${name} cannot be replaced`);
  const kernelFunc = make(original.kernelFunc as unknown as KernelOf<A>);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  replaced.add(name);
}
