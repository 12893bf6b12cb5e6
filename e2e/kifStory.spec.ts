// The KIF story on screen: the importance heatmap's views (normalised within kind by default, task-specific, rank, raw)
// with a line saying which is shown, and a hover naming the unit in words with its rank and fusion case.
import { expect, test } from '@playwright/test';
import { specFragment } from '../src/engine/share/shareLink';
import { snap, validSpec } from './helpers/page';

const threeTasks = () =>
  validSpec({
    version: 1,
    name: 'KIF story check',
    model: { preset: 'nano' },
    init: 'scratch',
    seed: 3,
    tasks: ['length', 'compare', 'length'].map((task) => ({ task, steps: 8, trainSize: 100, testSize: 8 })),
    strategies: [{ name: 'kif-hard' }],
    training: {
      lr: 2e-3,
      warmupSteps: 2,
      weightDecay: 0.01,
      batchSize: 8,
      clipNorm: 1,
      maxInputLen: 32,
      maxOutputLen: 8,
      evalEvery: 0,
    },
    units: { granularity: 'head-neuron', blockSize: 16 },
  });

test('the importance heatmap shows each view, says which, and hover names the unit, its rank and fusion case', async ({
  page,
}, info) => {
  test.setTimeout(300_000);
  await page.goto(`/#${specFragment(threeTasks())}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 120_000 });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 240_000 });
  await page.getByRole('tab', { name: /^Task 2:/ }).click();
  const view = page.getByTestId('importance-view');
  const note = page.getByTestId('importance-view-note');
  const map = page.getByTestId('importance-heatmap');
  await expect(view).toHaveValue('normalised');
  await expect(note).toContainText('normalised within module kind');
  await expect(note).toContainText('dominated by the layer norms');
  // Normalised within kind: the heads of the run average to 1.
  const values = async () =>
    map
      .getByTestId('heatmap-cell')
      .evaluateAll((cells) =>
        Object.fromEntries(cells.map((c) => [c.getAttribute('data-unit')!, Number(c.getAttribute('data-value'))])),
      );
  const norm = await values();
  const heads = Object.entries(norm)
    .filter(([u]) => u.includes('#head'))
    .map(([, v]) => v);
  expect(heads.reduce((a, b) => a + b, 0) / heads.length).toBeCloseTo(1, 3);

  const cell = map.locator('[data-unit="encoder.block.0.layer.0.SelfAttention#head1"]');
  await cell.hover();
  const hover = page.getByTestId('importance-heatmap-hover');
  await expect(hover).toContainText('encoder layer 0, self-attention head 1 (attention heads)');
  await expect(hover).toContainText(/rank \d+ of \d+/);
  await expect(hover).toContainText('fusion case:');
  await snap(page.getByTestId('importance-heatmap').locator('..').locator('..'), info, 'view-normalised');
  // Under the fusion map: which kinds the hard rule found important, counted.
  await expect(page.getByTestId('fusion-important-kinds')).toContainText(/Important before or now \(\d+ units\): \d+ /);

  await view.selectOption('task-specific');
  await expect(note).toContainText('minus the mean of the other tasks');
  const spec = await values();
  // Signed: some units matter more for this task, some less.
  expect(Object.values(spec).some((v) => v > 0) && Object.values(spec).some((v) => v < 0)).toBe(true);
  await view.selectOption('rank');
  const rank = await values();
  expect(Math.min(...Object.values(rank))).toBe(1);
  await view.selectOption('raw');
  await expect(note).toContainText('Layer norms dominate raw means');
  // The accumulated scores have no task of their own: the task-specific view falls back and says so.
  await view.selectOption('task-specific');
  await page.getByRole('tab', { name: 'Accumulated' }).click();
  await expect(note).toContainText('needs this task and at least one other finished task; showing');
});

test('what-if re-runs every fusion: sliders with the paper value, the matrix and metrics as run, a reset', async ({
  page,
}, info) => {
  test.setTimeout(300_000);
  await page.goto(`/#${specFragment(threeTasks())}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 120_000 });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 240_000 });
  const status = page.getByTestId('whatif-status');
  await expect(status).toHaveText('Up to date.', { timeout: 120_000 });
  await expect(page.getByTestId('whatif-chain-hint')).toContainText('Every fusion re-run');
  await expect(page.getByTestId('whatif-gamma-paper')).toHaveText('paper: 0.7');
  await expect(page.getByTestId('whatif-beta-paper')).toHaveText('paper: 0.7');
  const asRun = await page
    .getByTestId('accuracy-matrix')
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)));
  const cells = () =>
    page
      .getByTestId('whatif-matrix')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)));
  // The run's own knobs: the run's matrix, every row.
  expect(await cells()).toEqual(asRun);
  const ap = (await page
    .getByTestId('metrics-table')
    .locator('tbody tr')
    .first()
    .locator('td')
    .first()
    .textContent())!.trim();
  await expect(page.getByTestId('whatif-metric-ap')).toHaveText(ap);
  // Move β and γ: the recompute runs and says so; the fusion map is marked what-if and the run's can be shown.
  await page.getByTestId('whatif-beta-slider').fill('0');
  await page.getByTestId('whatif-gamma-slider').fill('0.2');
  await expect(page.getByTestId('whatif-beta')).toHaveValue('0');
  await expect(page.getByTestId('whatif-knob-beta')).toContainText('(changed)');
  await expect(status).toHaveText('Up to date.', { timeout: 120_000 });
  await expect(page.getByTestId('whatif-fusion-map')).toHaveAttribute('aria-label', /what-if/);
  await page.getByTestId('whatif-side-as-run').check();
  await expect(page.getByTestId('whatif-fusion-map')).toHaveAttribute('aria-label', /as run/);
  await snap(page.getByTestId('whatif'), info, 'whatif-panel');
  await page.getByTestId('whatif-reset').click();
  await expect(page.getByTestId('whatif-beta')).toHaveValue('0.7');
  await expect(status).toHaveText('Up to date.', { timeout: 120_000 });
  expect(await cells()).toEqual(asRun);
});
