// Damaged saved data is quarantined, never fatal: records that do not validate are listed as damaged with their
// reason, can be exported raw or deleted, and the good runs and the page go on; a damaged checkpoint is set aside
// and its run starts over.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { newRun } from '../src/app/storage/savedRun';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from '../src/engine/experiment/resume';
import { snap, twoTaskSpec } from './helpers/page';

const historyItems = (page: Page) => page.getByRole('list', { name: 'Saved runs' }).locator(':scope > li');

/** Writes raw records (and checkpoint records) into the page's IndexedDB, as a damaged store would hold them. */
const writeRecords = (page: Page, runs: unknown[], checkpoints: unknown[]) =>
  page.evaluate(
    ([runs, checkpoints]) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('kif-playground');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(['runs', 'checkpoints'], 'readwrite');
          for (const r of runs) tx.objectStore('runs').put(r);
          for (const c of checkpoints) tx.objectStore('checkpoints').add(c);
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        };
      }),
    [runs, checkpoints] as const,
  );

test('damaged saved runs are listed with their reason, exported raw or deleted; a damaged checkpoint restarts its run', async ({
  page,
}, info) => {
  await page.goto('/');
  await expect(page.getByText('kept in this browser', { exact: true })).toBeVisible();
  const spec = twoTaskSpec({ name: 'Good run', seed: 3, steps: [5, 5], testSize: 4, strategies: [{ name: 'seqft' }] });
  const good = { ...newRun(spec, 3000), status: 'done' as const };
  const interrupted = { ...newRun({ ...spec, name: 'Interrupted run' }, 2000), resumeAt: { strategy: 0, task: 1 } };
  const noTasks = { ...newRun(spec, 1000), id: 'run-no-tasks', name: 'No tasks', spec: { ...spec, tasks: undefined } };
  const badStatus = { ...newRun(spec, 500), id: 'run-bad-status', name: 'Odd status', status: 'exploded' };
  const damagedCheckpoint = {
    runId: interrupted.id,
    checkpoint: { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, done: null, current: null },
  };
  await writeRecords(page, [good, interrupted, noTasks, badStatus, { id: 'run-bare' }], [damagedCheckpoint]);
  await page.reload();

  const damaged = page.getByTestId('damaged-run');
  // Three records, and the resume checkpoint of the (sound) interrupted run, listed before anyone presses Resume.
  await expect(damaged).toHaveCount(4);
  await expect(
    damaged.filter({ hasText: 'Interrupted run: its resume checkpoint' }).getByTestId('damaged-reason'),
  ).toHaveText(
    "It cannot be resumed from: checkpoint.done: must be the list of finished strategies' results (got null) (the run itself is kept, and resumes from its beginning)",
  );
  await expect(damaged.filter({ hasText: 'No tasks' }).getByTestId('damaged-reason')).toHaveText(
    'It cannot be opened: spec.tasks: is required',
  );
  await expect(damaged.filter({ hasText: 'Odd status' }).getByTestId('damaged-reason')).toHaveText(
    'It cannot be opened: status: "exploded" is not running, done or stopped',
  );
  await expect(historyItems(page)).toHaveCount(2);
  await snap(page.locator('.history'), info, 'damaged-runs');

  // Export raw: the record as it is stored.
  const download = page.waitForEvent('download');
  await damaged.filter({ hasText: 'No tasks' }).getByRole('button', { name: 'Export raw' }).click();
  const file = await (await download).path();
  expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
    id: 'run-no-tasks',
    name: 'No tasks',
    spec: { name: 'Good run' },
  });
  const cpDownload = page.waitForEvent('download');
  await damaged.filter({ hasText: 'its resume checkpoint' }).getByRole('button', { name: 'Export raw' }).click();
  expect(JSON.parse(readFileSync(await (await cpDownload).path(), 'utf8'))).toMatchObject({
    done: null,
    current: null,
  });

  // Delete: gone from the list and from the store; the rest stay.
  await damaged.filter({ hasText: 'Odd status' }).getByRole('button', { name: 'Delete' }).click();
  await expect(damaged).toHaveCount(3);
  await page.reload();
  await expect(damaged).toHaveCount(3);
  await expect(historyItems(page)).toHaveCount(2);

  // The interrupted run is offered; its checkpoint (done: null) is set aside with a message and the run starts over.
  await expect(page.getByTestId('backend-name')).toHaveText('wasm');
  await page.getByRole('button', { name: /^Resume from task 2/ }).click();
  await expect(page.locator('.history-message')).toContainText(
    'The saved checkpoint of "Interrupted run" is damaged (checkpoint.done: must be the list of finished strategies\' results (got null)): the run starts again from the beginning.',
  );
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 120_000 });
  await expect(page.getByTestId('run-button')).toBeEnabled();
  // The finished run dropped its checkpoint, damaged one included: only the two damaged records are left.
  await expect(damaged).toHaveCount(2);
  await expect(damaged.filter({ hasText: 'its resume checkpoint' })).toHaveCount(0);
});
