// The WebGPU backend. Auto picks it only on a real GPU: a software adapter (SwiftShader, the fallback
// adapter) is slower than wasm, so it is used only when the user forces it.
import { activate } from './activate';
import { registerBackend } from './registry';
import type { Probe } from './types';

// The few WebGPU fields read here; adapter.info replaced requestAdapterInfo() and isFallbackAdapter
// moved into info, so both places are read.
interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?(): Promise<AdapterInfoLike>;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<AdapterLike | null>;
}

const softwarePattern = /swiftshader|llvmpipe|lavapipe|software|basic render|warp/i;

async function probeAdapter(): Promise<Probe> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) {
    const inNode =
      typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
    return {
      ok: false,
      reason: inNode
        ? 'WebGPU exists only in browsers (this is Node)'
        : 'this browser has no WebGPU (navigator.gpu is missing)',
    };
  }
  let adapter: AdapterLike | null;
  try {
    // The same request tfjs makes, so the adapter described is the one it will use.
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { ok: false, reason: `requesting a WebGPU adapter failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!adapter)
    return { ok: false, reason: 'the browser offers no WebGPU adapter (no usable GPU, or WebGPU is disabled)' };
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  const name =
    [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' / ') || 'unnamed adapter';
  const software = adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || softwarePattern.test(name);
  return { ok: true, detail: software ? `${name}, a software adapter` : name, software };
}

registerBackend({
  name: 'webgpu',
  available: probeAdapter,
  init: async () => {
    const probe = await probeAdapter();
    if (!probe.ok) throw new Error(probe.reason);
    // Registers 'webgpu' with tfjs; loaded on demand because it is large and useless without an adapter.
    await import('@tensorflow/tfjs-backend-webgpu');
    await activate('webgpu');
    return probe.detail;
  },
});
