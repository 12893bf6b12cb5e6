// The strategy registry: specs, the UI and the CLI look strategies up by name; adding one is one file and one line in
// builtin.ts.
import type { StrategySpec } from '../spec/experiment';
import { builtinStrategies } from './builtin';
import { resolveKnobs, type Knobs } from './knobs';
import type { StrategyDef } from './types';

const NAME = /^[a-z][a-z0-9-]{0,63}$/;
const strategies = new Map<string, StrategyDef>();

export function registerStrategy(def: StrategyDef): void {
  if (!NAME.test(def.name)) throw new Error(`strategy name "${def.name}" must be lowercase letters, digits or "-", starting with a letter`);
  if (strategies.has(def.name)) throw new Error(`strategy "${def.name}" is already registered`);
  strategies.set(def.name, def);
}

export const strategyNames = () => [...strategies.keys()];
export const listStrategies = () => [...strategies.values()];

export function getStrategy(name: string): StrategyDef {
  const def = strategies.get(name);
  if (!def) throw new Error(`unknown strategy "${name}"; known: ${strategyNames().join(', ')}`);
  return def;
}

/** A spec's strategy with its knobs resolved, or the problems, each prefixed with the field path in the spec. */
export function resolveStrategy(
  s: StrategySpec,
  at: string,
  context: { granularity: string; tasks: number },
): { ok: true; def: StrategyDef; knobs: Knobs } | { ok: false; problems: string[] } {
  const def = strategies.get(s.name);
  if (!def) return { ok: false, problems: [`${at}.name: unknown strategy "${s.name}"; known: ${strategyNames().join(', ')}`] };
  const { knobs, problems } = resolveKnobs(def.knobs, s.knobs);
  const all = problems.map((p) => `${at}.knobs.${p}`);
  if (all.length === 0) all.push(...(def.problems?.(knobs, context) ?? []).map((p) => `${at}: ${p}`));
  return all.length ? { ok: false, problems: all } : { ok: true, def, knobs };
}

for (const s of builtinStrategies) registerStrategy(s);
