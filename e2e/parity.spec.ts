// Forward pass, gradients and one training step on each browser backend against the cpu backend in the same page.
// Tolerances: logits and loss to 1e-4 absolute, gradients to 1e-4 of each tensor's largest gradient, the loss after
// one AdamW step to 1e-4 (float32 everywhere; GPU reductions sum in another order than the cpu backend).
import { expect, test } from '@playwright/test';

interface Report {
  backend: string;
  lossDiff: number;
  maxLogitDiff: number;
  maxRelGradDiff: number;
  lossAfterStepDiff: number;
}

async function parity(page: import('@playwright/test').Page, backends: string): Promise<Report[]> {
  await page.goto(`/parity.html?backends=${backends}`);
  await page.waitForFunction(
    () => (window as unknown as { __parity?: { done: boolean } }).__parity?.done === true,
    undefined,
    { timeout: 170_000 },
  );
  const state = await page.evaluate(
    () => (window as unknown as { __parity: { reports: Report[]; errors: string[] } }).__parity,
  );
  expect(state.errors).toEqual([]);
  return state.reports;
}

function expectClose(r: Report) {
  expect(r.lossDiff, `${r.backend} loss`).toBeLessThan(1e-4);
  expect(r.maxLogitDiff, `${r.backend} logits`).toBeLessThan(1e-4);
  expect(r.maxRelGradDiff, `${r.backend} gradients`).toBeLessThan(1e-4);
  expect(r.lossAfterStepDiff, `${r.backend} loss after one step`).toBeLessThan(1e-4);
}

test('wasm and webgl agree with cpu on forward, gradients and a training step', async ({ page }) => {
  const reports = await parity(page, 'wasm,webgl');
  expect(reports.map((r) => r.backend)).toEqual(['wasm', 'webgl']);
  reports.forEach(expectClose);
});

test('webgpu agrees with cpu on forward, gradients and a training step @webgpu', async ({ page }) => {
  const reports = await parity(page, 'webgpu');
  expect(reports.map((r) => r.backend)).toEqual(['webgpu']);
  reports.forEach(expectClose);
});
