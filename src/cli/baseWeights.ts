// The CLI's side of pretrained bases: an experiment with init "pretrained" on a preset that has a shipped base
// (src/engine/model/bases.ts) starts from public/<folder>/, or from the folder given with --base DIR.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, type Args } from './args';
import { baseFor, baseWeightsFrom } from '../engine/model/bases';
import type { HostTensors } from '../engine/model/init';
import type { ExperimentSpec } from '../engine/spec/experiment';

export function readBaseDir(dir: string): HostTensors {
  const files = ['model.safetensors', 'config.json'].map((f) => join(dir, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) throw new UsageError(`base ${dir}: no ${missing.join(' or ')}`);
  try {
    return baseWeightsFrom(readFileSync(files[0]), readFileSync(files[1], 'utf8'));
  } catch (e) {
    throw new UsageError(`base ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The base weights a spec starts from, or undefined (scratch, or no base for its model: the runner warns). */
export function baseWeightsFor(spec: ExperimentSpec, args: Args): HostTensors | undefined {
  if (spec.init !== 'pretrained') return undefined;
  const flag = args.flags.get('base');
  if (typeof flag === 'string') return readBaseDir(flag);
  const base = 'preset' in spec.model ? baseFor(spec.model.preset) : undefined;
  if (!base) return undefined;
  const dir = join('public', base.folder);
  return existsSync(join(dir, 'model.safetensors')) ? readBaseDir(dir) : undefined;
}
