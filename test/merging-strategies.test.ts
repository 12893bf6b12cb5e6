// The model-merging strategies in a real run (tiny model, three tasks): where each task's training starts, that the
// model after each task is the rule's merge of all task vectors so far, the per-unit shares they report, and that
// what-if over the recorded task models reproduces every merging strategy (and MagMax from seqft's run) exactly.
import { beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../src/engine/experiment/runner';
import { FusionInputsRecorder, whatIfFusion } from '../src/engine/experiment/whatIf';
import { mergeWithRule } from '../src/engine/kif/fusion';
import type { HostTensors } from '../src/engine/model/init';
import { parseSpec } from '../src/engine/spec/experiment';
import { mergeRuleFromKnobs } from '../src/engine/strategies/taskVectorMerge';
import { resolveStrategy } from '../src/engine/strategies/registry';
import { useBackend } from './helpers/tf';
import { tinySpecInput } from './helpers/tinySpec';

beforeAll(() => useBackend('wasm'));

const strategies = ['seqft', 'magmax', 'task-arithmetic', 'ties', 'dare', 'fisher-merge'].map((name) => ({
  name,
  knobs: name === 'dare' ? { drop: 0.5 } : {},
}));
const input = tinySpecInput({ strategies, seed: 4, steps: 8, trainSize: 40, testSize: 6, warmupSteps: 2 });
const parsed = parseSpec({
  ...input,
  tasks: ['length', 'compare', 'add'].map((task) => ({ task, steps: 8, trainSize: 40, testSize: 6 })),
});
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const spec = parsed.spec;
const at = (name: string) => strategies.findIndex((s) => s.name === name);

const maxDiff = (a: HostTensors, b: HostTensors) =>
  Math.max(...[...b].map(([n, t]) => t.data.reduce((m, x, i) => Math.max(m, Math.abs(x - a.get(n)!.data[i])), 0)));

describe('merging strategies', () => {
  it('train where their papers do, merge all task vectors so far, and what-if reproduces each of them', async () => {
    const recorder = new FusionInputsRecorder();
    const finals = new Map<string, HostTensors>();
    const results = await runExperiment(spec, {
      onEvent: recorder.onEvent,
      onModel: async (where, model) => {
        await recorder.onModel(where, model);
        if (where.stage === 'final') finals.set(`${where.strategy}/${where.task}`, await model.exportWeights());
      },
    });
    expect(recorder.strategies()).toEqual([0, 1, 2, 3, 4, 5]); // every strategy, seqft too, has task models to merge
    expect(recorder.kifStrategies()).toEqual([]);
    const runOf = (name: string) => recorder.run(at(name))!;

    // MagMax trains exactly as seqft (each task from the previous fine-tuned model, not from the merge).
    for (let t = 0; t < 3; t++) expect(maxDiff(runOf('magmax').models[t], runOf('seqft').models[t])).toBe(0);
    // Task arithmetic, TIES, DARE and Fisher fine-tune every task from the base: the same task models for all four,
    // and task 0's is seqft's.
    for (const name of ['ties', 'dare', 'fisher-merge'])
      for (let t = 0; t < 3; t++) expect(maxDiff(runOf(name).models[t], runOf('task-arithmetic').models[t])).toBe(0);
    expect(maxDiff(runOf('task-arithmetic').models[0], runOf('seqft').models[0])).toBe(0);
    expect(maxDiff(runOf('task-arithmetic').models[1], runOf('seqft').models[1])).toBeGreaterThan(1e-4);

    const units = results.units.names.length;
    for (const name of ['magmax', 'task-arithmetic', 'ties', 'dare', 'fisher-merge']) {
      const i = at(name);
      const s = results.strategies[i];
      const r = resolveStrategy(spec.strategies[i], 'x', { granularity: 'tensor', tasks: 3 });
      if (!r.ok) throw new Error(r.problems.join());
      const rule = mergeRuleFromKnobs(name, r.knobs);
      // After tasks 1 and 2 (none after task 0), each a merge of all task vectors so far, with every unit's shares.
      expect(s.fusions.map((f) => f.afterTask)).toEqual([1, 2]);
      for (const f of s.fusions) {
        expect(Object.keys(f.shares!)).toHaveLength(units);
        for (const [u, sh] of Object.entries(f.shares!)) {
          expect(sh).toHaveLength(f.afterTask + 1);
          const total = sh.reduce((a, b) => a + b, 0);
          expect(total === 0 || Math.abs(total - 1) < 1e-9, `${name} ${u}: shares sum to ${total}`).toBe(true);
          expect(f.prevWeight[u]).toBeCloseTo(total - sh.at(-1)!, 12);
        }
      }
      // The model after task 1 is the rule's merge of θ_0 and θ_1 against θ₀ (Fisher: recomputed by the what-if below).
      if (name !== 'fisher-merge') {
        const run = runOf(name);
        const merged = mergeWithRule({ base: run.base, models: run.models.slice(0, 2) }, rule);
        expect(maxDiff(merged.weights, finals.get(`${i}/1`)!), name).toBeLessThanOrEqual(1e-6);
      }
      // What-if with the strategy's own rule and knobs gives its last row: one run compares every merge.
      const w = await whatIfFusion(spec, runOf(name), rule, 0.7);
      expect(w.scores, name).toEqual(s.matrix.at(-1));
      expect(w.fusion.shares).toEqual(s.fusions.at(-1)!.shares);
      expect(w.caseCounts).toBeNull();
    }

    // MagMax over seqft's recorded task models is the MagMax strategy's final merge.
    const fromSeqft = await whatIfFusion(spec, runOf('seqft'), { kind: 'magmax', lambda: 0.5 }, 0.7);
    expect(fromSeqft.scores).toEqual(results.strategies[at('magmax')].matrix.at(-1));
    // KIF's rules need importance scores, which seqft did not record.
    await expect(whatIfFusion(spec, runOf('seqft'), { kind: 'hard', gamma: 0.7, topPercent: 20 }, 0.7)).rejects.toThrow(
      /needs importance scores, which only KIF strategies record/,
    );
    // A bad knob is refused with the rule and knob named.
    await expect(whatIfFusion(spec, runOf('seqft'), { kind: 'ties', topPercent: 0, lambda: 1 }, 0.7)).rejects.toThrow(
      /ties: topPercent must be a number above 0/,
    );
  }, 240_000);
});
