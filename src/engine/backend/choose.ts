// Picks the backend tfjs runs on, and says why in words.
import { backendNames as autoOrder } from './names';
import { getBackend } from './registry';
import type { BackendChoice, BackendEnv, BackendName, BackendPreference } from './types';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Makes a backend active and returns which one and why.
 * - A forced backend is used when it works (a software WebGPU adapter included); when it does not, its
 *   failure goes into `fallbacks` and the automatic order takes over.
 * - Auto: WebGPU on a real GPU, otherwise wasm (threaded when the page is cross-origin isolated),
 *   then webgl, then cpu. Backends passed over are named in the reason; ones that failed to start
 *   are listed in `fallbacks`.
 */
export async function chooseBackend(preference: BackendPreference, env: BackendEnv = {}): Promise<BackendChoice> {
  const fallbacks: string[] = [];
  if (preference !== 'auto') {
    const forced = getBackend(preference);
    const probe = await forced.available(env);
    if (probe.ok) {
      try {
        const detail = await forced.init(env);
        return { name: preference, reason: `${preference}, as you chose: ${detail}`, fallbacks };
      } catch (e) {
        fallbacks.push(`${preference} failed to start: ${message(e)}`);
      }
    } else {
      fallbacks.push(`${preference} is not available: ${probe.reason}`);
    }
  }

  const passedOver: string[] = [];
  for (const name of autoOrder) {
    if (name === preference) continue; // already tried and reported above
    const entry = getBackend(name);
    const probe = await entry.available(env);
    if (!probe.ok) {
      passedOver.push(`${name}: ${probe.reason}`);
      continue;
    }
    if (probe.software) {
      passedOver.push(`${name}: ${probe.detail}, slower than wasm`);
      continue;
    }
    try {
      const detail = await entry.init(env);
      return { name, reason: autoReason(preference, name, detail, passedOver), fallbacks };
    } catch (e) {
      fallbacks.push(`${name} failed to start: ${message(e)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start here: ${[...fallbacks, ...passedOver].join('; ')}`);
}

function autoReason(preference: BackendPreference, name: BackendName, detail: string, passedOver: string[]): string {
  const head =
    preference === 'auto'
      ? `${name}, chosen automatically`
      : `${name}, the automatic choice after ${preference} could not be used`;
  const skipped = passedOver.length > 0 ? ` Passed over ${passedOver.join('; ')}.` : '';
  return `${head}: ${detail}.${skipped}`;
}
