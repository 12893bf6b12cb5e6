// The backend registry: each backend file registers itself here under its name.
import type { BackendEntry, BackendName } from './types';

const entries = new Map<BackendName, BackendEntry>();

export function registerBackend(entry: BackendEntry): void {
  entries.set(entry.name, entry);
}

export function getBackend(name: BackendName): BackendEntry {
  const e = entries.get(name);
  if (!e) throw new Error(`backend "${name}" is not registered`);
  return e;
}
