// Slices of the shown run for components: stable references (zustand re-renders on a new one), names derived once.
import { useMemo } from 'react';
import type { StrategyState } from '../engine/run/state';
import { useRunStore } from './runStore';

const none: StrategyState[] = [];
const noNames: string[] = [];

export const useStrategies = (): StrategyState[] => useRunStore((s) => s.run?.strategies ?? none);

export function useTaskNames(): string[] {
  const tasks = useRunStore((s) => s.run?.tasks);
  return useMemo(() => tasks?.map((t) => t.name) ?? [], [tasks]);
}

export function useTaskSteps(): number[] {
  const tasks = useRunStore((s) => s.run?.tasks);
  return useMemo(() => tasks?.map((t) => t.steps) ?? [], [tasks]);
}

export function useUnitNames(): string[] {
  const units = useRunStore((s) => s.run?.units.names);
  return units ?? noNames;
}

/** The run's warnings with the worker's notices before them. */
export function useRunWarnings(): string[] {
  const notices = useRunStore((s) => s.notices);
  const warnings = useRunStore((s) => s.run?.warnings);
  return useMemo(() => [...notices, ...(warnings ?? [])], [notices, warnings]);
}
