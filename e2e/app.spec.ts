// The page in Debian's Chromium: loads, reports its backend, trains, validates input, pauses and stops.
import { expect, test, type Page, type TestInfo } from '@playwright/test';

/** Saves a full-page screenshot into the test's output folder and attaches it to the report. */
async function snap(page: Page, info: TestInfo, name: string): Promise<void> {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: 'image/png' });
}

async function train(page: Page, steps: number): Promise<void> {
  await page.getByTestId('steps-input').fill(String(steps));
  await page.getByRole('button', { name: /Train a tiny model/ }).click();
}

// Tests tagged @webgpu run only in the webgpu project, the others only in the wasm project (playwright.config.ts).
test.describe('wasm (default Chromium flags)', () => {
  test('loads before TF.js, then shows wasm with threads and why', async ({ page }, info) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'KIF playground' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'What is this?' })).toBeVisible();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByTestId('backend-name')).toHaveText('wasm');
    await expect(page.getByTestId('backend-badge')).toHaveText('wasm');
    const reason = page.getByTestId('backend-reason');
    await expect(reason).toContainText('chosen automatically');
    await expect(reason).toContainText(/\d+ threads?( for \d+ logical cores)? \(the page is cross-origin isolated/);
    await expect(reason).toContainText('Passed over webgpu');
    await snap(page, info, 'wasm-loaded');
  });

  test('trains a tiny model and shows step, loss, exact match and samples', async ({ page }, info) => {
    await page.goto('/');
    await expect(page.getByTestId('backend-name')).toHaveText('wasm');
    await train(page, 30);
    await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 150_000 });
    await expect(page.getByTestId('progress-step')).toHaveText('30 / 30');
    await expect(page.getByTestId('progress-loss')).toHaveText(/^\d+\.\d{3}$/);
    await expect(page.getByTestId('exact-match')).toHaveText(/^\d+\.\d%$/);
    await expect(page.getByTestId('samples').locator('tbody tr')).not.toHaveCount(0);
    await expect(page.locator('.chart .recharts-line').first()).toBeVisible();
    await snap(page, info, 'wasm-trained');
    await page.setViewportSize({ width: 768, height: 1024 });
    await snap(page, info, 'wasm-trained-tablet');
  });

  test('refuses a bad number of steps with a message', async ({ page }, info) => {
    await page.goto('/');
    const steps = page.getByTestId('steps-input');
    const button = page.getByRole('button', { name: /Train a tiny model/ });
    for (const [value, message] of [
      ['abc', 'Steps must be a whole number from 1 to 20,000 (got "abc").'],
      ['0', 'Steps must be a whole number from 1 to 20,000 (got 0).'],
      ['2.5', 'Steps must be a whole number from 1 to 20,000 (got "2.5").'],
      ['', 'Steps is empty: enter a whole number from 1 to 20,000.'],
    ]) {
      await steps.fill(value);
      await expect(page.getByRole('alert')).toHaveText(message);
      await expect(steps).toHaveAttribute('aria-invalid', 'true');
      await expect(button).toBeDisabled();
    }
    await snap(page, info, 'bad-steps');
    await steps.fill('25');
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(button).toBeEnabled();
  });

  test('pause holds training, step advances one, resume continues, stop ends the run', async ({ page }, info) => {
    await page.goto('/');
    await expect(page.getByTestId('backend-name')).toHaveText('wasm');
    await train(page, 2000);
    const step = page.getByTestId('progress-step');
    await expect(step).toHaveText(/^([3-9]|\d\d+) \/ 2000$/);
    await page.getByRole('button', { name: /Pause/ }).click();
    await expect(page.getByRole('button', { name: /Resume/ })).toBeVisible();
    await page.waitForTimeout(500); // let the step in flight finish and reach the page
    const held = await step.textContent();
    await page.waitForTimeout(1000);
    await expect(step).toHaveText(held ?? '');
    const n = Number((held ?? '').split(' ')[0]);
    await page.getByRole('button', { name: /Step/ }).click();
    await expect(step).toHaveText(`${n + 1} / 2000`);
    await snap(page, info, 'paused');
    await page.getByRole('button', { name: /Resume/ }).click();
    await expect.poll(async () => Number((await step.textContent())?.split(' ')[0])).toBeGreaterThan(n + 2);
    await page.getByRole('button', { name: /Stop/ }).click();
    await expect(page.getByTestId('run-result')).toContainText('Stopped at step');
    await expect(page.getByRole('button', { name: /Train a tiny model/ })).toBeEnabled();
  });

  test('falls back with a message when the wasm binaries cannot load', async ({ page }, info) => {
    await page.route('**/*.wasm', (route) => route.abort());
    await page.goto('/');
    await expect(page.getByTestId('backend-name')).not.toHaveText('wasm');
    await expect(page.getByTestId('backend-fallbacks')).toContainText('wasm failed to start: its binary could not be loaded');
    await snap(page, info, 'wasm-fallback');
  });

  test('a worker that fails shows a message, the page keeps working, and a restart recovers', async ({ page }, info) => {
    await page.route('**/trainer.worker-*.js', (route) => route.fulfill({ status: 500, body: 'broken on purpose' }));
    await page.goto('/');
    await expect(page.getByRole('alert')).toContainText('The training worker stopped');
    await expect(page.getByTestId('backend-badge')).toHaveText('worker stopped');
    await page.getByTestId('steps-input').fill('-3');
    await expect(page.getByText('Steps must be a whole number from 1 to 20,000 (got "-3").')).toBeVisible();
    await snap(page, info, 'worker-failed');
    await page.unroute('**/trainer.worker-*.js');
    await page.getByRole('button', { name: 'Restart the worker' }).click();
    await expect(page.getByTestId('backend-name')).toHaveText('wasm');
  });
});

test.describe('webgpu (--enable-unsafe-webgpu, SwiftShader adapter)', { tag: '@webgpu' }, () => {
  test('auto passes over the software adapter; choosing webgpu uses it and trains', async ({ page }, info) => {
    test.setTimeout(300_000); // SwiftShader runs WebGPU on the CPU: seconds per step, plus shader compiles
    await page.goto('/');
    await expect(page.getByTestId('backend-name')).toHaveText('wasm');
    await expect(page.getByTestId('backend-reason')).toContainText(/Passed over webgpu: .*swiftshader.*a software adapter/i);
    await page.getByLabel('Backend to use').selectOption('webgpu');
    await expect(page.getByTestId('backend-name')).toHaveText('webgpu');
    await expect(page.getByTestId('backend-badge')).toHaveText('webgpu');
    await expect(page.getByTestId('backend-reason')).toContainText('webgpu, as you chose');
    await train(page, 3);
    // The final evaluation (greedy decoding) takes minutes on SwiftShader, so the test ends at the last step.
    await expect(page.getByTestId('progress-step')).toHaveText('3 / 3', { timeout: 240_000 });
    await expect(page.getByTestId('progress-loss')).toHaveText(/^\d+\.\d{3}$/);
    await snap(page, info, 'webgpu-trained');
  });
});
