// Starts a tfjs backend for Node hosts (CLI, benchmarks): wasm or cpu.
import '@tensorflow/tfjs';
import { chooseBackend, isBackendName } from '../engine/backend';
import { UsageError } from './args';

export async function startBackend(name: string): Promise<string> {
  if (name !== 'auto' && !isBackendName(name))
    throw new UsageError(`--backend must be auto, wasm or cpu in Node (got ${name})`);
  const choice = await chooseBackend(name);
  for (const f of choice.fallbacks) console.error(`note: ${f}`);
  return choice.name;
}
