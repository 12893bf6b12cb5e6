// The pretrained base of a model preset, fetched from the app's own files (public/models/...) for init "pretrained".
// Missing or broken files are not an error: the run starts from scratch and the page says why.
import { fetchBytes } from '../engine/io/fetchBytes';
import type { HostTensors } from '../engine/model/init';
import { baseFor, baseWeightsFrom } from '../engine/model/bases';
import type { ExperimentSpec } from '../engine/spec/experiment';

const cache = new Map<string, HostTensors>();
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The base's weights, or a notice saying why there are none (null: the spec does not ask for a base). */
export async function loadBaseWeights(
  spec: ExperimentSpec,
): Promise<{ weights?: HostTensors; notice?: string } | null> {
  if (spec.init !== 'pretrained') return null;
  const preset = 'preset' in spec.model ? spec.model.preset : undefined;
  const base = baseFor(preset);
  if (!preset || !base)
    return {
      notice: `There is no pretrained base for ${preset ? `the "${preset}" preset` : 'an edited model config'}, so the run starts from scratch.`,
    };
  const cached = cache.get(preset);
  if (cached) return { weights: cached };
  const folder = new URL(`${import.meta.env.BASE_URL}${base.folder}/`, self.location.origin);
  try {
    // The accept lists turn a static server's fallback page (HTML) into a clear message; static servers (vite preview
    // among them) often send .safetensors with no content type at all, hence the empty one.
    const [safetensors, config] = await Promise.all([
      fetchBytes(new URL('model.safetensors', folder).href, {
        accept: ['application/octet-stream', 'binary/octet-stream', ''],
      }),
      fetchBytes(new URL('config.json', folder).href, { accept: ['application/json', 'text/plain'] }),
    ]);
    const weights = baseWeightsFrom(safetensors, new TextDecoder().decode(config));
    cache.set(preset, weights);
    return { weights };
  } catch (e) {
    return {
      notice: `The pretrained ${preset} base could not be loaded (${message(e)}), so the run starts from scratch.`,
    };
  }
}
