// What-if fusion recomputes a KIF strategy's last fusion from the recorded inputs: with the run's own knobs it gives the
// run's fused model and matrix row; with the soft rule it gives exactly what a kif-soft run of the same spec fused (both
// strategies train task 1 from the same unfused task-0 model, so their θ_1 are the same).
import { beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../src/engine/experiment/runner';
import { FusionInputsRecorder, fuseChain, fuseInputs, whatIfFusion } from '../src/engine/experiment/whatIf';
import { fusionDefaults, percentile } from '../src/engine/kif/fusion';
import type { HostTensors } from '../src/engine/model/init';
import { parseSpec } from '../src/engine/spec/experiment';
import { useBackend } from './helpers/tf';
import { tinySpecInput } from './helpers/tinySpec';

beforeAll(() => useBackend('wasm'));

const parsed = parseSpec(
  tinySpecInput({
    strategies: [{ name: 'kif-hard', knobs: { gamma: 0.6 } }, { name: 'kif-soft', knobs: {} }, { name: 'seqft' }],
    seed: 5,
    steps: 10,
    trainSize: 40,
    testSize: 8,
    warmupSteps: 2,
  }),
);
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const spec = parsed.spec;

const maxDiff = (a: HostTensors, b: HostTensors) =>
  Math.max(...[...b].map(([n, t]) => t.data.reduce((m, x, i) => Math.max(m, Math.abs(x - a.get(n)!.data[i])), 0)));

describe('what-if fusion', () => {
  it("reproduces the run's last fusion, and the soft rule reproduces kif-soft", async () => {
    const recorder = new FusionInputsRecorder();
    const tight = new FusionInputsRecorder(1); // a memory budget no task model fits
    const finals = new Map<number, HostTensors>();
    const results = await runExperiment(spec, {
      onEvent: (e) => {
        recorder.onEvent(e);
        tight.onEvent(e);
      },
      onModel: async (at, model) => {
        await recorder.onModel(at, model);
        await tight.onModel(at, model);
        if (at.stage === 'final' && at.task === 1) finals.set(at.strategy, await model.exportWeights());
      },
    });
    expect(recorder.kifStrategies()).toEqual([0, 1]); // seqft does not fuse with KIF's rules
    expect(recorder.strategies()).toEqual([0, 1, 2]); // but every strategy's task models merge
    const run = recorder.run(0)!;
    const inputs = run.kif!;
    expect(inputs.task).toBe(1);
    const hard = results.strategies[0];

    // Same knobs: the same fused weights, fusion report and matrix row as the run.
    const same = fuseInputs(spec, inputs, { kind: 'hard', gamma: 0.6, topPercent: 20 }, fusionDefaults.accumulateBeta);
    expect(maxDiff(same.weights, finals.get(0)!)).toBeLessThanOrEqual(1e-6);
    expect(Object.fromEntries(same.plan.cases)).toEqual(hard.fusions[0].cases);
    const again = await whatIfFusion(
      spec,
      run,
      { kind: 'hard', gamma: 0.6, topPercent: 20 },
      fusionDefaults.accumulateBeta,
    );
    expect(again.scores).toEqual(hard.matrix.at(-1));
    expect(again.fusion.thresholds).toEqual(hard.fusions[0].thresholds);
    const counts = again.caseCounts!;
    expect(counts.shared + counts.kept + counts.taken + counts.averaged).toBe(results.units.names.length);

    // The soft rule on kif-hard's inputs is what kif-soft computed on its own run.
    const soft = fuseInputs(
      spec,
      inputs,
      { kind: 'soft', tau: fusionDefaults.soft.tau },
      fusionDefaults.accumulateBeta,
    );
    expect(maxDiff(soft.weights, finals.get(1)!)).toBeLessThanOrEqual(1e-6);
    const softWhatIf = await whatIfFusion(
      spec,
      run,
      { kind: 'soft', tau: fusionDefaults.soft.tau },
      fusionDefaults.accumulateBeta,
    );
    expect(softWhatIf.scores).toEqual(results.strategies[1].matrix.at(-1));
    expect(softWhatIf.caseCounts).toBeNull();

    // Over the memory budget only KIF's latest fusion inputs are kept: KIF's rules still work, the merging rules do not.
    expect(tight.strategies()).toEqual([0, 1]);
    expect(tight.run(2)).toBeUndefined();
    expect(
      (
        await whatIfFusion(
          spec,
          tight.run(0)!,
          { kind: 'hard', gamma: 0.6, topPercent: 20 },
          fusionDefaults.accumulateBeta,
        )
      ).scores,
    ).toEqual(hard.matrix.at(-1));
    await expect(whatIfFusion(spec, tight.run(0)!, { kind: 'average' }, 0.7)).rejects.toThrow(
      /over the memory budget of what-if/,
    );

    // Another γ moves the shared units' weight by exactly the change in γ.
    const g = await whatIfFusion(
      spec,
      run,
      { kind: 'hard', gamma: 0.1, topPercent: 20 },
      fusionDefaults.accumulateBeta,
    );
    const shared = Object.entries(g.fusion.cases!)
      .filter(([, c]) => c === 'shared')
      .map(([u]) => u);
    expect(shared.length).toBeGreaterThan(0);
    for (const u of shared) {
      expect(g.fusion.prevWeight[u]).toBeCloseTo(0.1, 12);
      expect(again.fusion.prevWeight[u]).toBeCloseTo(0.6, 12);
    }
    const n = results.units.names.length;
    expect(again.meanPrevWeight - g.meanPrevWeight).toBeCloseTo((0.5 * shared.length) / n, 12);
  }, 120_000);
});

describe('what-if over the whole chain of fusions', () => {
  // The paper's top 20%: in this run tasks 0 and 1 then differ in their top units (at 30% they happen to coincide).
  const top = 20;
  const three = parseSpec({
    ...tinySpecInput({
      strategies: [{ name: 'kif-hard', knobs: { topPercent: top } }],
      seed: 7,
      steps: 12,
      trainSize: 40,
      testSize: 12,
      warmupSteps: 2,
    }),
    tasks: ['length', 'compare', 'length'].map((task) => ({ task, steps: 12, trainSize: 40, testSize: 12 })),
    units: { granularity: 'head-neuron', blockSize: 8 },
  });
  if (!three.ok) throw new Error(three.errors.join('\n'));

  it("re-runs every fusion: the run's own knobs give its matrix and fusions exactly, and β changes the later fusions", async () => {
    const recorder = new FusionInputsRecorder();
    const finals = new Map<number, HostTensors>();
    const results = await runExperiment(three.spec, {
      onEvent: recorder.onEvent,
      onModel: async (at, model) => {
        await recorder.onModel(at, model);
        if (at.stage === 'final') finals.set(at.task, await model.exportWeights());
      },
    });
    const hard = results.strategies[0];
    const run = recorder.run(0)!;
    expect(run.chain?.scores).toHaveLength(3);
    const rule = { kind: 'hard', gamma: fusionDefaults.hard.gamma, topPercent: top } as const;

    const own = await whatIfFusion(three.spec, run, rule, fusionDefaults.accumulateBeta);
    expect(own.recomputed).toBe('whole');
    // Rows after tasks 2 and 3 (matrix rows 2 and 3), and both fusions' cases and thresholds, as the run had them.
    expect(own.rows).toEqual(hard.matrix.slice(2));
    expect(own.scores).toEqual(hard.matrix[3]);
    expect(own.fusions!.map((f) => [f.afterTask, f.cases, f.thresholds])).toEqual(
      hard.fusions.map((f) => [f.afterTask, f.cases, f.thresholds]),
    );
    // The chain's fused weights are the run's fused models (host arithmetic against the device's).
    const chain = fuseChain(three.spec, run, run.chain!, rule, fusionDefaults.accumulateBeta);
    expect(maxDiff(chain[0].weights, finals.get(1)!)).toBeLessThanOrEqual(1e-6);
    expect(maxDiff(chain[1].weights, finals.get(2)!)).toBeLessThanOrEqual(2e-6);

    // β enters A_1 = minmax(β·Â + (1−β)·Ŝ), which only the second fusion reads. β = 1 keeps A_1 = Â_0, β = 0 makes it
    // Ŝ_1: the second fusion's "before" set is then task 0's, or task 1's, top units (computed here from the raw scores).
    const topOf = (scores: Record<string, number>) => {
      const v = Object.values(scores);
      const [lo, hi] = [Math.min(...v), Math.max(...v)];
      const cut = percentile(
        v.map((x) => (x - lo) / (hi - lo)),
        100 - top,
      );
      return Object.entries(scores)
        .filter(([, x]) => (x - lo) / (hi - lo) > cut)
        .map(([u]) => u)
        .sort();
    };
    const before = (cases: ReadonlyMap<string, string>) =>
      [...cases]
        .filter(([, c]) => c === 'shared' || c === 'kept')
        .map(([u]) => u)
        .sort();
    // Tasks 0 and 1 have different top units here, so the two β give different plans (the check cannot pass vacuously).
    expect(topOf(run.chain!.scores[0])).not.toEqual(topOf(run.chain!.scores[1]));
    for (const [beta, task] of [
      [1, 0],
      [0, 1],
    ]) {
      const c = fuseChain(three.spec, run, run.chain!, rule, beta);
      expect(before(c[1].plan.cases), `β = ${beta}`).toEqual(topOf(run.chain!.scores[task]));
    }
    // With the soft rule every unit's blend follows Â: β moves the second fusion's weights and scores, not the first's.
    const soft = { kind: 'soft', tau: fusionDefaults.soft.tau } as const;
    const [b0, b1] = await Promise.all([0, 1].map((beta) => whatIfFusion(three.spec, run, soft, beta)));
    expect(b0.fusions![0].prevWeight).toEqual(b1.fusions![0].prevWeight);
    expect(b0.rows![0]).toEqual(b1.rows![0]);
    // Each unit's weight of θ̂_1 in the second fusion, computed here: 1 / (1 + e^{(Ŝ_2 − A_1)/τ}).
    const mm = (m: Record<string, number>) => {
      const v = Object.values(m);
      const [lo, hi] = [Math.min(...v), Math.max(...v)];
      return Object.fromEntries(Object.entries(m).map(([u, x]) => [u, (x - lo) / (hi - lo)]));
    };
    const [n0, n1, n2] = run.chain!.scores.map(mm);
    for (const [beta, r] of [
      [0, b0],
      [1, b1],
    ] as const) {
      const a1 = mm(Object.fromEntries(Object.keys(n0).map((u) => [u, beta * n0[u] + (1 - beta) * n1[u]])));
      for (const u of Object.keys(n0))
        expect(r.fusions![1].prevWeight[u], u).toBeCloseTo(1 / (1 + Math.exp((n2[u] - a1[u]) / soft.tau)), 9);
    }
    const diffs = Object.keys(n0).map((u) => Math.abs(b0.fusions![1].prevWeight[u] - b1.fusions![1].prevWeight[u]));
    expect(Math.max(...diffs)).toBeGreaterThan(1e-3);
  }, 180_000);
});
