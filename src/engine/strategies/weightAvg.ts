import type { Coeff } from '../kif/fusion';
import { num, str } from './knobs';
import type { StrategyDef } from './types';
import { disposeSnapshot, fuseInto, snapshot, type Snapshot } from './weights';

/** Weight of the earlier model θ̂_{k−1} in θ̂_k for each form. */
const forms: Record<string, (k: number, beta: number) => number> = {
  uniform: () => 0.5,
  running: (k) => k / (k + 1),
  ema: (_k, beta) => beta,
};

export const weightAvg: StrategyDef = {
  name: 'weight-avg',
  title: 'Weight averaging',
  description:
    'After each task k ≥ 1 replaces the weights by an average of the model before the task and the model after it, the ' +
    'same for every parameter: "uniform" takes half of each (the plain averaging of KIF\'s ablation), "running" keeps ' +
    'the uniform mean of all task models so far (old weight k/(k+1)), "ema" keeps a share β of the old model. It is the ' +
    'coarse fusion that KIF refines unit by unit.',
  knobs: {
    form: { kind: 'choice', default: 'uniform', options: Object.keys(forms), help: 'uniform (½·old + ½·new), running (mean of all task models) or ema (β·old + (1−β)·new)' },
    beta: { kind: 'number', default: 0.5, min: 0, max: 1, help: 'ema form: weight of the model before the task' },
  },
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
        env.emit({ type: 'fusion', fusion: { afterTask: k, rule: `average (${str(knobs, 'form')})`, prevWeight: Object.fromEntries(env.units.map((u) => [u.name, w])) } });
      },
      dispose: () => disposeSnapshot(prev),
    };
  },
};
