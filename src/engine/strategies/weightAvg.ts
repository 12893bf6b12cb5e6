import type { Coeff } from '../kif/fusion';
import { weightAvgInfo, type WeightAvgForm } from './catalog';
import { num, str } from './knobs';
import type { StrategyDef } from './types';
import { disposeSnapshot, fuseInto, snapshot, type Snapshot } from './weights';

type Form = (k: number, beta: number) => number;

/** Weight of the earlier model θ̂_{k−1} in θ̂_k for each form. */
const forms: Record<string, Form> = {
  uniform: () => 0.5,
  running: (k) => k / (k + 1),
  ema: (_k, beta) => beta,
} satisfies Record<WeightAvgForm, Form>;

export const weightAvg: StrategyDef = {
  ...weightAvgInfo,
  firstTaskAsSeqft: true,
  create(env, knobs) {
    let prev: Snapshot | null = null;
    return {
      beforeTask(k) {
        if (k > 0) prev = snapshot(env.model);
      },
      async afterTask(k) {
        if (!prev) return;
        const w = forms[str(knobs, 'form')](k, num(knobs, 'beta'));
        const c: Coeff = { prev: w, cur: 1 - w };
        const coeffs = new Map(env.units.map((u) => [u.name, c]));
        fuseInto(env.model, prev, env.units, coeffs);
        disposeSnapshot(prev);
        prev = null;
        env.emit({
          type: 'fusion',
          fusion: {
            afterTask: k,
            rule: `average (${str(knobs, 'form')})`,
            prevWeight: Object.fromEntries(env.units.map((u) => [u.name, w])),
          },
        });
      },
      dispose: () => disposeSnapshot(prev),
    };
  },
};
