// What-if fusion recomputes a KIF strategy's last fusion from the recorded inputs: with the run's own knobs it gives the
// run's fused model and matrix row; with the soft rule it gives exactly what a kif-soft run of the same spec fused (both
// strategies train task 1 from the same unfused task-0 model, so their θ_1 are the same).
import { beforeAll, describe, expect, it } from 'vitest';
import { runExperiment } from '../src/engine/experiment/runner';
import { FusionInputsRecorder, fuseInputs, whatIfFusion } from '../src/engine/experiment/whatIf';
import { fusionDefaults } from '../src/engine/kif/fusion';
import type { HostTensors } from '../src/engine/model/init';
import { parseSpec } from '../src/engine/spec/experiment';
import { useBackend } from './helpers/tf';
import { tinySpecInput } from './helpers/tinySpec';

beforeAll(() => useBackend('wasm'));

const parsed = parseSpec(
  tinySpecInput({ strategies: [{ name: 'kif-hard', knobs: { gamma: 0.6 } }, { name: 'kif-soft', knobs: {} }, { name: 'seqft' }], seed: 5, steps: 10, trainSize: 40, testSize: 8, warmupSteps: 2 }),
);
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const spec = parsed.spec;

const maxDiff = (a: HostTensors, b: HostTensors) =>
  Math.max(...[...b].map(([n, t]) => t.data.reduce((m, x, i) => Math.max(m, Math.abs(x - a.get(n)!.data[i])), 0)));

describe('what-if fusion', () => {
  it('reproduces the run\'s last fusion, and the soft rule reproduces kif-soft', async () => {
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
    const again = await whatIfFusion(spec, run, { kind: 'hard', gamma: 0.6, topPercent: 20 }, fusionDefaults.accumulateBeta);
    expect(again.scores).toEqual(hard.matrix.at(-1));
    expect(again.fusion.thresholds).toEqual(hard.fusions[0].thresholds);
    const counts = again.caseCounts!;
    expect(counts.shared + counts.kept + counts.taken + counts.averaged).toBe(results.units.names.length);

    // The soft rule on kif-hard's inputs is what kif-soft computed on its own run.
    const soft = fuseInputs(spec, inputs, { kind: 'soft', tau: fusionDefaults.soft.tau }, fusionDefaults.accumulateBeta);
    expect(maxDiff(soft.weights, finals.get(1)!)).toBeLessThanOrEqual(1e-6);
    const softWhatIf = await whatIfFusion(spec, run, { kind: 'soft', tau: fusionDefaults.soft.tau }, fusionDefaults.accumulateBeta);
    expect(softWhatIf.scores).toEqual(results.strategies[1].matrix.at(-1));
    expect(softWhatIf.caseCounts).toBeNull();

    // Over the memory budget only KIF's latest fusion inputs are kept: KIF's rules still work, the merging rules do not.
    expect(tight.strategies()).toEqual([0, 1]);
    expect(tight.run(2)).toBeUndefined();
    expect((await whatIfFusion(spec, tight.run(0)!, { kind: 'hard', gamma: 0.6, topPercent: 20 }, fusionDefaults.accumulateBeta)).scores).toEqual(hard.matrix.at(-1));
    await expect(whatIfFusion(spec, tight.run(0)!, { kind: 'average' }, 0.7)).rejects.toThrow(/over the memory budget of what-if/);

    // Another γ moves the shared units' weight by exactly the change in γ.
    const g = await whatIfFusion(spec, run, { kind: 'hard', gamma: 0.1, topPercent: 20 }, fusionDefaults.accumulateBeta);
    const shared = Object.entries(g.fusion.cases!).filter(([, c]) => c === 'shared').map(([u]) => u);
    expect(shared.length).toBeGreaterThan(0);
    for (const u of shared) {
      expect(g.fusion.prevWeight[u]).toBeCloseTo(0.1, 12);
      expect(again.fusion.prevWeight[u]).toBeCloseTo(0.6, 12);
    }
    const n = results.units.names.length;
    expect(again.meanPrevWeight - g.meanPrevWeight).toBeCloseTo((0.5 * shared.length) / n, 12);
  }, 120_000);
});
