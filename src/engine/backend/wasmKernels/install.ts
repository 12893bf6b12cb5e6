// Every kernel the engine puts in front of tfjs-wasm's, installed as the app, the CLI and the tests run them.
import { installWasmBatchMatMul } from './batchMatMul';
import { installWasmRowConcat } from './concat';
import { installWasmExp } from './exp';
import { installWasmRowGather } from './gather';
import { installWasmSharedIdentity } from './identity';
import { installWasmSliceInPlace } from './slice';

/** Installs them (once; @tensorflow/tfjs-backend-wasm must be imported); resolves to the product kernel's line. */
export async function installWasmKernels(): Promise<string> {
  const batched = await installWasmBatchMatMul();
  installWasmSharedIdentity();
  installWasmSliceInPlace();
  installWasmRowGather();
  installWasmRowConcat();
  installWasmExp();
  return batched;
}
