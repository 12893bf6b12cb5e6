import { defineConfig } from '@playwright/test';

// Browser tests run in Debian's Chromium (never a downloaded one) against the production build served by
// `vite preview`, which sends the cross-origin isolation headers. `npm run test:e2e` builds first.
// Not the port `npm start` uses, so both can run at once; PW_PORT lets two checkouts test side by side.
const port = Number(process.env.PW_PORT ?? 4183);
const baseArgs = [
  '--no-sandbox',
  '--headless=new',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 60_000 },
  fullyParallel: false,
  workers: 1, // two CPU cores: parallel browsers would only slow each other's training down
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
  projects: [
    {
      name: 'wasm',
      grepInvert: /@webgpu/,
      use: { browserName: 'chromium', launchOptions: { executablePath: '/usr/bin/chromium', args: baseArgs } },
    },
    {
      // Chromium exposes WebGPU on Linux only with this flag; with no GPU it offers the SwiftShader adapter.
      name: 'webgpu',
      grep: /@webgpu/,
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: '/usr/bin/chromium', args: [...baseArgs, '--enable-unsafe-webgpu'] },
      },
    },
  ],
});
