// Random non-zero B matrices for a LoRA adapter's modules (a fresh adapter has B = 0, which would test nothing).
import * as tf from '@tensorflow/tfjs';
import type { LoraAdapter } from '../../src/engine/model/lora';
import { makeRng, randn } from '../../src/engine/util/rng';

/** Every module's B drawn as `scale`·N(0, 1) from the generator of `seed`, module after module. */
export function randomiseB(adapter: LoraAdapter, seed: number, scale: number): void {
  const rng = makeRng(seed);
  for (const m of adapter.modules)
    m.b.assign(
      tf.tensor(
        Float32Array.from({ length: m.b.size }, () => scale * randn(rng)),
        m.b.shape,
      ),
    );
}
