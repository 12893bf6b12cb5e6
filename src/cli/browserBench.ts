// The browser half of the benchmark: serves the built app (vite preview, cross-origin isolated), opens bench.html in
// Debian's Chromium through Playwright once per backend, and collects what the page measured with the same engine.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { chromium } from '@playwright/test';
import type { BenchResult, BenchShape } from '../engine/bench/trainBench';

interface BrowserRun {
  label: string;
  backend: string;
  presets: string;
  extra?: string;
}

const runs: BrowserRun[] = [
  { label: 'chromium-webgpu', backend: 'webgpu', presets: 'bench-ref' },
  { label: 'chromium-webgl', backend: 'webgl', presets: 'bench-ref' },
  { label: 'chromium-wasm-threads', backend: 'wasm', presets: 'bench-ref,nano' },
  { label: 'chromium-wasm-1thread', backend: 'wasm', presets: 'bench-ref', extra: '&threads=off' },
];

const PORT = 4179;

async function waitForServer(url: string, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`preview server did not answer at ${url}`);
}

export async function runBrowserBench(opts: { shape: BenchShape; repeats: number; memorySteps: number }): Promise<(BenchResult & { frameP95Ms?: number })[]> {
  if (!existsSync('/usr/bin/chromium')) {
    console.error('browser bench skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');
    return [];
  }
  if (!existsSync('dist/bench.html')) {
    console.error('browser bench skipped: run `npm run build` first (dist/bench.html is missing)');
    return [];
  }
  // vite's own entry, not npx: killing npx would leave the server running.
  const server = spawn(process.execPath, ['node_modules/vite/bin/vite.js', 'preview', '--port', String(PORT), '--strictPort'], { stdio: 'ignore' });
  const results: (BenchResult & { frameP95Ms?: number })[] = [];
  try {
    await waitForServer(`http://127.0.0.1:${PORT}/bench.html`, 30_000);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      for (const run of runs) {
        const page = await browser.newPage();
        const { batch, inLen, outLen } = opts.shape;
        // SwiftShader WebGPU is ~20x slower than wasm here: fewer repeats and memory steps keep it to minutes.
        const slow = run.backend !== 'wasm';
        const q = `backend=${run.backend}&presets=${run.presets}&batch=${batch}&inLen=${inLen}&outLen=${outLen}&repeats=${slow ? 5 : opts.repeats}&memorySteps=${slow ? Math.min(30, opts.memorySteps) : opts.memorySteps}${run.extra ?? ''}`;
        await page.goto(`http://127.0.0.1:${PORT}/bench.html?${q}`);
        await page.waitForFunction(() => (window as unknown as { __bench?: { done: boolean } }).__bench?.done === true, undefined, { timeout: 600_000 });
        const state = await page.evaluate(() => (window as unknown as { __bench: { error?: string; reason?: string; results: BenchResult[]; frameP95Ms?: number } }).__bench);
        if (state.error) console.error(`${run.label}: ${state.error}`);
        else console.error(`${run.label}: ${state.reason}`);
        for (const r of state.results) results.push({ ...r, backend: run.label, frameP95Ms: state.frameP95Ms });
        await page.close();
      }
    } finally {
      await browser.close();
    }
  } finally {
    server.kill();
  }
  return results;
}
