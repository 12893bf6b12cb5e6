// The browser half of the benchmark: serves the built app (vite preview, cross-origin isolated), opens bench.html in
// Debian's Chromium through Playwright once per backend, and collects what the page measured with the same engine.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { chromium } from '@playwright/test';
import type { BenchMode, BenchResult, BenchShape } from '../engine/bench/trainBench';
import type { DemoBenchResult } from '../engine/bench/demoBench';
import { threadsText } from './benchTable';
import type { BenchRow, DemoRow } from './benchRows';

export type { BenchRow, DemoRow } from './benchRows';

interface BrowserRun {
  /** The --backends name. */
  key: string;
  label: string;
  backend: string;
  presets: string;
  extra?: string;
  /**
   * A GPU backend that may be a software one (SwiftShader here): unless --repeats is given, a few repeats and memory
   * steps keep it to minutes.
   */
  slow?: boolean;
}

const runs: BrowserRun[] = [
  { key: 'webgpu', label: 'chromium-webgpu', backend: 'webgpu', presets: 'bench-ref', slow: true },
  { key: 'webgl', label: 'chromium-webgl', backend: 'webgl', presets: 'bench-ref', slow: true },
  // tfjs gives threaded wasm half the logical cores: one thread on a 2-core machine (the note column says how many).
  { key: 'wasm', label: 'chromium-wasm-threads', backend: 'wasm', presets: 'bench-ref,nano' },
  { key: 'wasm-1thread', label: 'chromium-wasm-1thread', backend: 'wasm', presets: 'bench-ref', extra: '&threads=off' },
];

/** The browser backends --backends can name. */
export const browserBackends = runs.map((r) => r.key);

interface PageState {
  error?: string;
  reason?: string;
  threads?: number;
  results: BenchResult[];
  demo?: DemoBenchResult;
  frameP95Ms?: number;
}

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

export interface BrowserBenchOptions {
  shape: BenchShape;
  repeats: number;
  /** --repeats was given: GPU backends then use it (and the memory steps) as given, for a real GPU. */
  repeatsGiven?: boolean;
  memorySteps: number;
  modes?: BenchMode[];
  /** Presets for every run (default: each run's own). */
  presets?: string[];
  /** Which runs (browserBackends' names; default all). */
  backends?: string[];
  /** The preview server's port (127.0.0.1). */
  port: number;
  /** A demo to time end to end on wasm in the page's worker; undefined skips it. */
  demo?: string;
  /** The demo's lanes (1: none); undefined: the page's default, one per core. */
  lanes?: number;
}

export async function runBrowserBench(opts: BrowserBenchOptions): Promise<{ rows: BenchRow[]; demo?: DemoRow }> {
  const PORT = opts.port;
  const out: { rows: BenchRow[]; demo?: DemoRow } = { rows: [] };
  if (!existsSync('/usr/bin/chromium')) {
    console.error('browser bench skipped: /usr/bin/chromium is missing (apt-get install -y chromium)');
    return out;
  }
  if (!existsSync('dist/bench.html')) {
    console.error('browser bench skipped: run `npm run build` first (dist/bench.html is missing)');
    return out;
  }
  // vite's own entry, not npx: killing npx would leave the server running.
  const server = spawn(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'preview', '--port', String(PORT), '--strictPort'],
    { stdio: 'ignore' },
  );
  try {
    await waitForServer(`http://127.0.0.1:${PORT}/bench.html`, 30_000);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    const openPage = async (label: string, query: string): Promise<PageState> => {
      const page = await browser.newPage();
      try {
        await page.goto(`http://127.0.0.1:${PORT}/bench.html?${query}`);
        await page.waitForFunction(
          () => (window as unknown as { __bench?: { done: boolean } }).__bench?.done === true,
          undefined,
          { timeout: 600_000 },
        );
        const state = await page.evaluate(() => (window as unknown as { __bench: PageState }).__bench);
        console.error(
          `${label}: ${state.error ?? state.reason}${state.threads ? ` (${threadsText(state.threads)})` : ''}`,
        );
        return state;
      } finally {
        await page.close();
      }
    };
    try {
      const { batch, inLen, outLen } = opts.shape;
      for (const run of runs.filter((r) => !opts.backends || opts.backends.includes(r.key))) {
        const slow = run.slow && !opts.repeatsGiven;
        const memorySteps = slow ? Math.min(30, opts.memorySteps) : opts.memorySteps;
        const presets = opts.presets?.join(',') ?? run.presets;
        const modes = (opts.modes ?? ['full']).join(',');
        const q = `backend=${run.backend}&presets=${presets}&modes=${modes}&batch=${batch}&inLen=${inLen}&outLen=${outLen}&repeats=${slow ? 5 : opts.repeats}&memorySteps=${memorySteps}${run.extra ?? ''}`;
        const state = await openPage(run.label, q);
        if (state.error) console.error(`${run.label}: ${state.error}`);
        const notes = [
          state.threads ? threadsText(state.threads) : '',
          state.reason && run.slow ? state.reason : '',
          slow && memorySteps < opts.memorySteps ? `memory over ${memorySteps} steps` : '',
        ];
        const note = notes.filter(Boolean).join('; ') || undefined;
        for (const r of state.results) out.rows.push({ ...r, backend: run.label, frameP95Ms: state.frameP95Ms, note });
      }
      if (opts.demo) {
        const state = await openPage(
          `demo ${opts.demo}`,
          `backend=wasm&presets=&demo=${encodeURIComponent(opts.demo)}${opts.lanes ? `&lanes=${opts.lanes}` : ''}`,
        );
        if (state.demo)
          out.demo = {
            ...state.demo,
            label: 'chromium-wasm-threads',
            threads: state.threads,
            frameP95Ms: state.frameP95Ms,
          };
      }
    } finally {
      await browser.close();
    }
  } finally {
    server.kill();
  }
  return out;
}
