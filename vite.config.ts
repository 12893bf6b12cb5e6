import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Cross-origin isolation: gives the page (and its workers) SharedArrayBuffer, so the wasm backend can
// run multi-threaded. Every response of both servers carries these headers.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 5173, headers: isolation },
  preview: { host: '127.0.0.1', port: 4173, headers: isolation },
  worker: {
    // ES-module workers keep the lazy imports of the TF.js backends as separate chunks.
    format: 'es',
    // Only whitespace is minified in the worker. tfjs' threaded wasm backend starts its threads from the
    // source text of a function (Function.prototype.toString); renaming or compressing would make that
    // text refer to variables that do not exist inside those threads ("e is not defined").
    rolldownOptions: { output: { minify: { compress: false, mangle: false } } },
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    // bench.html: the engine benchmark page driven by `npm run bench`; parity.html: backends against cpu (e2e).
    rolldownOptions: { input: { main: 'index.html', bench: 'bench.html', parity: 'parity.html' } },
  },
});
