// The KIF strategies' shared machinery: importance tracked during every task (KIF.md §2), fusion after every task
// k ≥ 1 (§3), and optionally the memory replay of §4 with the current-task-specific units frozen.
import * as tf from '@tensorflow/tfjs';
import { planFusion, unitKindsOf, type FusionPlan, type ScoreRule } from '../kif/fusion';
import type { NormMode, ScoreScope } from '../kif/fusionRuleKnobs';
import { ImportanceTracker, trackingHooks } from '../kif/importance';
import { freezeMasks, maskGradients } from './freeze';
import { num, str, type Knobs } from './knobs';
import { memoryBefore } from './memory';
import type { StrategyEnv, StrategyRun } from './types';
import { disposeSnapshot, fuseInto, snapshot, type Snapshot } from './weights';

/** Fusion rules by the knobs that configure them. */
const variantOf = (k: Knobs) => ({ within: str(k, 'within') as ScoreScope, norms: str(k, 'norms') as NormMode });
export const ruleFromKnobs: Record<ScoreRule['kind'], (k: Knobs) => ScoreRule> = {
  hard: (k) => ({ kind: 'hard', gamma: num(k, 'gamma'), topPercent: num(k, 'topPercent'), ...variantOf(k) }),
  soft: (k) => ({ kind: 'soft', tau: num(k, 'tau'), ...variantOf(k) }),
};

const record = (m: ReadonlyMap<string, number>) => Object.fromEntries(m);

export interface KifOptions {
  rule: ScoreRule['kind'];
  /** KIF.md §4: after fusion, train on a memory of earlier tasks with the current-task-specific units frozen. */
  replay?: { memory: (k: Knobs) => number; steps: (k: Knobs) => number };
}

export function createKif(env: StrategyEnv, knobs: Knobs, options: KifOptions): StrategyRun {
  const tracker = new ImportanceTracker(
    [...env.model.params].map(([name, v]) => ({ name, shape: v.shape })),
    { metric: str(knobs, 'metric'), beta1: num(knobs, 'beta1'), beta2: num(knobs, 'beta2') },
  );
  const rule = ruleFromKnobs[options.rule](knobs);
  const kinds = unitKindsOf(env.units);
  let prev: Snapshot | null = null;
  let accumulated: Map<string, number> | null = null;

  const replayAfterFusion = async (k: number, plan: FusionPlan) => {
    if (!options.replay) return [];
    const frozen = new Set([...plan.cases].filter(([, c]) => c === 'taken').map(([u]) => u));
    const masks = freezeMasks(
      new Map([...env.model.params].map(([n, v]) => [n, v.shape])),
      env.units.filter((u) => frozen.has(u.name)),
    );
    try {
      // No weight decay and fresh moments: a zero gradient then leaves a frozen element exactly as fusion set it.
      await env.train(k, {
        phase: 'replay',
        steps: options.replay.steps(knobs),
        sampler: env.sampler(memoryBefore(env, k, options.replay.memory(knobs)), `kif-replay/${k}`),
        hooks: maskGradients(masks),
        settings: { weightDecay: 0, warmupSteps: 0 },
      });
    } finally {
      tf.dispose([...masks.values()]);
    }
    return [...frozen];
  };

  return {
    beforeTask(k) {
      tracker.reset();
      if (k > 0) prev = snapshot(env.model);
    },
    hooks: (k) => ({
      ...trackingHooks(tracker, env.model.params),
      onStep: async ({ step }) => {
        if (env.importanceEvery > 0 && (step + 1) % env.importanceEvery === 0 && tracker.steps > 0) {
          env.emit({
            type: 'importance',
            task: k,
            step: step + 1,
            final: false,
            scores: record(await tracker.unitScores(env.units)),
          });
        }
      },
    }),
    async afterTask(k) {
      const scores = await tracker.unitScores(env.units);
      env.emit({ type: 'importance', task: k, step: tracker.steps, final: true, scores: record(scores) });
      if (!accumulated || !prev) {
        accumulated = scores; // A_0 = S_0
      } else {
        const plan = planFusion(accumulated, scores, rule, num(knobs, 'beta'), kinds);
        fuseInto(env.model, prev, env.units, plan.coeffs);
        disposeSnapshot(prev);
        prev = null;
        accumulated = plan.accumulated;
        await env.inspect(k, 'fused');
        const frozen = await replayAfterFusion(k, plan);
        env.emit({
          type: 'fusion',
          fusion: {
            afterTask: k,
            rule: rule.kind,
            prevWeight: Object.fromEntries([...plan.coeffs].map(([u, c]) => [u, c.prev])),
            ...(plan.cases.size ? { cases: Object.fromEntries(plan.cases) } : {}),
            thresholds: plan.thresholds,
            ...(options.replay ? { frozen } : {}),
          },
        });
      }
      env.emit({ type: 'accumulated', task: k, scores: record(accumulated) });
    },
    // Between tasks only A_k carries over: the tracker is reset and θ̂_{k−1} re-taken in beforeTask.
    snapshot: () => (accumulated ? { scores: { accumulated: record(accumulated) } } : {}),
    restore({ scores }) {
      if (scores?.accumulated) accumulated = new Map(Object.entries(scores.accumulated));
    },
    dispose() {
      tracker.dispose();
      disposeSnapshot(prev);
    },
  };
}
