// The playground in Debian's Chromium: opens on the forgetting demo before TF.js is ready, edits the experiment with
// checks at the input, runs it to the end on wasm with every comparison view, recomputes the last fusion (what-if),
// pauses, steps, stops and resets, survives a broken worker and a broken backend, and trains on WebGPU.
import { expect, test, type Page } from '@playwright/test';
import { snap } from './helpers/page';

/** Saves a full-page screenshot into the test's output folder and attaches it to the report. */
const stepOf = async (page: Page) => Number((await page.getByTestId('progress-step').textContent())?.split(' ')[0]);

/** Keeps only these strategies checked. */
async function onlyStrategies(page: Page, keep: string[]): Promise<void> {
  for (const box of await page.locator('[data-testid^="strategy-"] input[type="checkbox"]').all()) {
    const name = (await box.locator('xpath=ancestor::li[1]').getAttribute('data-testid'))!.replace('strategy-', '');
    if (keep.includes(name)) await box.check();
  }
  for (const box of await page.locator('[data-testid^="strategy-"] input[type="checkbox"]').all()) {
    const name = (await box.locator('xpath=ancestor::li[1]').getAttribute('data-testid'))!.replace('strategy-', '');
    if (!keep.includes(name)) await box.uncheck();
  }
}

/** Shrinks the queue to its first task with these sizes. */
async function oneTask(page: Page, steps: number, trainSize: number, testSize: number): Promise<void> {
  const items = page.getByTestId('queue-item');
  while ((await items.count()) > 1)
    await items
      .last()
      .getByRole('button', { name: /^Remove/ })
      .click();
  await page.getByTestId('task-steps-0').fill(String(steps));
  await page.getByTestId('task-train-0').fill(String(trainSize));
  await page.getByTestId('task-test-0').fill(String(testSize));
}

// Tests tagged @webgpu run only in the webgpu project, the others only in the wasm project (playwright.config.ts).
test.describe('wasm (default Chromium flags)', () => {
  test('opens on the forgetting demo, usable before TF.js, then shows wasm and why', async ({ page }, info) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'KIF playground' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'What is this?' })).toBeVisible();
    await expect(page.getByLabel('Built-in experiment')).toHaveValue('forgetting');
    await expect(page.getByTestId('queue-item')).not.toHaveCount(0);
    await expect(page.getByTestId('strategy-kif-hard').getByRole('checkbox')).toBeChecked();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByTestId('backend-name')).toHaveText('wasm');
    await expect(page.getByTestId('backend-badge')).toHaveText('wasm');
    const reason = page.getByTestId('backend-reason');
    await expect(reason).toContainText('chosen automatically');
    // Threads where tfjs would run more than one; on up to 3 cores the single-threaded binary (src/engine/backend/wasm.ts).
    await expect(reason).toContainText(
      /\d+ threads?( for \d+ logical cores)? \(the page is cross-origin isolated|single-threaded binary \(tfjs would run one thread on [1-3] logical cores/,
    );
    await expect(reason).toContainText('Passed over webgpu');
    await expect(page.getByTestId('run-button')).toBeEnabled();
    await snap(page, info, 'opened-laptop', { fullPage: true });
    await page.setViewportSize({ width: 768, height: 1024 });
    await snap(page, info, 'opened-tablet', { fullPage: true });
  });

  test('edits the queue and strategies, refusing bad values at the input', async ({ page }, info) => {
    await page.goto('/');
    const items = page.getByTestId('queue-item');
    const before = await items.count();
    await page.getByLabel('Add a built-in task').selectOption('reverse');
    await expect(page.getByTestId('task-preview').locator('tbody tr')).toHaveCount(3);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(items).toHaveCount(before + 1);
    await expect(items.last()).toHaveAttribute('data-task', 'reverse');
    // Keyboard: Alt+ArrowUp on the row moves it up; the arrow buttons move too.
    await items.last().getByRole('button', { name: 'Move reverse up' }).focus();
    await page.keyboard.press('Alt+ArrowUp');
    await expect(items.nth(before - 1)).toHaveAttribute('data-task', 'reverse');
    await items
      .nth(before - 1)
      .getByRole('button', { name: 'Move reverse down' })
      .click();
    await expect(items.last()).toHaveAttribute('data-task', 'reverse');
    // Drag the new task to the top (HTML drag and drop events, as a mouse drag sends them).
    const dataTransfer = await page.evaluateHandle(() => new DataTransfer());
    await items.last().dispatchEvent('dragstart', { dataTransfer });
    await items.first().dispatchEvent('dragover', { dataTransfer });
    await items.first().dispatchEvent('drop', { dataTransfer });
    await expect(items.first()).toHaveAttribute('data-task', 'reverse');
    await items.first().getByRole('button', { name: 'Remove reverse' }).click();
    await expect(items).toHaveCount(before);

    // A bad number of steps is refused where it is typed, and Run is not offered a bad spec.
    const steps = page.getByTestId('task-steps-0');
    await steps.fill('0');
    await expect(page.getByRole('alert')).toHaveText('Steps must be a positive integer up to 100000 (got 0).');
    await expect(steps).toHaveAttribute('aria-invalid', 'true');
    await steps.fill('40');
    await expect(page.getByRole('alert')).toHaveCount(0);

    // A bad knob: γ above 1.
    const kif = page.getByTestId('strategy-kif-hard');
    await kif.getByText(/^Knobs/).click();
    const gamma = page.getByTestId('knob-kif-hard-gamma');
    await gamma.fill('1.5');
    await expect(kif.getByRole('alert')).toHaveText('gamma must be a number from 0 to 1 (got 1.5).');
    await gamma.fill('abc');
    await expect(kif.getByRole('alert')).toHaveText('gamma must be a number (got "abc").');
    await snap(page, info, 'bad-knob', { fullPage: true });
    await gamma.fill('0.5');
    await expect(kif.getByRole('alert')).toHaveCount(0);

    // Paper defaults: the reference code's lr and batch, knobs back to the KIF constants.
    await page.getByRole('button', { name: 'Paper defaults' }).click();
    await expect(page.getByTestId('lr')).toHaveValue('0.0003');
    await expect(page.getByTestId('batch')).toHaveValue('8');
    await expect(page.getByTestId('knob-kif-hard-gamma')).toHaveValue('0.7');
    await expect(page.getByTestId('strategy-note')).toContainText('Paper defaults');
  });

  test('the forgetting demo runs to the end: matrices, curves and metrics for every strategy; what-if γ', async ({
    page,
  }, info) => {
    test.setTimeout(900_000); // the whole demo on a loaded two-core machine
    await page.goto('/');
    await expect(page.getByTestId('backend-name')).toHaveText('wasm');
    const strategies = await page.locator('[data-testid^="strategy-"] input[type="checkbox"]:checked').count();
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('progress-step')).toHaveText(/^\d+ \/ \d+$/, { timeout: 120_000 });
    // The live heatmap fills while a KIF strategy trains.
    await expect(page.getByTestId('importance-heatmap').getByTestId('heatmap-cell').first()).toBeVisible({
      timeout: 600_000,
    });
    await snap(page, info, 'demo-training', { fullPage: true });
    await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 840_000 });

    const rows = page.getByTestId('metrics-row');
    await expect(rows).toHaveCount(strategies);
    for (const ap of await page.getByTestId('metric-ap').all()) await expect(ap).toHaveText(/^\d+\.\d/);
    for (const bwt of await page.getByTestId('metric-bwt').all()) await expect(bwt).toHaveText(/^-?\d+\.\d/);
    await expect(page.getByTestId('accuracy-matrix')).toHaveCount(strategies);
    await expect(page.getByTestId('forgetting-curve')).toHaveCount(strategies);
    await expect(page.getByTestId('forgetting-curve').first().locator('.recharts-line').first()).toBeVisible();
    await expect(page.locator('.metrics td.best').first()).toBeVisible();
    await expect(page.getByTestId('fusion-legend')).toBeVisible();
    await expect(page.getByTestId('samples').locator('tbody tr')).not.toHaveCount(0);

    // What-if: first with the run's own knobs (it must give the run's numbers), then γ = 0.
    const weight = page.getByTestId('whatif-weight');
    await expect(weight).toHaveText(/^\d\.\d{3}$/, { timeout: 120_000 });
    const runRow = page.getByTestId('whatif').locator('tbody tr').first();
    const runScore = await runRow.locator('td').first().textContent();
    await expect(page.getByTestId('whatif-score-0')).toHaveText(runScore ?? '');
    const before = await weight.textContent();
    await snap(page, info, 'demo-finished', { fullPage: true });
    for (const part of ['imp-title', 'compare-title']) {
      const path = info.outputPath(`${part}.png`);
      await page.locator(`section[aria-labelledby="${part}"]`).screenshot({ path });
      await info.attach(part, { path, contentType: 'image/png' });
    }
    await page.getByTestId('whatif-gamma').fill('0');
    await expect(weight).not.toHaveText(before ?? '', { timeout: 120_000 });
    await expect(page.getByTestId('whatif-status')).toHaveText('Up to date.', { timeout: 120_000 });
    await snap(page, info, 'whatif-gamma-0', { fullPage: true });
    await page.setViewportSize({ width: 768, height: 1024 });
    await snap(page, info, 'demo-finished-tablet', { fullPage: true });
  });

  test('pause holds training, step advances one, resume continues, stop ends the run, reset clears it', async ({
    page,
  }, info) => {
    await page.goto('/');
    await expect(page.getByTestId('backend-name')).toHaveText('wasm');
    await oneTask(page, 2000, 200, 5);
    await onlyStrategies(page, ['seqft']);
    await page.getByTestId('run-button').click();
    const step = page.getByTestId('progress-step');
    await expect(step).toHaveText(/^([3-9]|\d\d+) \/ 2000$/, { timeout: 120_000 });
    await page.locator('body').press('Space'); // space pauses
    await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
    await expect(page.getByTestId('run-state')).toHaveText('paused');
    await page.waitForTimeout(500); // let the step in flight finish and reach the page
    const held = await step.textContent();
    await page.waitForTimeout(1000);
    await expect(step).toHaveText(held ?? '');
    const n = Number((held ?? '').split(' ')[0]);
    await page.getByRole('button', { name: 'Step' }).click();
    await expect(step).toHaveText(`${n + 1} / 2000`);
    await snap(page, info, 'paused', { fullPage: true });
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => stepOf(page)).toBeGreaterThan(n + 2);
    await page.getByRole('button', { name: 'Stop' }).click();
    await expect(page.getByTestId('run-result')).toContainText('Stopped');
    await expect(page.getByTestId('run-button')).toBeEnabled();
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect(page.getByTestId('run-result')).toHaveCount(0);
    await expect(page.getByTestId('progress-step')).toHaveCount(0);
    await expect(page.getByTestId('metrics-table')).toHaveCount(0);
  });

  test('falls back with a message when the wasm binaries cannot load', async ({ page }, info) => {
    await page.route('**/*.wasm', (route) => route.abort());
    await page.goto('/');
    await expect(page.getByTestId('backend-name')).not.toHaveText('wasm');
    await expect(page.getByTestId('backend-fallbacks')).toContainText(
      'wasm failed to start: its binary could not be loaded',
    );
    await snap(page, info, 'wasm-fallback', { fullPage: true });
  });

  test('a worker that fails shows a message, the page keeps working, and a restart recovers', async ({
    page,
  }, info) => {
    await page.route('**/trainer.worker-*.js', (route) => route.fulfill({ status: 500, body: 'broken on purpose' }));
    await page.goto('/');
    await expect(page.getByRole('alert')).toContainText('The training worker stopped');
    await expect(page.getByTestId('backend-badge')).toHaveText('worker stopped');
    // The editor still works and still checks input.
    await page.getByTestId('task-steps-0').fill('-3');
    await expect(page.getByText('Steps must be a positive integer up to 100000 (got -3).')).toBeVisible();
    await page.getByTestId('task-steps-0').fill('5');
    await snap(page, info, 'worker-failed', { fullPage: true });
    await page.unroute('**/trainer.worker-*.js');
    await page.getByRole('button', { name: 'Restart the worker' }).click();
    await expect(page.getByTestId('backend-name')).toHaveText('wasm');
    await expect(page.getByTestId('run-button')).toBeEnabled();
  });

  test('a pretrained base that cannot be read is reported, and the run goes on from scratch', async ({
    page,
  }, info) => {
    // Broken base files: the worker says why and trains from random weights instead of failing.
    await page.route('**/models/**', (route) =>
      route.fulfill({ status: 200, contentType: 'application/octet-stream', body: 'not a checkpoint' }),
    );
    await page.goto('/');
    await expect(page.getByTestId('backend-name')).toHaveText('wasm');
    await page.getByRole('radio', { name: /a pretrained base/ }).check();
    await oneTask(page, 3, 32, 2);
    await onlyStrategies(page, ['seqft']);
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('run-warnings')).toContainText(
      /could not be loaded|no pretrained base|starts from scratch/,
      { timeout: 60_000 },
    );
    await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 180_000 });
    await snap(page, info, 'base-missing', { fullPage: true });
  });

  test('the page is usable while the worker and TF.js are still loading, and the run starts once they are in', async ({
    page,
  }, info) => {
    // Hold the worker's chunk (which brings TF.js) and the wasm binaries until the page has been used.
    let release!: () => void;
    const gate = new Promise<void>((ok) => (release = ok));
    const held: string[] = [];
    const hold = async (route: Parameters<Parameters<Page['route']>[1]>[0]) => {
      held.push(route.request().url());
      await gate;
      await route.continue();
    };
    await page.route('**/trainer.worker-*.js', hold);
    await page.route('**/*.wasm', hold);
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'KIF playground' })).toBeVisible();
    await expect(page.getByLabel('Built-in experiment')).toHaveValue('forgetting');
    const items = page.getByTestId('queue-item');
    await expect(items).not.toHaveCount(0);
    expect(held.some((u) => /trainer\.worker-[^/]*\.js$/.test(u))).toBe(true);
    const run = page.getByTestId('run-button');
    await expect(run).toBeDisabled();
    await expect(run).toHaveText('Waiting for the engine…');
    await expect(page.getByTestId('backend-name')).toHaveCount(0);
    // TF.js creates its engine on globalThis when it loads: only the worker's global may have one, never the page's.
    expect(await page.evaluate(() => '_tfengine' in globalThis)).toBe(false);

    // Edit a knob (checked at the input) and reorder the queue while the engine is away.
    const kif = page.getByTestId('strategy-kif-hard');
    await kif.getByText(/^Knobs/).click();
    const gamma = page.getByTestId('knob-kif-hard-gamma');
    await gamma.fill('1.5');
    await expect(kif.getByRole('alert')).toHaveText('gamma must be a number from 0 to 1 (got 1.5).');
    await gamma.fill('0.5');
    await expect(kif.getByRole('alert')).toHaveCount(0);
    await expect(gamma).toHaveValue('0.5');
    if ((await items.count()) < 2) {
      await page.getByLabel('Add a built-in task').selectOption('reverse');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
    }
    const first = await items.nth(0).getAttribute('data-task');
    const second = await items.nth(1).getAttribute('data-task');
    await items
      .nth(1)
      .getByRole('button', { name: `Move ${second} up` })
      .click();
    await expect(items.nth(0)).toHaveAttribute('data-task', second!);
    await expect(items.nth(1)).toHaveAttribute('data-task', first!);
    await oneTask(page, 3, 32, 4);
    await onlyStrategies(page, ['seqft']);
    await expect(run).toHaveText('Waiting for the engine…');
    await snap(page, info, 'engine-loading', { fullPage: true });

    release();
    await expect(page.getByTestId('backend-name')).toHaveText('wasm');
    await expect(run).toBeEnabled();
    await expect(run).toHaveText('Run');
    await run.click();
    await expect(page.getByTestId('progress-step')).toHaveText(/^\d+ \/ 3$/, { timeout: 120_000 });
    await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 180_000 });
  });
});

test.describe('webgpu (--enable-unsafe-webgpu, SwiftShader adapter)', { tag: '@webgpu' }, () => {
  test('choosing webgpu trains a short KIF task and the heatmap cells change', async ({ page }, info) => {
    test.setTimeout(600_000); // SwiftShader runs WebGPU on the CPU: seconds per step, plus shader compiles
    await page.goto('/');
    await expect(page.getByTestId('backend-name')).toHaveText('wasm');
    await expect(page.getByTestId('backend-reason')).toContainText(
      /Passed over webgpu: .*swiftshader.*a software adapter/i,
    );
    await page.getByLabel('Backend to use').selectOption('webgpu');
    await expect(page.getByTestId('backend-name')).toHaveText('webgpu');
    await expect(page.getByTestId('backend-reason')).toContainText('webgpu, as you chose');
    await oneTask(page, 4, 32, 1);
    await onlyStrategies(page, ['kif-hard']);
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('run-state')).toContainText(/compiling shaders|training|evaluating/, {
      timeout: 240_000,
    });
    const cells = page.getByTestId('importance-heatmap').getByTestId('heatmap-cell');
    await expect(cells.first()).toBeVisible({ timeout: 540_000 });
    // Cells take the scores of the task: not one colour for all.
    const values = new Set(await cells.evaluateAll((els) => els.map((e) => (e as HTMLElement).style.background)));
    expect(values.size).toBeGreaterThan(1);
    await snap(page, info, 'webgpu-heatmap', { fullPage: true });
  });
});
