// The page's strategy catalog (no TF.js) and the worker's registry describe the same strategies: same names in the same
// order, each implementation carrying its catalog entry's metadata, and the same answers when a spec is checked.
import { describe, expect, it } from 'vitest';
import type { StrategySpec } from '../src/engine/spec/experiment';
import { resolveStrategyInfo, strategyCatalog } from '../src/engine/strategies/catalog';
import { getStrategy, resolveStrategy, strategyNames } from '../src/engine/strategies/registry';

describe('strategy catalog', () => {
  it("lists the registered strategies in the registry's order, with their metadata", () => {
    expect(strategyCatalog.map((s) => s.name)).toEqual(strategyNames());
    for (const info of strategyCatalog) {
      const def = getStrategy(info.name);
      // Beyond the metadata, a def carries its implementation: create, and how the runner may share its task 0.
      const { create: _, firstTaskAsSeqft: __, ...metadata } = def;
      expect(metadata).toEqual(info);
      expect(def.knobs).toBe(info.knobs);
    }
  });

  it("checks a spec's strategy as the registry does", () => {
    const cases: StrategySpec[] = [
      { name: 'kif-hard', knobs: { gamma: 1.5 } },
      { name: 'kif-lora', knobs: {} },
      { name: 'lwf', knobs: { loss: 'mse' } },
      { name: 'nope', knobs: {} },
      { name: 'olora', knobs: { rank: 4 } },
    ];
    for (const granularity of ['tensor', 'lora-rank']) {
      for (const s of cases) {
        const context = { granularity, tasks: 2 };
        const a = resolveStrategyInfo(s, 'strategies[0]', context);
        const b = resolveStrategy(s, 'strategies[0]', context);
        expect(a.ok ? { knobs: a.knobs, name: a.def.name } : a.problems).toEqual(
          b.ok ? { knobs: b.knobs, name: b.def.name } : b.problems,
        );
      }
    }
  });
});
