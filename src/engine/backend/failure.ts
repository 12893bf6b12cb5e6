// Failures of the backend itself (a lost WebGPU device or WebGL context, a crashed wasm module), as opposed to errors
// of the experiment: after one, the host switches to the next backend and resumes from the last task boundary.
import { backendNames } from './names';
import { getBackend } from './registry';
import type { BackendChoice, BackendEnv, BackendName } from './types';

/** Thrown by code that knows the backend failed (the worker's fault-injection switch among them). */
export class BackendFailure extends Error {
  override name = 'BackendFailure';
}

// What TF.js and the browsers say when a device, context or module dies under a running program.
const backendMessages =
  /device (was |is )?lost|context (was |is )?lost|CONTEXT_LOST|GPUDevice|out of memory|memory access out of bounds|unreachable (code|executed)|Aborted\(/i;

export function isBackendFailure(e: unknown): boolean {
  if (e instanceof BackendFailure) return true;
  if (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError) return true;
  return e instanceof Error && backendMessages.test(e.message);
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Makes the next backend after `failed` in the fallback order active (backendNames: webgpu, wasm, webgl, cpu), trying
 * each in turn. A software adapter is taken too: slow beats stopped. Throws when none after it starts.
 */
export async function fallBackFrom(failed: BackendName, env: BackendEnv = {}): Promise<BackendChoice> {
  const tried: string[] = [];
  for (const name of backendNames.slice(backendNames.indexOf(failed) + 1)) {
    const entry = getBackend(name);
    const probe = await entry.available(env);
    if (!probe.ok) {
      tried.push(`${name} is not available: ${probe.reason}`);
      continue;
    }
    try {
      const detail = await entry.init(env);
      return {
        name,
        reason: `${name}, after ${failed} failed during the run: ${detail}.`,
        fallbacks: [`${failed} failed during a run`, ...tried],
      };
    } catch (e) {
      tried.push(`${name} failed to start: ${message(e)}`);
    }
  }
  throw new Error(`${failed} failed and no backend after it could start${tried.length ? `: ${tried.join('; ')}` : ''}`);
}
