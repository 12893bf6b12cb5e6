// The default demo as a new user runs it: its time, and the importance heatmap in each view and the fusion map, saved
// for the closing note (SHOTS=folder; skipped without it, as it takes minutes). RESULTS=file.json shows a results
// document of the demo (e.g. from `cli demo forgetting`) through the import box instead of running it: seconds, not minutes.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { expect, test } from '@playwright/test';

const shots = process.env.SHOTS;
const results = process.env.RESULTS;

test('the forgetting demo: heatmap views and fusion map', async ({ page }) => {
  test.skip(!shots, 'set SHOTS to a folder to run the default demo and save its screenshots');
  test.setTimeout(1_500_000);
  await page.goto('/');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 120_000 });
  if (results) {
    await page
      .getByTestId('import-files')
      .setInputFiles({ name: basename(results), mimeType: 'application/json', buffer: readFileSync(results) });
    await expect(page.getByText(`Showing the results in ${basename(results)}`)).toBeVisible();
  } else {
    const t0 = Date.now();
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 1_400_000 });
    console.log(`forgetting demo: ${((Date.now() - t0) / 1000).toFixed(0)} s in headless Chromium`);
  }
  const panel = page.locator('section[aria-labelledby="imp-title"]');
  await page.getByRole('tab', { name: /^Task 2:/ }).click();
  for (const view of ['normalised', 'task-specific', 'rank', 'raw']) {
    await page.getByTestId('importance-view').selectOption(view);
    await page
      .getByTestId('importance-heatmap')
      .locator('[data-unit="decoder.block.1.layer.1.EncDecAttention#head2"]')
      .hover();
    await page.getByTestId('importance-heatmap').screenshot({ path: `${shots}/heatmap-task2-${view}.png` });
    await page.getByTestId('importance-view-note').screenshot({ path: `${shots}/note-${view}.png` });
  }
  await page.getByRole('tab', { name: /^Task 3:/ }).click();
  await page.getByTestId('importance-view').selectOption('task-specific');
  await page.getByTestId('importance-heatmap').screenshot({ path: `${shots}/heatmap-task3-task-specific.png` });
  await page.getByTestId('fusion-map').screenshot({ path: `${shots}/fusion-map.png` });
  await panel.screenshot({ path: `${shots}/importance-panel.png` });
  await page.getByTestId('metrics-table').screenshot({ path: `${shots}/metrics.png` });
  if (results) return; // what-if needs the run's recorded models, which a results document does not carry
  await expect(page.getByTestId('whatif-status')).toHaveText('Up to date.', { timeout: 600_000 });
  await page.getByTestId('whatif').screenshot({ path: `${shots}/whatif-forgetting.png` });
});
