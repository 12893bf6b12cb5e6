// Backend selection for every host of the engine (the app's worker, Node tests, the CLI).
// Importing this module registers all four backends; the WebGPU and wasm packages load only when tried.
import './webgpu';
import './wasm';
import './webgl';
import './cpu';

export { chooseBackend } from './choose';
export { backendNames, isBackendName } from './names';
export type { BackendChoice, BackendEnv, BackendName, BackendPreference } from './types';
export { BackendFailure, fallBackFrom, isBackendFailure } from './failure';
