import * as tf from '@tensorflow/tfjs';
import type { HostTensors } from '../model/init';
import type { LoraAdapter } from '../model/lora';
import { mm } from '../model/matmul';
import { num } from './knobs';
import { oloraInfo } from './catalog';
import { adapterOnly, loraTrainSettings, newAdapter } from './loraStrategy';
import type { StrategyDef } from './types';

/** lora_A of each module of one earlier task's adapter, by module. */
export type FrozenAs = Map<string, tf.Tensor>;

/** O-LoRA's overlap Σ_tasks Σ_modules Σ|A_old · A_newᵀ| between the adapter and the earlier tasks' lora_A. */
export function oloraOverlap(adapter: LoraAdapter, earlier: readonly FrozenAs[]): tf.Scalar {
  const terms = earlier.flatMap((old) =>
    adapter.modules.map((m) => tf.sum(tf.abs(mm(old.get(m.module)!, m.a, false, true)))),
  );
  return (terms.length ? tf.addN(terms) : tf.scalar(0)) as tf.Scalar;
}

/** O-LoRA's L2 term: Σ over the new adapter's matrices of ‖M‖₂ (√ of a tiny floor keeps the gradient at B = 0 finite). */
export function adapterNorm(adapter: LoraAdapter): tf.Scalar {
  return tf.addN(
    adapter.modules.flatMap((m) => [m.a, m.b].map((x) => tf.sqrt(tf.add(tf.sum(tf.square(x)), 1e-12)))),
  ) as tf.Scalar;
}

export const olora: StrategyDef = {
  ...oloraInfo,
  create(env, knobs) {
    const earlier: FrozenAs[] = [];
    let adapter: LoraAdapter | null = null;
    const [lambda1, lambda2] = [num(knobs, 'lambda1'), num(knobs, 'lambda2')];
    const penalty = () => {
      const terms: tf.Scalar[] = [];
      if (lambda1 > 0 && earlier.length) terms.push(tf.mul(oloraOverlap(adapter!, earlier), lambda1));
      if (lambda2 > 0) terms.push(tf.mul(adapterNorm(adapter!), lambda2));
      return terms.length ? (tf.addN(terms) as tf.Scalar) : null;
    };
    return {
      beforeTask(k) {
        adapter = newAdapter(env, knobs, k);
      },
      hooks: () => ({ ...adapterOnly(adapter!), extraLoss: penalty }),
      trainSettings: (_k, training) => loraTrainSettings(knobs, training),
      async afterTask() {
        earlier.push(new Map(adapter!.modules.map((m) => [m.module, tf.keep(tf.clone(m.a))])));
        adapter!.merge();
        adapter!.detach();
        adapter = null;
      },
      async snapshot() {
        const tensors: Record<string, HostTensors> = {};
        for (const [t, as] of earlier.entries()) {
          const host: HostTensors = new Map();
          for (const [module, a] of as)
            host.set(module, { shape: [...a.shape], data: (await a.data()) as Float32Array });
          tensors[`earlierA/${t}`] = host;
        }
        return { tensors };
      },
      restore(state) {
        const groups = Object.entries(state.tensors ?? {}).sort(
          ([x], [y]) => Number(x.split('/')[1]) - Number(y.split('/')[1]),
        );
        for (const [, host] of groups)
          earlier.push(new Map([...host].map(([module, t]) => [module, tf.keep(tf.tensor(t.data, t.shape))])));
      },
      dispose() {
        adapter?.detach();
        for (const as of earlier) tf.dispose([...as.values()]);
      },
    };
  },
};
