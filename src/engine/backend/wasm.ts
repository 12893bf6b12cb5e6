// The WebAssembly backend (XNNPACK): the fast CPU path, multi-threaded when the page is cross-origin isolated.
import * as tf from '@tensorflow/tfjs';
import { activate } from './activate';
import { registerBackend } from './registry';
import { installWasmKernels } from './wasmKernels/install';

let pathsSet = false; // tfjs refuses new paths once an init has been attempted

/**
 * tfjs-wasm gives its thread pool half the logical cores. Where that is one thread (up to 3 cores), the threaded
 * binary buys nothing and costs its pthread machinery, so the single-threaded SIMD binary is loaded instead.
 */
const oneThreadAnyway = () => {
  const cores = globalThis.navigator?.hardwareConcurrency;
  return cores !== undefined && Math.floor(cores / 2) <= 1;
};

/** Why wasm does or does not get threads here, for the reason text. */
function threadNote(threads: boolean, count: number, skipped: boolean): string {
  if (skipped)
    return `single-threaded binary (tfjs would run one thread on ${globalThis.navigator?.hardwareConcurrency} logical cores, and the threaded binary's overhead buys nothing there)`;
  if (threads) {
    const cores = globalThis.navigator?.hardwareConcurrency;
    const of = cores ? ` for ${cores} logical cores` : '';
    return `${count} thread${count === 1 ? '' : 's'}${of} (the page is cross-origin isolated, so wasm can run threads; tfjs picks how many)`;
  }
  if (tf.env().get('IS_NODE')) return 'single thread (tfjs runs wasm single-threaded in Node)';
  if (!globalThis.crossOriginIsolated)
    return 'single thread (the page is not cross-origin isolated, so no SharedArrayBuffer)';
  return 'single thread (this browser offers no wasm threads)';
}

registerBackend({
  name: 'wasm',
  available: async () =>
    typeof WebAssembly === 'object'
      ? { ok: true, detail: 'WebAssembly' }
      : { ok: false, reason: 'this runtime has no WebAssembly' },
  init: async (env) => {
    // Loaded on demand so that hosts which never use wasm do not pay for it.
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (env.wasmPaths !== undefined && !pathsSet) {
      wasm.setWasmPaths(env.wasmPaths);
      pathsSet = true;
    }
    const batched = await installWasmKernels();
    // Read before any init (the flag is evaluated once): skip the threaded binary where it would run one thread.
    const skipThreads =
      !tf.env().get('IS_NODE') &&
      oneThreadAnyway() &&
      (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
    if (skipThreads) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    try {
      await activate('wasm');
    } catch (e) {
      throw new Error(`its binary could not be loaded or started (${e instanceof Error ? e.message : String(e)})`);
    }
    const [simd, threads] = await Promise.all([
      tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
      tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    ]);
    return `${simd ? 'SIMD' : 'no SIMD'}, ${threadNote(threads === true, wasm.getThreadsCount(), skipThreads)}; ${batched}`;
  },
});
