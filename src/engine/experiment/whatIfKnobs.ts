// The what-if knobs, derived from the knob tables: a fusion rule's own knobs (fusionRuleKnobs.ts) and, for KIF's rules,
// the accumulation β of the importance table (kifKnobs.ts). The page's sliders, the worker request and its check all
// use this one shape: a rule and its knob values, as a spec names a strategy's knobs.
import {
  fusionRuleInfo,
  fusionRuleNames,
  ruleFromKnobs,
  type FusionRule,
  type FusionRuleName,
} from '../kif/fusionRuleKnobs';
import { importanceKnobs } from '../strategies/kifKnobs';
import { resolveKnobs, type KnobDefs, type Knobs, type KnobValue } from '../strategies/knobs';

/** A rule with the values of its what-if knobs. */
export interface WhatIfKnobs {
  rule: FusionRuleName;
  knobs: Record<string, KnobValue>;
}

const accumulation = { beta: importanceKnobs.beta };

/** The knobs what-if offers for `rule`: its own, and β for KIF's rules (later fusions read the accumulated scores). */
export const whatIfKnobDefs = (rule: FusionRuleName): KnobDefs =>
  fusionRuleInfo[rule].input === 'scores'
    ? { ...fusionRuleInfo[rule].knobs, ...accumulation }
    : fusionRuleInfo[rule].knobs;

/**
 * Every rule's what-if knobs at their defaults, except those the run set: the knobs of `own` (the rule the strategy ran
 * with) and β for every KIF rule, as the run had them in `ran`.
 */
export function whatIfStart(
  own: FusionRuleName,
  ran: Readonly<Record<string, KnobValue>>,
): Record<FusionRuleName, Knobs> {
  const fromRun = (r: FusionRuleName, k: string) => k in ran && (r === own || k in accumulation);
  return Object.fromEntries(
    fusionRuleNames.map((r) => [
      r,
      Object.fromEntries(Object.entries(whatIfKnobDefs(r)).map(([k, d]) => [k, fromRun(r, k) ? ran[k] : d.default])),
    ]),
  ) as Record<FusionRuleName, Knobs>;
}

/** The engine rule and β for a what-if request, or the problems (each naming the rule and the knob). */
export function resolveWhatIf(
  w: WhatIfKnobs,
): { ok: true; rule: FusionRule; beta: number } | { ok: false; problems: string[] } {
  const defs = fusionRuleInfo[w.rule] ? whatIfKnobDefs(w.rule) : {};
  const { beta, ...own } = w.knobs;
  const r = ruleFromKnobs(w.rule, fusionRuleInfo[w.rule]?.input === 'scores' ? own : w.knobs);
  if (!r.ok) return r;
  const acc = resolveKnobs(accumulation, beta === undefined || !('beta' in defs) ? {} : { beta });
  if (acc.problems.length) return { ok: false, problems: acc.problems.map((p) => `${w.rule}: ${p}`) };
  return { ok: true, rule: r.rule, beta: acc.knobs.beta as number };
}
