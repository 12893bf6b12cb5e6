// The experiment last shown in this browser, so the bare URL (a closed tab, a bookmark) brings it back rather than the
// default demo. Kept in localStorage as JSON and read through parseSpec like any outside data; a browser that refuses
// storage, or a damaged entry, just means the default demo opens.
import { parseSpec, type ExperimentSpec } from '../../engine/spec/experiment';

const KEY = 'kif-playground:last-spec';

export function saveLastSpec(spec: ExperimentSpec): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(spec));
  } catch {
    // storage refused or full: the link in the address bar still carries the experiment
  }
}

export function loadLastSpec(): ExperimentSpec | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (raw === null) return null;
    const r = parseSpec(JSON.parse(raw));
    return r.ok ? r.spec : null;
  } catch {
    return null;
  }
}

/** What a fragment that is not a share link ("#garbage") gets told; null for an empty one. */
export function strayFragmentMessage(hash: string, opened: string): string | null {
  const rest = hash.replace(/^#/, '');
  if (!rest) return null;
  const shown = rest.length > 40 ? `${rest.slice(0, 40)}…` : rest;
  return `This link's ending "#${shown}" holds no experiment (a share link's ends in "#spec=…"), so ${opened} is open instead.`;
}
