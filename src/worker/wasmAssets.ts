// URLs of the tfjs wasm binaries as Vite serves them (hashed in the build), for setWasmPaths.
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

// Absolute, because tfjs fetches them from inside its own workers too.
const absolute = (url: string) => new URL(url, self.location.href).href;

export const wasmPaths: Record<string, string> = {
  'tfjs-backend-wasm.wasm': absolute(plain),
  'tfjs-backend-wasm-simd.wasm': absolute(simd),
  'tfjs-backend-wasm-threaded-simd.wasm': absolute(threadedSimd),
};
