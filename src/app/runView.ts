// Slices of the shown run for components: stable references (zustand re-renders on a new one), names derived once.
import { useMemo } from 'react';
import type { UnitTable } from '../engine/kif/units';
import { unitsOf, type StrategyState } from '../engine/run/state';
import { useRunStore } from './runStore';

const none: StrategyState[] = [];

export const useStrategies = (): StrategyState[] => useRunStore((s) => s.run?.strategies ?? none);

export function useTaskNames(): string[] {
  const tasks = useRunStore((s) => s.run?.tasks);
  return useMemo(() => tasks?.map((t) => t.name) ?? [], [tasks]);
}

export function useTaskSteps(): number[] {
  const tasks = useRunStore((s) => s.run?.tasks);
  return useMemo(() => tasks?.map((t) => t.steps) ?? [], [tasks]);
}

const noUnits: UnitTable = { granularity: '', names: [], infos: [] };

/** The units strategy `strategy`'s scores and fusions are over (its own or the run's). */
export function useUnitsOf(strategy: number | undefined): UnitTable {
  const run = useRunStore((s) => s.run);
  const s = strategy === undefined ? undefined : run?.strategies[strategy];
  return run && s ? unitsOf(run, s) : (run?.units ?? noUnits);
}

/** The run's warnings with the worker's notices before them. */
export function useRunWarnings(): string[] {
  const notices = useRunStore((s) => s.notices);
  const warnings = useRunStore((s) => s.run?.warnings);
  return useMemo(() => [...notices, ...(warnings ?? [])], [notices, warnings]);
}
