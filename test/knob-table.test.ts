// Knobs written once: the rules' own checks, the CLI's flags and help, and the page's training fields all say what the
// one table (fusionRuleKnobs.ts, the spec schema for training fields) says.
import { describe, expect, it } from 'vitest';
import { commands } from '../src/cli/commands/registry';
import '../src/cli/commands/fuse';
import { planFusion } from '../src/engine/kif/fusion';
import { fusionRuleInfo, fusionRuleNames, ruleFromKnobs } from '../src/engine/kif/fusionRuleKnobs';
import { resolveWhatIf, whatIfKnobDefs, whatIfStart } from '../src/engine/experiment/whatIfKnobs';
import { strategyCatalog } from '../src/engine/strategies/catalog';
import { importanceKnobs } from '../src/engine/strategies/kifKnobs';
import { knobProblem, paperKnobs } from '../src/engine/strategies/knobs';
import { defaultSpec, parseSpec, specFieldProblem, taskFieldProblem } from '../src/engine/spec/experiment';

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
        Object.values(whatIfKnobDefs(rule)).map((d) =>
          expect.stringMatching(`^${d.help.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(default ${d.default}`),
        ),
      );
    }
    expect(usage).toContain(`--rule hard --gamma: ${fusionRuleInfo.hard.knobs.gamma.help} (default 0.7)`);
    expect(usage).toContain(`--rule soft --beta: ${importanceKnobs.beta.help} (default 0.7)`);
    expect(usage).toContain(`--rule hard --within: `);
    expect(usage).not.toContain('--rule ties --beta');
  });

  it("the importance scorer's knobs carry the paper's values (KIF.md §2–3: β1 = β2 = 0.85, β = 0.7, |w·g|)", () => {
    expect(Object.fromEntries(Object.entries(importanceKnobs).map(([k, d]) => [k, d.paper]))).toEqual({
      metric: 'first-order',
      beta1: 0.85,
      beta2: 0.85,
      beta: 0.7,
    });
    for (const [name, def] of Object.entries(importanceKnobs)) {
      expect(knobProblem(def, def.default), name).toBeNull();
      expect(knobProblem(def, def.paper), name).toBeNull();
    }
    // KIF with LoRA scores with second-order importance (KIF.md §4): its own default and paper value.
    const lora = strategyCatalog.find((s) => s.name === 'kif-lora')!.knobs.metric;
    expect([lora.default, lora.paper]).toEqual(['second-order', 'second-order']);
    expect(paperKnobs(importanceKnobs)).toEqual({});
    expect(paperKnobs({ x: { ...importanceKnobs.beta1, default: 0.5 } })).toEqual({ x: 0.85 });
  });

  it("what-if knobs: a rule's own knobs and, for KIF's rules, β; one request shape checked by the tables", () => {
    expect(Object.keys(whatIfKnobDefs('hard'))).toEqual([...Object.keys(fusionRuleInfo.hard.knobs), 'beta']);
    expect(whatIfKnobDefs('ties')).toBe(fusionRuleInfo.ties.knobs);
    expect(resolveWhatIf({ rule: 'soft', knobs: { tau: 0.5, beta: 0.2 } })).toEqual({
      ok: true,
      rule: { kind: 'soft', tau: 0.5, within: 'all', norms: 'scored' },
      beta: 0.2,
    });
    expect(resolveWhatIf({ rule: 'hard', knobs: {} })).toMatchObject({ ok: true, beta: importanceKnobs.beta.default });
    expect(resolveWhatIf({ rule: 'hard', knobs: { beta: 1.5 } })).toEqual({
      ok: false,
      problems: [`hard: beta: ${knobProblem(importanceKnobs.beta, 1.5)}`],
    });
    expect(resolveWhatIf({ rule: 'ties', knobs: { beta: 0.5 } })).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/^ties: beta: unknown knob/)],
    });
    // The panel opens on the run's own knobs: its rule's, and β for both KIF rules; defaults elsewhere.
    const start = whatIfStart('hard', { gamma: 0.4, topPercent: 20, beta: 0.1, within: 'kind' });
    expect(start.hard).toEqual({ gamma: 0.4, topPercent: 20, within: 'kind', norms: 'scored', beta: 0.1 });
    expect(start.soft).toEqual({ tau: 0.25, within: 'all', norms: 'scored', beta: 0.1 });
    expect(start.ties).toEqual({ topPercent: 20, lambda: 1 });
  });

  it("the page's training fields check with the spec schema's own bounds and words", () => {
    for (const [field, bad, good] of [
      ['lr', 0, 1e-3],
      ['lr', 1.5, 1],
      ['batchSize', 0, 8],
      ['warmupSteps', -1, 0],
      ['seed', 0.5, 7],
      ['maxInputLen', 4097, 4096],
      ['maxOutputLen', 0, 1],
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

  it("the queue's step and example fields check with the task entry schema's bounds and words", () => {
    for (const [field, bad, good] of [
      ['steps', 0, 1],
      ['steps', 100_001, 100_000],
      ['trainSize', 2.5, 3],
      ['testSize', 10_001, 10_000],
    ] as const) {
      expect(taskFieldProblem(field, good)).toBeNull();
      const spec = defaultSpec();
      const tasks = spec.tasks.map((t, i) => (i === 1 ? { ...t, [field]: bad } : t));
      const r = parseSpec({ ...spec, tasks });
      expect(r.ok ? [] : r.errors).toContain(`tasks[1].${field}: ${taskFieldProblem(field, bad)}`);
    }
  });
});
