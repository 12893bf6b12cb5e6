// The WebGL 2 backend: a GPU path for browsers without WebGPU. Not available in Node.
import { activate } from './activate';
import { registerBackend } from './registry';
import type { Probe } from './types';

type GlContext = { getParameter(p: number): unknown; getExtension(name: string): unknown; RENDERER: number } | null;
const UNMASKED_RENDERER_WEBGL = 0x9246; // from WEBGL_debug_renderer_info; plain RENDERER is often masked

/** Creates a throwaway WebGL 2 context and names its renderer (e.g. a SwiftShader software one). */
function probeWebGl2(): Probe {
  let gl: GlContext = null;
  try {
    if (typeof OffscreenCanvas !== 'undefined') gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    // The one DOM use the engine allows: probing WebGL on a main thread that has no OffscreenCanvas.
    // eslint-disable-next-line no-restricted-globals
    else if (typeof document !== 'undefined') gl = document.createElement('canvas').getContext('webgl2');
  } catch {
    // getContext can throw where GPU access is blocked; that means no WebGL.
  }
  if (!gl) return { ok: false, reason: 'no WebGL 2 context can be created here' };
  const renderer = gl.getParameter(
    gl.getExtension('WEBGL_debug_renderer_info') ? UNMASKED_RENDERER_WEBGL : gl.RENDERER,
  );
  return { ok: true, detail: typeof renderer === 'string' && renderer ? `WebGL 2 on ${renderer}` : 'WebGL 2' };
}

registerBackend({
  name: 'webgl',
  available: async () => probeWebGl2(),
  init: async () => {
    const probe = probeWebGl2();
    if (!probe.ok) throw new Error(probe.reason);
    await activate('webgl'); // registered by @tensorflow/tfjs itself
    return probe.detail;
  },
});
