// Knobs written once: the rules' own checks, the CLI's flags and help, and the page's training fields all say what the
// one table (fusionRuleKnobs.ts, the spec schema for training fields) says.
import { describe, expect, it } from 'vitest';
import { commands } from '../src/cli/commands/registry';
import '../src/cli/commands/fuse';
import { planFusion } from '../src/engine/kif/fusion';
import { fusionRuleInfo, fusionRuleNames, ruleFromKnobs } from '../src/engine/kif/fusionRuleKnobs';
import { knobProblem } from '../src/engine/strategies/knobs';
import { defaultSpec, parseSpec, specFieldProblem } from '../src/engine/spec/experiment';

describe('the knob table', () => {
  it('every knob has a one-line meaning, a default inside its bounds, and a paper value inside them where given', () => {
    for (const rule of fusionRuleNames) {
      for (const [name, def] of Object.entries(fusionRuleInfo[rule].knobs)) {
        expect(def.help.length, `${rule}.${name}`).toBeGreaterThan(10);
        expect(knobProblem(def, def.default), `${rule}.${name} default`).toBeNull();
        if (def.paper !== undefined) expect(knobProblem(def, def.paper), `${rule}.${name} paper`).toBeNull();
      }
    }
  });

  it("the KIF rules' own check refuses exactly what the table refuses, in its words", () => {
    const scores = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    const def = fusionRuleInfo.hard.knobs.gamma;
    expect(() => planFusion(scores, scores, { kind: 'hard', gamma: 1.01, topPercent: 20 })).toThrow(
      `hard: gamma ${knobProblem(def, 1.01)}`,
    );
    expect(() => planFusion(scores, scores, { kind: 'hard', gamma: 1, topPercent: 20 })).not.toThrow();
    const tau = fusionRuleInfo.soft.knobs.tau;
    expect(() => planFusion(scores, scores, { kind: 'soft', tau: 101 })).toThrow(`soft: tau ${knobProblem(tau, 101)}`);
    expect(ruleFromKnobs('soft', { tau: 101 })).toEqual({
      ok: false,
      problems: [`soft: tau: ${knobProblem(tau, 101)}`],
    });
  });

  it("the CLI's fuse help lists every rule's every knob with its meaning and default", () => {
    const usage = commands.get('fuse')!.usage;
    for (const rule of fusionRuleNames) {
      const lines = usage.split('\n').filter((l) => l.trim().startsWith(`--rule ${rule} --`));
      expect(lines.map((l) => l.slice(l.indexOf(': ') + 2))).toEqual(
        Object.values(fusionRuleInfo[rule].knobs).map((d) =>
          expect.stringMatching(`^${d.help.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(default ${d.default}`),
        ),
      );
    }
    expect(usage).toContain(`--rule hard --gamma: ${fusionRuleInfo.hard.knobs.gamma.help} (default 0.7)`);
  });

  it("the page's training fields check with the spec schema's own bounds and words", () => {
    for (const [field, bad, good] of [
      ['lr', 0, 1e-3],
      ['lr', 1.5, 1],
      ['batchSize', 0, 8],
      ['warmupSteps', -1, 0],
      ['seed', 0.5, 7],
    ] as const) {
      expect(specFieldProblem(field, good)).toBeNull();
      const spec = defaultSpec() as unknown as Record<string, unknown> & { training: Record<string, unknown> };
      if (field === 'seed') spec.seed = bad;
      else spec.training = { ...spec.training, [field]: bad };
      const r = parseSpec(spec);
      const where = field === 'seed' ? 'seed' : `training.${field}`;
      expect(r.ok ? [] : r.errors).toContain(`${where}: ${specFieldProblem(field, bad)}`);
    }
  });
});
