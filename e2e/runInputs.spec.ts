// What a run takes in and how it copes, in Chromium: sample predictions refreshed at every evaluation; an imported
// dataset added to the queue and trained on; a backend that fails mid-run (the worker's test-only fault switch,
// src/worker/faultSwitch.ts) handing over to the next backend from the last task boundary with the numbers of an
// uninterrupted run; and an error inside a running experiment shown as a message with the page still working.
import { writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { SavedRun } from '../src/app/storage/savedRun';
import type { ExperimentSpec } from '../src/engine/spec/experiment';
import { specFragment } from '../src/engine/share/shareLink';
import { savedRuns } from './helpers/savedRuns';
import { snap, twoTaskSpec, type TwoTaskOptions } from './helpers/page';

/** Two short tasks; the fault tests break the run during the second task of the first strategy. */
function twoTasks(strategies: TwoTaskOptions['strategies'], steps: [number, number] = [20, 20]): ExperimentSpec {
  return twoTaskSpec({ name: 'Run inputs test', seed: 9, steps, testSize: 12, strategies });
}

test('sample predictions refresh at every evaluation of the strategy that trains', async ({ page }, info) => {
  test.setTimeout(300_000);
  await page.goto(`/#${specFragment(twoTasks([{ name: 'seqft' }], [3, 400]))}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('run-button').click();
  // Row 0 (before training) already brings predictions, for every task, while the run goes on.
  const when = page.getByTestId('samples-when');
  await expect(when).toHaveText('before training', { timeout: 120_000 });
  await expect(page.getByTestId('samples').locator('tbody tr')).toHaveCount(6); // 3 shown per task
  // After task 1 the table is replaced by that evaluation's predictions, still during the run.
  await expect(when).toHaveText('after task 1 (length)', { timeout: 120_000 });
  await expect(page.getByTestId('run-state')).not.toHaveText('idle');
  const rows = page.getByTestId('samples').locator('tbody tr');
  await expect(rows.first().locator('td').first()).toHaveText('length');
  await expect(rows.last().locator('td').first()).toHaveText('compare');
  await snap(page, info, 'samples-live', { fullPage: true });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('run-result')).toContainText('Stopped');
});

test('an imported JSON dataset joins the queue, trains, and gets its row in the matrix', async ({ page }, info) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  // Long Sequence format: a JSON list of {input, output}.
  const records = Array.from({ length: 60 }, (_, i) => ({
    input: `is ${i} even?`,
    output: i % 2 === 0 ? 'yes' : 'no',
  }));
  await page.getByTestId('import-menu').click();
  await page
    .getByTestId('import-files')
    .setInputFiles({ name: 'parity.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(records)) });
  await expect(page.getByTestId('import-preview-summary')).toHaveText('60 records: 60 usable.');
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('share-notices')).toContainText(
    'Read dataset "parity": 60 examples (48 train, 12 test)',
  );
  await page.getByLabel('Add an imported dataset').selectOption('parity');
  await page.getByTestId('add-dataset').click();
  const items = page.getByTestId('queue-item');
  await expect(items.last()).toHaveAttribute('data-task', 'dataset parity');
  while ((await items.count()) > 1)
    await items
      .first()
      .getByRole('button', { name: /^Remove/ })
      .click();
  await page.getByTestId('task-steps-0').fill('4');
  // Only seqft: check it first (one strategy must stay on), then clear the rest.
  await page.getByTestId('strategy-seqft').getByRole('checkbox').check();
  for (const box of await page.locator('[data-testid^="strategy-"] input[type="checkbox"]').all()) {
    const name = await box.locator('xpath=ancestor::li[1]').getAttribute('data-testid');
    if (name !== 'strategy-seqft') await box.uncheck();
  }
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 240_000 });
  const matrix = page.getByTestId('accuracy-matrix');
  await expect(matrix).toHaveCount(1);
  await expect(matrix).toContainText('parity');
  await expect(matrix.locator('tbody tr').last()).toContainText(/\d/);
  // The saved run keeps the dataset (it is small), so reopening it after a reload can run it again.
  const [saved] = await savedRuns(page);
  expect(Object.keys(saved.inputs?.datasets ?? {})).toEqual(['parity']);
  expect(saved.inputs?.datasets.parity.train).toHaveLength(48);
  // The results document says where the dataset came from and that nothing was skipped.
  expect(saved.results?.datasets).toEqual({ parity: { source: 'parity.json', records: 60, skipped: 0 } });
  await snap(page, info, 'imported-dataset-run', { fullPage: true });
});

// Loss curves too: accuracies of a run this short could agree by chance.
const numbers = (run: SavedRun) => run.strategies.map((s) => ({ label: s.label, matrix: s.matrix, losses: s.losses }));

test('a backend that fails mid-run hands over to the next one from the last task boundary, saying so', async ({
  page,
}, info) => {
  test.setTimeout(600_000);
  const spec = twoTasks([{ name: 'seqft' }, { name: 'ewc', knobs: { lambda: 100, fisherBatches: 2 } }]);
  // Step 30 of the run is step 10 of task 2 of seqft: the last boundary is the end of task 1.
  await page.goto(`/?fault=backend@30#${specFragment(spec)}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-warnings')).toContainText(
    'The wasm backend failed during the run (injected backend failure at step 30',
    { timeout: 120_000 },
  );
  await expect(page.getByTestId('run-warnings')).toContainText('the run goes on from task 2 of strategy 1');
  await expect(page.getByTestId('backend-name')).not.toHaveText('wasm');
  const fallback = await page.getByTestId('backend-name').textContent();
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 480_000 });
  await expect.poll(async () => (await savedRuns(page))[0]?.status).toBe('done');
  const runs = await savedRuns(page);
  expect(runs).toHaveLength(1); // the hand-over continues the same saved run
  const [faulted] = runs;
  expect(faulted.results?.warnings[0]).toContain(`Switched to ${fallback}`);
  await snap(page, info, 'backend-fallback', { fullPage: true });

  // The same spec, uninterrupted, on wasm.
  await page.goto(`/#${specFragment(spec)}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('run-button').click();
  await expect.poll(async () => (await savedRuns(page)).length).toBe(2);
  await expect.poll(async () => (await savedRuns(page))[0]?.status, { timeout: 300_000 }).toBe('done');
  const [full] = await savedRuns(page);
  const a = numbers(faulted);
  const b = numbers(full);
  writeFileSync(info.outputPath('numbers.json'), JSON.stringify({ fallback, faulted: a, full: b }));
  // Up to the boundary the numbers come from the checkpoint: identical.
  expect(a[0].matrix.slice(0, 2)).toEqual(b[0].matrix.slice(0, 2));
  expect(a[0].losses[0]).toEqual(b[0].losses[0]);
  // After it another backend computes: the same arithmetic in another order, so equal to float rounding.
  expect(a.map((s) => s.matrix)).toEqual(b.map((s) => s.matrix));
  a.forEach((s, i) =>
    s.losses.forEach((curve, j) => curve.losses.forEach((v, k) => expect(v).toBeCloseTo(b[i].losses[j].losses[k], 3))),
  );
});

test('an error inside a running experiment shows a message and leaves the page working', async ({ page }, info) => {
  test.setTimeout(300_000);
  await page.goto(`/?fault=error@5#${specFragment(twoTasks([{ name: 'seqft' }], [10, 10]))}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('run-button').click();
  await expect(page.getByRole('alert').filter({ hasText: 'injected error at step 5' })).toBeVisible({
    timeout: 120_000,
  });
  await expect(page.getByTestId('run-result')).toHaveText('The run failed; the message above says why.');
  await snap(page, info, 'run-error', { fullPage: true });
  // The page still edits, checks input and runs (the switch fires once per worker).
  await page.getByTestId('task-steps-0').fill('0');
  await expect(page.getByText('Steps must be a positive integer up to 100000 (got 0).')).toBeVisible();
  await page.getByTestId('task-steps-0').fill('4');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 240_000 });
  await expect(page.getByTestId('accuracy-matrix')).toHaveCount(1);
});
