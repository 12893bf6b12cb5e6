// Every screen and every hand: at 390 px nothing widens the page, the heatmap is one tab stop walked with the arrow
// keys, a skip link leads to the run controls, Escape closes the menus, and axe finds no serious or critical problem.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { specFragment } from '../src/engine/share/shareLink';
import { snap, twoTaskSpec } from './helpers/page';

// 80 steps a task: at 20, the run (two lanes of 40 steps) took 5 s in CI, where a slow page missed its second task
// between two polls, and Space, pressed after a screenshot, came after the end (where it plays: a second run).
const spec = twoTaskSpec({
  name: 'Every hand',
  seed: 3,
  steps: [80, 80],
  testSize: 10,
  strategies: [{ name: 'seqft' }, { name: 'kif-hard' }],
});

/** The run, with screenshots of the first screen, the live run and the comparison (`tag`: the width). */
async function runToEnd(page: Page, tag: string): Promise<void> {
  await page.goto(`/#${specFragment(spec)}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await snap(page, test.info(), `first-${tag}`);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('progress-task')).toContainText('2/2', { timeout: 120_000 });
  await snap(page, test.info(), `live-${tag}`);
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 240_000 });
  await snap(page.locator('section[aria-labelledby="compare-title"]'), test.info(), `compare-${tag}`);
}

const widths = (page: Page) =>
  page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.length} × ${v.nodes[0]?.target.join(' ')} (${v.help})`);
}

test('at 390 px the page is as wide as the screen; hidden heatmap cells are counted', async ({ page }, info) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await runToEnd(page, '390');
  expect(await widths(page)).toEqual({ doc: 390, view: 390 });
  await expect(page.getByRole('region', { name: 'Continual-learning metrics' })).toBeVisible();
  // The metrics table is wider than the screen: it scrolls inside its region.
  const region = await page
    .getByRole('region', { name: 'Continual-learning metrics' })
    .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  expect(region.scroll).toBeGreaterThan(region.client);
  const map = page.getByTestId('importance-heatmap');
  const counted = await map.evaluate((fig) => {
    const box = fig.querySelector('.heatmap-scroll')!.getBoundingClientRect();
    return [...fig.querySelectorAll('[data-testid="heatmap-cell"]')].filter((c) => {
      const r = c.getBoundingClientRect();
      return r.left < box.left - 1 || r.right > box.right + 1;
    }).length;
  });
  expect(counted).toBeGreaterThan(0);
  await expect(page.getByTestId('importance-heatmap-hidden')).toContainText(`${counted} of`);
  await snap(page, info, 'done-390', { fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);
});

test('by keyboard: skip link, one tab stop per heatmap with arrow keys, the top units as text, Escape closes menus, axe', async ({
  page,
}) => {
  test.setTimeout(300_000);
  // The run itself by keyboard only: skip link, Run, Space pauses and resumes.
  await page.goto(`/#${specFragment(spec)}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await snap(page, test.info(), 'first-1280');
  const url = page.url();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to the run controls' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#run-title')).toBeFocused();
  // The fragment is the experiment's link: the skip link leaves it alone.
  expect(page.url()).toBe(url);
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('rename-experiment')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('run-button')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-state')).toHaveText('training', { timeout: 60_000 });
  // Space at once, the screenshot once paused.
  await page.locator('#run-title').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('run-state')).toHaveText('paused');
  await expect(page.getByTestId('progress-task')).toBeVisible(); // the first task has started (before its first step)
  await snap(page, test.info(), 'live-1280');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 240_000 });
  await snap(page.locator('section[aria-labelledby="compare-title"]'), test.info(), 'compare-1280');

  const cells = page.getByTestId('importance-heatmap').getByTestId('heatmap-cell');
  const n = await cells.count();
  expect(n).toBeGreaterThan(10);
  // Exactly one cell is in the tab order.
  expect(await cells.evaluateAll((cs) => cs.filter((c) => (c as HTMLElement).tabIndex === 0).length)).toBe(1);
  const first = cells.and(page.locator('[tabindex="0"]'));
  await first.focus();
  const unit0 = await first.getAttribute('data-unit');
  await page.keyboard.press('ArrowRight');
  const unit1 = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.unit);
  expect(unit1).not.toBe(unit0);
  await expect(page.getByTestId('importance-heatmap-hover')).toContainText(unit1!);
  await page.keyboard.press('ArrowLeft');
  expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.unit)).toBe(unit0);
  const top = () => page.evaluate(() => document.activeElement!.getBoundingClientRect().top);
  const y0 = await top();
  await page.keyboard.press('ArrowDown');
  // The next layer's row, lower on the screen.
  expect(await top()).toBeGreaterThan(y0 + 5);
  await page.keyboard.press('ArrowUp');
  expect(await top()).toBeCloseTo(y0, 0);
  // Tab leaves the map at once.
  await page.keyboard.press('Tab');
  expect(
    await page.evaluate(() => document.activeElement?.closest('[data-testid="importance-heatmap"] .heatmap-grid')),
  ).toBeNull();

  // The text alternative lists, per task, the five top units by score, highest first.
  const list = page.getByTestId('top-units');
  await list.locator('summary').click();
  await expect(list.locator('ol')).toHaveCount(2);
  const scores = await list.locator('ol').first().locator('li').allTextContents();
  expect(scores).toHaveLength(5);
  const values = scores.map((s) => Number(s.split('score ')[1]));
  expect([...values].sort((a, b) => b - a)).toEqual(values);

  // The whole description of a strategy opens from the keyboard.
  const more = page.getByTestId('strategy-kif-hard').locator('details.more');
  await more.locator('summary').focus();
  await page.keyboard.press('Enter');
  await expect(more).toHaveAttribute('open', '');
  await expect(more.locator('p')).not.toContainText('…');

  // Escape closes Import and Export and gives the focus back to the menu's button.
  for (const menu of ['import-menu', 'export-menu']) {
    await page.getByTestId(menu).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(menu).locator('xpath=..')).toHaveAttribute('open', '');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId(menu).locator('xpath=..')).not.toHaveAttribute('open', '');
    await expect(page.getByTestId(menu)).toBeFocused();
  }
  expect(await seriousViolations(page)).toEqual([]);
});
