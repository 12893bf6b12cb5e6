// `npm run build:kernels`: compiles the wasm kernels' sources and writes the modules that embed them.
import { writeFileSync } from 'node:fs';
import { compileWasmKernel, embeddedModule, wasmKernelSources } from './wasmKernels';

for (const k of wasmKernelSources) {
  const binary = await compileWasmKernel(k.source);
  writeFileSync(k.out, embeddedModule(k, binary));
  console.log(`${k.source} → ${k.out} (${binary.length} bytes of wasm)`);
}
