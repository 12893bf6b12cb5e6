// Freezing skill units during training: gradient masks that are 0 on the frozen units' elements and 1 elsewhere.
import * as tf from '@tensorflow/tfjs';
import { forEachElement, type SkillUnit } from '../kif/units';
import type { TrainHooks } from '../train/trainer';

/** One kept 0/1 mask per parameter that a frozen unit touches. */
export function freezeMasks(
  shapes: ReadonlyMap<string, readonly number[]>,
  frozen: readonly SkillUnit[],
): Map<string, tf.Tensor> {
  const host = new Map<string, Float32Array>();
  for (const u of frozen) {
    for (const part of u.parts) {
      const shape = shapes.get(part.param);
      if (!shape)
        throw new Error(`freeze: unit ${u.name} refers to parameter ${part.param}, which the model does not have`);
      let m = host.get(part.param);
      if (!m) host.set(part.param, (m = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1)));
      forEachElement(part, shape, (i) => (m![i] = 0));
    }
  }
  return new Map([...host].map(([name, data]) => [name, tf.keep(tf.tensor(data, [...shapes.get(name)!]))]));
}

/** Trainer hook zeroing the masked gradients. Every returned tensor is new, as the trainer frees its inputs. */
export const maskGradients = (masks: ReadonlyMap<string, tf.Tensor>): Required<Pick<TrainHooks, 'transformGrads'>> => ({
  transformGrads: (grads) =>
    new Map([...grads].map(([name, g]) => [name, masks.has(name) ? tf.mul(g, masks.get(name)!) : tf.clone(g)])),
});
