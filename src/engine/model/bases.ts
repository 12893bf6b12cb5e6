// The pretrained base checkpoints that ship with the app (made by `npm run cli -- pretrain`), by model preset.
// Each lives in public/<folder>/ as model.safetensors + config.json + README.md (its model card); the app fetches it
// relative to its base URL, the CLI reads it from public/. Experiments with init "pretrained" start from it.
import { readCheckpoint } from '../io/checkpoint';
import type { HostTensors } from './init';

export interface BaseCheckpoint {
  preset: string;
  /** Folder under public/ (and under the app's base URL). */
  folder: string;
}

const bases: readonly BaseCheckpoint[] = [
  { preset: 'nano', folder: 'models/nano-base' },
  { preset: 'micro', folder: 'models/micro-base' },
];

export const baseFor = (preset: string | undefined): BaseCheckpoint | undefined =>
  bases.find((b) => b.preset === preset);
export const listBases = () => [...bases];

/** Reads a base from its two files (however they were fetched) into host tensors in parameter order. */
export function baseWeightsFrom(safetensors: Uint8Array, configJson: string): HostTensors {
  return readCheckpoint(safetensors, configJson).tensors;
}
