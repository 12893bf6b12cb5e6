// Saved runs and resume in Chromium: a reload mid-run offers to resume from the last task boundary, and the resumed run
// ends with the numbers of an uninterrupted run of the same spec; the history lists both, renames and deletes; a
// browser that refuses storage gets a message and the run still completes, in memory.
import { expect, test, type Page } from '@playwright/test';
import type { SavedRun } from '../src/app/storage/savedRun';
import type { ExperimentSpec } from '../src/engine/spec/experiment';
import { specFragment } from '../src/engine/share/shareLink';
import { savedRuns } from './helpers/savedRuns';
import { snap, twoTaskSpec } from './helpers/page';

/** Two short tasks, two strategies, nano from scratch; the second task is long enough to reload during it. */
function shortSpec(): ExperimentSpec {
  return twoTaskSpec({
    name: 'Resume test',
    seed: 5,
    steps: [30, 120],
    testSize: 20,
    strategies: [{ name: 'seqft' }, { name: 'ewc', knobs: { lambda: 100, fisherBatches: 2 } }],
  });
}

// Loss curves too: on a run this short the accuracies alone could agree by chance.
const numbers = (run: SavedRun) =>
  run.strategies.map((s) => ({ label: s.label, matrix: s.matrix, metrics: s.metrics, losses: s.losses }));
const historyItems = (page: Page) => page.getByRole('list', { name: 'Saved runs' }).locator(':scope > li');

test('a reload mid-run resumes from the last task boundary with the numbers of an uninterrupted run', async ({
  page,
}, info) => {
  test.setTimeout(600_000);
  await page.goto(`/#${specFragment(shortSpec())}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('run-button').click();

  // Wait for the checkpoint before task 2 of strategy 2 (ewc), then reload while that task trains.
  await expect
    .poll(async () => (await savedRuns(page))[0]?.resumeAt, { timeout: 300_000, intervals: [200] })
    .toEqual({ strategy: 1, task: 1 });
  await page.reload();
  const resume = page.getByRole('button', { name: 'Resume from task 2 (compare) of strategy 2 (ewc)' });
  await expect(resume).toBeVisible();
  await snap(page.locator('.history'), info, 'history-resume-offer');
  await resume.click();
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 300_000 });
  await expect.poll(async () => (await savedRuns(page))[0]?.status).toBe('done');
  const [resumed] = await savedRuns(page);
  expect(resumed.strategies).toHaveLength(2);

  // The same spec, uninterrupted, in the same page.
  await page.getByTestId('run-button').click();
  await expect.poll(async () => (await savedRuns(page)).length).toBe(2);
  await expect.poll(async () => (await savedRuns(page))[0]?.status, { timeout: 300_000 }).toBe('done');
  const [full] = await savedRuns(page);
  expect(full.id).not.toBe(resumed.id);
  expect(numbers(resumed)).toEqual(numbers(full));
  info.annotations.push({
    type: 'metrics',
    description: JSON.stringify(numbers(full).map((s) => [s.label, s.metrics?.ap, s.metrics?.bwt])),
  });

  // The history lists both, compares them, renames one and deletes the other (after a confirmation).
  await expect(historyItems(page)).toHaveCount(2);
  for (const box of await page.getByRole('checkbox', { name: /^Compare / }).all()) await box.check();
  await expect(page.getByRole('table', { name: 'Compared runs' }).locator('tbody tr')).toHaveCount(4);
  await snap(page.locator('.history'), info, 'history-compare');
  const first = historyItems(page).first();
  await first.getByRole('button', { name: 'Rename' }).click();
  await first.getByRole('textbox', { name: 'Run name' }).fill('Uninterrupted');
  await first.getByRole('textbox', { name: 'Run name' }).press('Enter');
  await expect(first.locator('.history-name')).toHaveText('Uninterrupted');
  const second = historyItems(page).nth(1);
  await second.getByRole('button', { name: 'Delete' }).click();
  await second.getByRole('button', { name: 'Yes, delete' }).click();
  await expect(historyItems(page)).toHaveCount(1);
  await page.reload();
  await expect(historyItems(page)).toHaveCount(1);
  await expect(historyItems(page).first().locator('.history-name')).toHaveText('Uninterrupted');
  expect((await savedRuns(page)).map((r) => r.id)).toEqual([full.id]);
});

test('a browser that refuses storage gets a message and the run completes in memory', async ({ page }, info) => {
  test.setTimeout(300_000);
  await page.addInitScript(() => {
    indexedDB.open = () => {
      throw new DOMException('The user denied permission to access the database.', 'SecurityError');
    };
  });
  await page.goto(`/#${specFragment({ ...shortSpec(), tasks: shortSpec().tasks.map((t) => ({ ...t, steps: 20 })) })}`);
  await expect(page.getByRole('alert').filter({ hasText: 'Runs cannot be saved' })).toContainText(
    'refuses to store data for this page (private browsing or a site setting) (SecurityError)',
  );
  await expect(page.getByText('in memory only, until the page closes')).toBeVisible();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 240_000 });
  await expect(historyItems(page)).toHaveCount(1);
  await expect(historyItems(page).first().locator('.history-status')).toHaveText('done');
  await snap(page.locator('.history'), info, 'history-refused-storage');
});
