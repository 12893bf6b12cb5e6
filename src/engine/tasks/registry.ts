// The task registry: every task is looked up by name, so specs, the UI and the CLI share one list.
import { builtinTasks } from './builtin';
import type { TaskDef, TaskTag } from './types';

const NAME = /^[a-z][a-z0-9-]{0,31}$/;
const tasks = new Map<string, TaskDef>();

export function registerTask(def: TaskDef): void {
  if (!NAME.test(def.name))
    throw new Error(`task name "${def.name}" must be 1–32 lowercase letters, digits or "-", starting with a letter`);
  if (tasks.has(def.name)) throw new Error(`task "${def.name}" is already registered`);
  if (!def.instruction) throw new Error(`task "${def.name}" needs an instruction prefix`);
  tasks.set(def.name, def);
}

export const hasTask = (name: string) => tasks.has(name);
export const taskNames = () => [...tasks.keys()];

export function getTask(name: string): TaskDef {
  const def = tasks.get(name);
  if (!def) throw new Error(`unknown task "${name}"; known: ${taskNames().join(', ')}`);
  return def;
}

export interface TaskFilter {
  tag?: TaskTag;
  /** true: only pretraining tasks; false: only tasks demos may use; absent: both. */
  pretrainOnly?: boolean;
}

export function listTasks(filter: TaskFilter = {}): TaskDef[] {
  return [...tasks.values()].filter(
    (t) =>
      (filter.tag === undefined || t.tags.includes(filter.tag)) &&
      (filter.pretrainOnly === undefined || Boolean(t.pretrainOnly) === filter.pretrainOnly),
  );
}

for (const t of builtinTasks) registerTask(t);
