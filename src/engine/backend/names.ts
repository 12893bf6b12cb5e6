// Backend names with no TF.js import, so the page can list them without loading TF.js.
import type { BackendName } from './types';

/** Also the order auto tries them in: a real GPU first, then the fast CPU path, then the rest. */
export const backendNames: readonly BackendName[] = ['webgpu', 'wasm', 'webgl', 'cpu'];

export const isBackendName = (s: string): s is BackendName => (backendNames as readonly string[]).includes(s);
