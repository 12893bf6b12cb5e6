// Share links in Chromium: a link opens its experiment; a tampered link gives a message and the default experiment and
// the page still works; edits rewrite the URL without history entries; "Copy link" round-trips through the clipboard.
import { expect, test, type Page } from '@playwright/test';
import type { ExperimentSpec } from '../src/engine/spec/experiment';
import { restoreFromFragment, specFragment } from '../src/engine/share/shareLink';
import { snap, validSpec } from './helpers/page';

function sharedSpec(): ExperimentSpec {
  return validSpec({
    version: 1,
    name: 'Shared: upper, length, compare',
    model: { preset: 'nano' },
    init: 'scratch',
    seed: 77,
    tasks: ['upper', 'length', 'compare'].map((task) => ({ task, steps: 60, trainSize: 500, testSize: 40 })),
    strategies: [{ name: 'seqft' }, { name: 'ewc', knobs: { lambda: 250 } }],
    training: {
      lr: 2e-3,
      warmupSteps: 10,
      weightDecay: 0.01,
      batchSize: 16,
      clipNorm: 1,
      maxInputLen: 48,
      maxOutputLen: 12,
      evalEvery: 0,
    },
  });
}

const queue = (page: Page) =>
  page.getByTestId('queue-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-task')));
const taskNames = (spec: ExperimentSpec) =>
  spec.tasks.map((t) => (typeof t.task === 'string' ? t.task : t.task.dataset));
const specInUrl = (page: Page) => {
  const r = restoreFromFragment(new URL(page.url()).hash, { fallback: () => sharedSpec() });
  if (r.kind !== 'restored') throw new Error(`the URL holds no valid link: ${JSON.stringify(r).slice(0, 300)}`);
  return r.spec;
};

test('a link opens its experiment; edits rewrite the URL without new history entries', async ({ page }, info) => {
  const spec = sharedSpec();
  await page.goto(`/#${specFragment(spec)}`);
  await expect(page.getByTestId('share-notices')).toContainText(
    'Opened "Shared: upper, length, compare" (3 tasks, 2 strategies) from the link',
  );
  await expect.poll(() => queue(page)).toEqual(['upper', 'length', 'compare']);
  await expect(page.getByTestId('strategy-ewc')).toHaveClass(/\bon\b/);
  await expect(page.getByTestId('strategy-kif-hard')).not.toHaveClass(/\bon\b/);
  await snap(page, info, 'share-opened-link');

  const before = await page.evaluate(() => history.length);
  await page.getByTestId('strategy-kif-hard').getByRole('checkbox').check();
  await expect.poll(() => specInUrl(page).strategies.map((s) => s.name)).toContain('kif-hard');
  expect(specInUrl(page).seed).toBe(77);
  expect(await page.evaluate(() => history.length)).toBe(before);
});

test('a tampered link names the problem, opens the default experiment, and the page keeps working', async ({
  page,
}, info) => {
  // The default experiment as this build of the page opens it (the demo's contents change; never hard-coded here).
  await page.goto('/');
  await expect.poll(async () => (await queue(page)).length).toBeGreaterThan(0);
  const defaultQueue = await queue(page);
  const fragment = specFragment(sharedSpec());
  const at = fragment.length - 20;
  const tampered = fragment.slice(0, at) + (fragment[at] === 'Q' ? 'R' : 'Q') + fragment.slice(at + 1);
  await page.goto(`/#${tampered}`);
  const notices = page.getByTestId('share-notices');
  await expect(notices).toContainText(/This link's experiment is (truncated or was altered|truncated or damaged)/);
  await expect(notices).toContainText('The default experiment is open instead');
  await expect.poll(() => queue(page)).toEqual(defaultQueue);
  // The bad fragment was replaced by the default experiment's, so a reload does not repeat the message.
  expect(taskNames(specInUrl(page))).toEqual(defaultQueue);
  await expect(page.getByTestId('run-button')).toBeEnabled();
  await page.getByTestId('strategy-ewc').getByRole('checkbox').check();
  await expect.poll(() => specInUrl(page).strategies.map((s) => s.name)).toContain('ewc');
  await snap(page, info, 'share-tampered-link');

  // Truncated and future-version links: the same fallback, each with its own message.
  await page.goto(`/#${fragment.slice(0, fragment.length >> 1)}`);
  await expect(page.getByTestId('share-notices')).toContainText(/truncated/);
  await page.goto(`/#${fragment.replace(/^spec=1\./, 'spec=3.')}`);
  await expect(page.getByTestId('share-notices')).toContainText('link format 3, newer than this app reads');
  await expect.poll(() => queue(page)).toEqual(defaultQueue);
});

test('Copy link round-trips through the clipboard; the export and import menus open', async ({
  page,
  context,
}, info) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const spec = sharedSpec();
  await page.goto(`/#${specFragment(spec)}`);
  await expect.poll(() => queue(page)).toEqual(['upper', 'length', 'compare']);
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('share-notices')).toContainText('Copied the link to this experiment');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  await expect(page.getByTestId('share-link')).toHaveValue(link);
  await expect(page.getByTestId('copy-link-results')).toBeDisabled();

  const other = await context.newPage();
  await other.goto(link);
  await expect.poll(() => queue(other)).toEqual(['upper', 'length', 'compare']);
  expect(specInUrl(other)).toEqual(spec);
  await other.close();

  await page.getByTestId('export-menu').click();
  await expect(page.getByText('Run the experiment (or import results) to export them.')).toBeVisible();
  await snap(page, info, 'share-export-menu');
  await page.getByTestId('export-menu').click();
  await page.getByTestId('import-menu').click();
  await expect(page.getByTestId('import-url')).toBeVisible();
  await snap(page, info, 'share-import-menu');
});
