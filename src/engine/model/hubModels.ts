// Real T5 checkpoints on the Hugging Face Hub that the page offers one click away, each with its config and download
// size (what training one needs, and whether this browser can: experiment/memoryBudget.ts). TF-free.
import { presetConfig, type T5Config } from './config';

export interface HubModel {
  id: string;
  /** The folder URL the worker downloads (config.json, the weights, the tokenizer). */
  url: string;
  config: T5Config;
  /** Size of the weights file the folder serves, for the download estimate. */
  downloadBytes: number;
}

const hub = (id: string) => `https://huggingface.co/${id}/resolve/main/`;

export const hubModels: readonly HubModel[] = [
  {
    id: 'google/t5-efficient-tiny',
    url: hub('google/t5-efficient-tiny'),
    config: presetConfig('t5-efficient-tiny'),
    downloadBytes: 62_600_000,
  },
  {
    id: 'google/t5-efficient-mini',
    url: hub('google/t5-efficient-mini'),
    config: presetConfig('t5-efficient-mini'),
    downloadBytes: 125_000_000,
  },
  {
    id: 'google-t5/t5-small',
    url: hub('google-t5/t5-small'),
    config: presetConfig('t5-small'),
    downloadBytes: 242_000_000,
  },
  {
    id: 'google/flan-t5-small',
    url: hub('google/flan-t5-small'),
    config: presetConfig('flan-t5-small'),
    downloadBytes: 308_000_000,
  },
];
