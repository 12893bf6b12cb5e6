// Tiny flag parser for the CLI: --name value, --flag, and positionals; every value is checked by its command, and
// every flag name against the command's usage before the command starts, so a typo never runs the wrong experiment.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
export interface Args {
  positionals: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[]): Args {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags.set(a.slice(2), argv[++i]);
    else flags.set(a.slice(2), true);
  }
  return { positionals, flags };
}

export class UsageError extends Error {
  override name = 'UsageError';
}

export function stringFlag(args: Args, name: string, fallback?: string): string {
  const v = args.flags.get(name);
  if (v === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  if (v === true) throw new UsageError(`--${name} needs a value`);
  return v;
}

export function intFlag(args: Args, name: string, fallback: number, min = 0, max = 1e9): number {
  const raw = args.flags.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw === true || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got ${String(raw)})`);
  return n;
}

export function numberFlag(args: Args, name: string, fallback: number, min = -Infinity, max = Infinity): number {
  const raw = args.flags.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw === true || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a number from ${min} to ${max} (got ${String(raw)})`);
  return n;
}

/** The flags a usage line names: every `--name` in it. */
export const flagsOfUsage = (usage: string): string[] => [
  ...new Set([...usage.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1])),
];

/** Edit distance between two short strings (flag names). */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The known flag closest to `name`, if one is near enough to be a typo of it. */
export function closestFlag(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = k.startsWith(name) || name.startsWith(k) ? 1 : distance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Refuses any flag the command does not know, naming the closest known one. */
export function checkFlags(args: Args, command: string, known: readonly string[]): void {
  const unknown = [...args.flags.keys()].filter((f) => !known.includes(f));
  if (!unknown.length) return;
  const lines = unknown.map((f) => {
    const near = closestFlag(f, known);
    return `unknown flag --${f} for ${command}${near ? `; did you mean --${near}?` : ''}`;
  });
  throw new UsageError(`${lines.join('\n')}\n${command} takes: ${known.map((k) => `--${k}`).join(' ') || 'no flags'}`);
}

/** A file to write: refused with a message (not EISDIR) when the path is a folder. */
export function outFileFlag(args: Args, name: string, example = 'results.json'): string {
  const path = stringFlag(args, name);
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new UsageError(`--${name} ${path} is a folder; give a file to write, e.g. --${name} ${join(path, example)}`);
  }
  return path;
}
