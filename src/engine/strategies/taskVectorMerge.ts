// The model-merging strategies' shared machinery: keep the base θ₀ and every task's model θ_t on the host, start each
// task where the strategy's paper does, and after every task k ≥ 1 merge all task vectors so far with the strategy's
// rule, reporting each task's share of every skill unit.
import { mergeWithRule } from '../kif/fusion';
import { fusionRuleInfo } from '../kif/fusionRuleKnobs';
import { unitShares, type TaskVectorRule } from '../kif/taskVectors';
import type { HostTensors } from '../model/init';
import { diagonalFisher } from './ewc';
import { num, str, type Knobs } from './knobs';
import { mergeRuleOf, type MergeStart } from './mergingCatalog';
import type { FusionReport, StrategyDef, StrategyEnv, StrategyInfo, StrategyRun } from './types';
import { disposeSnapshot, snapshotToHost } from './weights';

/** The strategy's rule with its knob values. */
export function mergeRuleFromKnobs(strategy: string, knobs: Knobs): TaskVectorRule {
  const kind = mergeRuleOf[strategy];
  if (!kind) throw new Error(`strategy "${strategy}" runs no merging rule`);
  return {
    kind,
    ...Object.fromEntries(Object.keys(fusionRuleInfo[kind].knobs).map((k) => [k, knobs[k]])),
  } as TaskVectorRule;
}

/** A fusion report from each task's share of every unit: the earlier model's weight is the earlier tasks' share. */
export function sharesReport(afterTask: number, rule: string, shares: ReadonlyMap<string, number[]>): FusionReport {
  const prevWeight: Record<string, number> = {};
  for (const [u, s] of shares) prevWeight[u] = s.slice(0, -1).reduce((a, b) => a + b, 0);
  return { afterTask, rule, prevWeight, shares: Object.fromEntries(shares) };
}

function createMerge(env: StrategyEnv, knobs: Knobs, strategy: string): StrategyRun {
  const rule = mergeRuleFromKnobs(strategy, knobs);
  const start = str(knobs, 'start') as MergeStart;
  let base: HostTensors | null = null;
  const models: HostTensors[] = [];
  const fishers: HostTensors[] = [];

  return {
    async beforeTask(k) {
      if (k === 0) base ??= await env.model.exportWeights();
      else if (start === 'base') env.model.loadWeights(base!);
      else if (start === 'previous') env.model.loadWeights(models[k - 1]);
    },
    async afterTask(k) {
      models[k] = await env.model.exportWeights();
      if (rule.kind === 'fisher') {
        const f = diagonalFisher(
          env.model,
          env.sampler(env.encoded[k], `fisher/${k}`),
          env.shape(k),
          num(knobs, 'fisherBatches'),
        );
        fishers[k] = await snapshotToHost(f);
        disposeSnapshot(f);
      }
      if (k === 0) return;
      const out = mergeWithRule(
        {
          base: base!,
          models: models.slice(0, k + 1),
          fishers: rule.kind === 'fisher' ? fishers.slice(0, k + 1) : undefined,
          names: env.tasks.slice(0, k + 1).map((t) => t.name),
        },
        rule,
      );
      env.model.loadWeights(out.weights);
      env.emit({ type: 'fusion', fusion: sharesReport(k, rule.kind, unitShares(env.units, out)) });
    },
    // Between tasks the strategy carries the base and every task model so far (and their Fishers).
    snapshot: () => ({
      tensors: Object.fromEntries([
        ...(base ? [['base', base] as const] : []),
        ...models.map((m, t) => [`task-${t}`, m] as const),
        ...fishers.map((f, t) => [`fisher-${t}`, f] as const),
      ]),
    }),
    restore({ tensors = {} }) {
      base = tensors.base ?? null;
      for (const [name, t] of Object.entries(tensors)) {
        const m = /^(task|fisher)-(\d+)$/.exec(name);
        if (m) (m[1] === 'task' ? models : fishers)[Number(m[2])] = t;
      }
    },
    dispose() {},
  };
}

/** A merging strategy from its catalog entry. */
export const mergingStrategy = (info: StrategyInfo): StrategyDef => ({
  ...info,
  create: (env, knobs) => createMerge(env, knobs, info.name),
});
