import * as tf from '@tensorflow/tfjs';
import { applyFusion, planFusion, unitKindsOf } from '../kif/fusion';
import { ImportanceTracker, trackingHooks } from '../kif/importance';
import type { HostTensors } from '../model/init';
import type { LoraAdapter } from '../model/lora';
import { mm } from '../model/matmul';
import { kifLoraInfo } from './catalog';
import { num, str } from './knobs';
import { adapterOnly, loraTrainSettings, newAdapter } from './loraStrategy';
import type { StrategyDef, UnitScores } from './types';

/**
 * KIF.md §4: λ · mean over the adapter's matrices of ‖P − I‖_F, with P = A·Aᵀ for lora_A [r, in] and Bᵀ·B for
 * lora_B [out, r]: keeps each adapter's rank directions near orthonormal, so rank units stay separable for fusion.
 */
export function orthogonalityPenalty(adapter: LoraAdapter, lambda: number): tf.Scalar {
  // Matrices of one shape are stacked and go through one batched product (a few kernels per shape, not per matrix).
  const groups = new Map<string, tf.Tensor[]>();
  const add = (x: tf.Tensor) => {
    const key = x.shape.join('x');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(x);
  };
  for (const m of adapter.modules) {
    add(m.a);
    add(tf.transpose(m.b)); // Bᵀ·B = (Bᵀ)·(Bᵀ)ᵀ
  }
  const eye = tf.eye(adapter.options.rank);
  const norms = [...groups.values()].map((xs) => {
    const s = tf.stack(xs); // [M, r, n]
    return tf.sqrt(tf.sum(tf.square(tf.sub(mm(s, s, false, true), eye)), [1, 2]));
  });
  return tf.mul(tf.mean(tf.concat(norms)), lambda) as tf.Scalar;
}

const record = (m: ReadonlyMap<string, number>): UnitScores => Object.fromEntries(m);

export const kifLora: StrategyDef = {
  ...kifLoraInfo,
  create(env, knobs) {
    const adapter = newAdapter(env, knobs, 0);
    const units = env.unitsFor(adapter.paramShapes());
    const kinds = unitKindsOf(units);
    const tracker = new ImportanceTracker(adapter.paramShapes(), {
      metric: str(knobs, 'metric'),
      beta1: num(knobs, 'beta1'),
      beta2: num(knobs, 'beta2'),
    });
    const lambda = num(knobs, 'orthLambda');
    const rule = { kind: 'soft', tau: num(knobs, 'tau') } as const;
    let prev: Map<string, tf.Tensor> | null = null;
    let accumulated: Map<string, number> | null = null;
    const dropPrev = () => {
      if (prev) tf.dispose([...prev.values()]);
      prev = null;
    };

    return {
      beforeTask(k) {
        tracker.reset();
        if (k > 0) prev = new Map([...adapter.params()].map(([n, v]) => [n, tf.keep(tf.clone(v))]));
      },
      hooks: (k) => ({
        ...adapterOnly(adapter),
        ...(lambda > 0 ? { extraLoss: () => orthogonalityPenalty(adapter, lambda) } : {}),
        ...trackingHooks(tracker, env.model.params),
        onStep: async ({ step }) => {
          if (env.importanceEvery > 0 && (step + 1) % env.importanceEvery === 0 && tracker.steps > 0) {
            env.emit({
              type: 'importance',
              task: k,
              step: step + 1,
              final: false,
              scores: record(await tracker.unitScores(units)),
            });
          }
        },
      }),
      trainSettings: (_k, training) => loraTrainSettings(knobs, training),
      async afterTask(k) {
        const scores = await tracker.unitScores(units);
        env.emit({ type: 'importance', task: k, step: tracker.steps, final: true, scores: record(scores) });
        if (!accumulated || !prev)
          accumulated = scores; // A_0 = S_0
        else {
          const plan = planFusion(accumulated, scores, rule, num(knobs, 'beta'), kinds);
          const vars = adapter.params();
          const fused = applyFusion(prev, vars, units, plan.coeffs);
          for (const [name, t] of fused) vars.get(name)!.assign(t);
          tf.dispose([...fused.values()]);
          dropPrev();
          accumulated = plan.accumulated;
          await env.inspect(k, 'fused');
          env.emit({
            type: 'fusion',
            fusion: {
              afterTask: k,
              rule: rule.kind,
              prevWeight: Object.fromEntries([...plan.coeffs].map(([u, c]) => [u, c.prev])),
              thresholds: null,
            },
          });
        }
        env.emit({ type: 'accumulated', task: k, scores: record(accumulated) });
      },
      async snapshot() {
        const host: HostTensors = new Map();
        for (const [n, v] of adapter.params())
          host.set(n, { shape: [...v.shape], data: (await v.data()) as Float32Array });
        const scores: Record<string, UnitScores> = accumulated ? { accumulated: record(accumulated) } : {};
        return { tensors: { adapter: host }, scores };
      },
      restore(state) {
        for (const [n, v] of adapter.params()) {
          const t = state.tensors?.adapter?.get(n);
          if (!t) throw new Error(`kif-lora: the checkpoint has no adapter tensor ${n}`);
          tf.tidy(() => v.assign(tf.tensor(t.data, v.shape)));
        }
        const acc = state.scores?.accumulated;
        accumulated = acc ? new Map(Object.entries(acc)) : null;
      },
      dispose() {
        tracker.dispose();
        dropPrev();
        adapter.detach();
      },
    };
  },
};
