// Notices: one place under the header (the header does not move), each message once, dismissible, in a live region;
// a fragment that is no share link says so; an edited experiment is "… (edited)" until renamed, and the bare URL brings
// the last experiment back.
import { expect, test } from '@playwright/test';
import { specFragment } from '../src/engine/share/shareLink';
import { snap, twoTaskSpec } from './helpers/page';

const spec = twoTaskSpec({
  name: 'Notice test',
  seed: 2,
  steps: [10, 10],
  testSize: 10,
  strategies: [{ name: 'seqft' }],
});

test('bad links say why, once, below a header that does not move; edits are named and come back on the bare URL', async ({
  page,
}, info) => {
  await page.goto('/#garbage');
  const notices = page.getByTestId('share-notices');
  await expect(notices).toHaveText(
    /This link's ending "#garbage" holds no experiment .* the default experiment is open instead/,
  );
  await expect(page).toHaveURL(/#spec=/);
  const header = await page.locator('header.top').boundingBox();

  // The same damaged link three times: one message.
  const fragment = specFragment(spec);
  const damaged = fragment.slice(0, fragment.length >> 1);
  for (let i = 0; i < 3; i++) {
    await page.evaluate((f) => (location.hash = f), damaged);
    await expect(notices).toContainText(/truncated/);
  }
  await expect(notices.locator('li').filter({ hasText: /truncated/ })).toHaveCount(1);
  expect(await page.locator('header.top').boundingBox()).toEqual(header);
  // Announced: the notices sit in a polite live region inside the "Notices" region, outside the header.
  await expect(page.getByRole('region', { name: 'Notices' }).locator('[aria-live="polite"]')).toContainText(
    /truncated/,
  );
  expect(await page.locator('header.top [data-testid="share-notices"]').count()).toBe(0);
  await snap(page, info, 'notices');
  await notices
    .locator('li')
    .filter({ hasText: /truncated/ })
    .getByRole('button', { name: /^Dismiss/ })
    .click();
  await expect(notices.locator('li').filter({ hasText: /truncated/ })).toHaveCount(0);

  // An edit renames the experiment "… (edited)"; a rename sticks; the bare URL brings it back.
  await page.evaluate((f) => (location.hash = f), fragment);
  await expect(page.locator('#run-title')).toHaveText('Notice test');
  await expect(page.getByTestId('run-bar-summary')).toHaveText(
    '2 tasks × 1 strategy, 20 training steps. Space: play / pause.',
  );
  await page.getByTestId('strategy-ewc').getByRole('checkbox').check();
  await expect(page.locator('#run-title')).toHaveText('Notice test (edited)');
  await page.getByTestId('strategy-ewc').getByRole('checkbox').uncheck();
  await expect(page.locator('#run-title')).toHaveText('Notice test (edited)');
  await page.getByTestId('rename-experiment').click();
  await page.getByRole('textbox', { name: 'Experiment name' }).fill('Lesson 1');
  await page.getByRole('textbox', { name: 'Experiment name' }).press('Enter');
  await expect(page.locator('#run-title')).toHaveText('Lesson 1');
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem('kif-playground:last-spec') ?? ''))
    .toContain('"Lesson 1"');
  await page.goto('/');
  await expect(page.locator('#run-title')).toHaveText('Lesson 1');
  await expect(notices).toContainText('Opened your last experiment, "Lesson 1" (2 tasks, 1 strategy)');
  await expect(page).toHaveURL(/#spec=/);
});
