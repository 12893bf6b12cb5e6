// Nothing runs that the screen does not show: a numeric field holding a bad value turns Run off, the run bar names
// the field and why beside the button with a link that focuses it, and no run starts (by button or by Space).
import { expect, test } from '@playwright/test';
import { specFragment } from '../src/engine/share/shareLink';
import { snap, twoTaskSpec } from './helpers/page';

// Each numeric field of the experiment with values it must refuse, and the words of its label in the run bar.
const fields: { testId: string; label: string; bad: string[] }[] = [
  { testId: 'lr', label: 'Learning rate', bad: ['5', '-5', '1e9', 'NaN', '0', ''] },
  { testId: 'batch', label: 'Batch size', bad: ['0', '-5', '1e9', 'NaN', '2.5'] },
  { testId: 'warmup', label: 'Warm-up steps', bad: ['-5', '1e9', 'NaN'] },
  { testId: 'seed', label: 'Seed', bad: ['-5', '1e12', 'NaN', '0.5'] },
  { testId: 'task-steps-0', label: 'Task 1 steps', bad: ['0', '-5', '1e9', 'NaN'] },
  { testId: 'task-train-0', label: 'Task 1 train examples', bad: ['0', '-5', '1e9'] },
  { testId: 'task-test-0', label: 'Task 1 test examples', bad: ['0', '1e9', 'NaN'] },
  { testId: 'knob-kif-hard-gamma', label: 'kif-hard gamma', bad: ['5', '-5', 'NaN'] },
];

test('every numeric field with a bad value turns Run off, says which field and why beside Run, and no run starts', async ({
  page,
}, info) => {
  await page.goto('/');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm');
  const run = page.getByTestId('run-button');
  await expect(run).toBeEnabled();
  await page
    .getByTestId('strategy-kif-hard')
    .getByText(/^Knobs/)
    .click();
  const blocked = page.getByTestId('run-blocked');

  for (const f of fields) {
    const input = page.getByTestId(f.testId);
    const good = await input.inputValue();
    for (const bad of f.bad) {
      await input.fill(bad);
      await expect(input, `${f.testId} = ${JSON.stringify(bad)}`).toHaveAttribute('aria-invalid', 'true');
      await expect(run).toBeDisabled();
      await expect(blocked).toContainText('Run is off');
      await expect(blocked.getByRole('link', { name: f.label, exact: true })).toBeVisible();
      await expect(blocked).toContainText(bad === '' ? 'is empty' : 'must be');
    }
    if (f === fields[0]) {
      // Beside the button, not thousands of pixels away; and its link takes the cursor to the field.
      const [b, m] = [await run.boundingBox(), await blocked.boundingBox()];
      expect(Math.abs((m?.y ?? 1e9) - (b?.y ?? 0))).toBeLessThan(200);
      await snap(page.getByTestId('run-blocked').locator('xpath=ancestor::section[1]'), info, 'run-blocked-1280');
      await page.setViewportSize({ width: 390, height: 844 });
      await snap(page, info, 'run-blocked-390');
      await page.setViewportSize({ width: 1280, height: 900 });
      await input.blur();
      await blocked.getByRole('link', { name: f.label, exact: true }).click();
      await expect(input).toBeFocused();
      // Neither the button (forced) nor Space starts a run while the field is bad.
      await run.click({ force: true });
      await page.locator('body').press('Space');
      await page.waitForTimeout(1000);
      await expect(page.getByTestId('run-state')).toHaveCount(0);
    }
    await input.fill(good);
    await expect(input).not.toHaveAttribute('aria-invalid', 'true');
    await expect(blocked).toHaveCount(0);
    await expect(run).toBeEnabled();
  }

  // Every other numeric field on the page (each task's, every knob of every chosen strategy): NaN and empty turn Run off.
  const summaries = page.locator('details.knobs > summary');
  for (let i = 0; i < (await summaries.count()); i++)
    if (!(await summaries.nth(i).evaluate((el) => (el.parentElement as HTMLDetailsElement).open)))
      await summaries.nth(i).click();
  const numeric = page.locator('input[type="text"][inputmode]:not([disabled])');
  const count = await numeric.count();
  expect(count).toBeGreaterThan(fields.length + 6);
  for (let i = 0; i < count; i++) {
    const input = numeric.nth(i);
    const good = await input.inputValue();
    for (const bad of ['NaN', '']) {
      await input.fill(bad);
      await expect(run, `field ${await input.getAttribute('data-testid')} = ${JSON.stringify(bad)}`).toBeDisabled();
      await expect(blocked).toContainText('Run is off');
    }
    await input.fill(good);
    await expect(run).toBeEnabled();
  }

  // Two bad fields: both named; fixing one leaves Run off until the other is fixed.
  await page.getByTestId('lr').fill('5');
  await page.getByTestId('batch').fill('0');
  await expect(blocked.getByRole('listitem')).toHaveCount(2);
  await page.getByTestId('lr').fill('0.001');
  await expect(blocked.getByRole('listitem')).toHaveCount(1);
  await expect(run).toBeDisabled();
  await page.getByTestId('batch').fill('8');
  await expect(run).toBeEnabled();
});

test('a what-if knob holding a bad value stops the recompute and names the knob; the run bar is not blocked by it', async ({
  page,
}) => {
  const spec = twoTaskSpec({
    name: 'What-if check',
    seed: 2,
    steps: [10, 10],
    testSize: 8,
    strategies: [{ name: 'kif-hard' }],
  });
  await page.goto(`/#${specFragment(spec)}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 150_000 });
  const status = page.getByTestId('whatif-status');
  await expect(status).toHaveText('Up to date.');
  const gamma = page.getByTestId('whatif-gamma');
  for (const bad of ['5', '-5', 'NaN', '']) {
    await gamma.fill(bad);
    await expect(page.getByTestId('whatif-blocked')).toContainText('Recompute is off');
    await expect(
      page.getByTestId('whatif-blocked').getByRole('link', { name: 'γ (gamma)', exact: true }),
    ).toBeVisible();
    await expect(status).toHaveText('Not recomputed: the numbers below are for the last valid knobs.');
  }
  await expect(page.getByTestId('run-blocked')).toHaveCount(0);
  await expect(page.getByTestId('run-button')).toBeEnabled();
  await gamma.fill('0.5');
  await expect(page.getByTestId('whatif-blocked')).toHaveCount(0);
  await expect(status).toHaveText('Up to date.');
});

test('a model too big for the backend is refused before Run, with the numbers', async ({ page }, info) => {
  const base = twoTaskSpec({
    name: 'Too big',
    seed: 1,
    steps: [5, 5],
    testSize: 4,
    strategies: [{ name: 'kif-hard' }],
  });
  const config = {
    vocabSize: 32128,
    dModel: 1024,
    dKv: 64,
    numHeads: 16,
    dFf: 4096,
    numLayers: 24,
    numDecoderLayers: 24,
    ffn: 'relu',
    tieEmbeddings: true,
    relBuckets: 32,
    relMaxDistance: 128,
    layerNormEps: 1e-6,
    dropout: 0,
  } as const;
  await page.goto(`/#${specFragment({ ...base, model: { config } })}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm');
  await expect(page.getByTestId('spec-problems')).toContainText(
    /model: this run needs about \d+\.\d GiB of memory, more than the 4\.0 GiB the wasm backend can hold: weights and gradients/,
  );
  await expect(page.getByTestId('run-button')).toBeDisabled();
  await snap(page.getByTestId('spec-problems').locator('xpath=ancestor::section[1]'), info, 'memory-refused');
});
