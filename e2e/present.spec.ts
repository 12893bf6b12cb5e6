// Present mode: the editor hidden, the story in captioned steps, the run pausing at each task boundary for the teacher,
// the state in the link (a reload or a copied link opens the same step), and an embed snippet with parts hidden.
import { expect, test, type Page } from '@playwright/test';
import { specFragment } from '../src/engine/share/shareLink';
import { snap, twoTaskSpec } from './helpers/page';

const spec = twoTaskSpec({
  name: 'Present test',
  seed: 7,
  steps: [20, 20],
  testSize: 10,
  strategies: [{ name: 'seqft' }, { name: 'kif-hard' }],
});
const stepOf = (page: Page) => Number(new URL(page.url()).searchParams.get('present'));

async function pausedAt(page: Page, text: string): Promise<number> {
  await expect(page.getByTestId('present-paused')).toContainText(text, { timeout: 120_000 });
  await expect(page.getByTestId('run-state')).toHaveText('paused');
  // Paused at the boundary: at most a few steps of the next task have run.
  const step = (await page.getByTestId('progress-step').textContent()) ?? '';
  return Number(step.split(' / ')[0]);
}

test('present mode walks the story, pauses at each task boundary, and keeps its state in the link', async ({
  page,
  context,
}) => {
  test.setTimeout(400_000);
  await page.goto(`/?present=1#${specFragment(spec)}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('present-title')).toHaveText('Learn task 1');
  await expect(page.getByTestId('present-caption')).toContainText('its first task, length');
  await expect(page.locator('.setup')).toBeHidden();
  await expect(page.locator('section[aria-labelledby="history-title"]')).toBeHidden();
  await snap(page, test.info(), `present-1-before-1280`);

  await page.getByTestId('present-start').click();
  const ran: number[] = [];
  ran.push(await pausedAt(page, 'seqft has learned task 1 of 2 (length)'));
  await snap(page, test.info(), `present-1-paused-1280`);
  await page.getByTestId('present-next').click();
  expect(stepOf(page)).toBe(2);
  await expect(page.getByTestId('present-title')).toHaveText('Learn task 2: task 1 is forgotten');
  await page.getByTestId('present-continue').click();
  ran.push(await pausedAt(page, 'seqft has learned task 2 of 2 (compare)'));
  await snap(page, test.info(), `present-2-1280`);
  await page.getByTestId('present-continue').click();
  ran.push(await pausedAt(page, 'kif-hard has learned task 1 of 2 (length)'));
  await page.keyboard.press('ArrowRight');
  expect(stepOf(page)).toBe(3);
  await expect(page.getByTestId('present-title')).toHaveText('KIF keeps the units task 1 needed');
  await page.getByTestId('present-continue').click();
  // The end of the last task is no boundary: the run finishes.
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 120_000 });
  await expect(page.getByTestId('present-paused')).toHaveCount(0);
  await expect(page.getByTestId('importance-heatmap')).toBeVisible();
  await snap(page, test.info(), `present-3-1280`);
  await page.getByTestId('present-next').click();
  await expect(page.getByTestId('present-title')).toHaveText('Compare');
  await expect(page.getByTestId('metrics-table')).toBeVisible();
  await snap(page, test.info(), `present-4-1280`);
  test
    .info()
    .annotations.push({ type: 'steps run past each boundary before the pause', description: JSON.stringify(ran) });
  for (const n of ran) expect(n).toBeLessThanOrEqual(5);

  // Round trip: the link opens the same step.
  await page.reload();
  await expect(page.getByTestId('present-title')).toHaveText('Compare');
  expect(stepOf(page)).toBe(4);

  // The embed: hide the run controls; the snippet's URL opens that view.
  await page.getByTestId('embed-form').locator('summary').click();
  await page.getByTestId('embed-form').getByLabel('run controls').check();
  await expect(page).toHaveURL(/[?&]present=4&hide=controls#spec=/);
  const snippet = await page.getByTestId('embed-snippet').inputValue();
  const src = /src="([^"]+)"/.exec(snippet)![1].replace(/&quot;/g, '"');
  expect(src).toContain('present=4&hide=controls');
  const embedded = await context.newPage();
  await embedded.goto(src);
  await expect(embedded.getByTestId('present-title')).toHaveText('Compare');
  await expect(embedded.getByTestId('run-button')).toBeHidden();
  await expect(embedded.getByTestId('present-next')).toBeHidden();
  await embedded.close();
  await page.getByTestId('embed-form').getByLabel('run controls').uncheck();
  await expect(page).toHaveURL(/[?&]present=4#spec=/);

  // At 390 px every step fits the screen's width.
  await page.setViewportSize({ width: 390, height: 844 });
  for (let step = 4; step >= 1; step--) {
    await expect.poll(() => stepOf(page)).toBe(step);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    await snap(page, test.info(), `present-${step}-390`);
    if (step > 1) await page.getByTestId('present-back').click();
  }

  // P leaves present mode and the link forgets it.
  await page.locator('body').press('p');
  await expect(page.getByTestId('present-bar')).toHaveCount(0);
  expect(new URL(page.url()).searchParams.get('present')).toBeNull();
  await expect(page.locator('.setup')).toBeVisible();
});
