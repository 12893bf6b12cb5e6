// The strategy registry: specs and the CLI look strategy implementations up by name. Their metadata lives in
// catalog.ts (what the page reads without TF.js); adding one is an entry there, one file and one line in builtin.ts.
import type { StrategySpec } from '../spec/experiment';
import { builtinStrategies } from './builtin';
import { resolveStrategyIn } from './catalog';
import type { Knobs } from './knobs';
import type { StrategyDef } from './types';

const NAME = /^[a-z][a-z0-9-]{0,63}$/;
const strategies = new Map<string, StrategyDef>();

export function registerStrategy(def: StrategyDef): void {
  if (!NAME.test(def.name))
    throw new Error(`strategy name "${def.name}" must be lowercase letters, digits or "-", starting with a letter`);
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
  return resolveStrategyIn(strategies, s, at, context);
}

for (const s of builtinStrategies) registerStrategy(s);
