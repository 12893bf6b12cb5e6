// Weight snapshots on the device and blending them back into the model, for strategies that fuse after a task.
import * as tf from '@tensorflow/tfjs';
import { applyFusion, type Coeff } from '../kif/fusion';
import type { SkillUnit } from '../kif/units';
import type { HostTensors } from '../model/init';
import type { T5Model } from '../model/t5';

export type Snapshot = Map<string, tf.Tensor>;

/** A copy of every parameter, owned by the caller (free it with disposeSnapshot). */
export function snapshot(model: T5Model): Snapshot {
  return new Map([...model.params].map(([name, v]) => [name, tf.keep(tf.clone(v))]));
}

export const disposeSnapshot = (s: Snapshot | null | undefined) => s && tf.dispose([...s.values()]);

/** Sets the model to prev·θ̂ + cur·θ unit by unit (applyFusion), θ̂ = `prev` and θ = the model's current weights. */
export function fuseInto(
  model: T5Model,
  prev: Snapshot,
  units: readonly SkillUnit[],
  coeffs: ReadonlyMap<string, Coeff>,
): void {
  const fused = applyFusion(prev, model.params, units, coeffs);
  for (const [name, t] of fused) model.params.get(name)!.assign(t);
  tf.dispose([...fused.values()]);
}

/** A host copy of a snapshot (strategy state for resuming). */
export async function snapshotToHost(s: Snapshot): Promise<HostTensors> {
  const out: HostTensors = new Map();
  for (const [name, t] of s) out.set(name, { shape: [...t.shape], data: (await t.data()) as Float32Array });
  return out;
}

/** A device snapshot from host tensors, owned by the caller. */
export const snapshotFromHost = (h: HostTensors): Snapshot =>
  new Map([...h].map(([name, t]) => [name, tf.keep(tf.tensor(t.data, t.shape, 'float32'))]));
