// Charts that explain themselves: axis labels with units, task-start and fusion marks on the loss chart, one strategy
// picked out from the legend, and the run controls on screen while a run is live.
import { expect, test } from '@playwright/test';
import { specFragment } from '../src/engine/share/shareLink';
import { snap, twoTaskSpec } from './helpers/page';

const spec = twoTaskSpec({
  name: 'Chart test',
  seed: 6,
  steps: [30, 160],
  testSize: 10,
  strategies: [{ name: 'seqft' }, { name: 'kif-hard' }],
});

test('the loss chart names its axes, marks task starts and fusions, picks out a strategy; controls stay on screen', async ({
  page,
}) => {
  test.setTimeout(400_000);
  await page.goto(`/#${specFragment(spec)}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('progress-task')).toContainText('2/2', { timeout: 120_000 });
  // Scrolled to the bottom of the page while training: Pause and Step are still in view.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const pause = page.getByRole('button', { name: 'Pause' });
  await expect(pause).toBeInViewport();
  await pause.click();
  await expect(page.getByTestId('step-button')).toBeInViewport();
  await page.getByRole('button', { name: 'Resume' }).first().click();
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 300_000 });

  const chart = page.getByTestId('loss-chart');
  await expect(chart.locator('.recharts-label').filter({ hasText: 'loss (cross-entropy, nats)' })).toHaveCount(1);
  await expect(chart.locator('.recharts-label').filter({ hasText: 'training step' })).toHaveCount(1);
  // seqft's marks: task 2 starts where its 30 steps of task 1 end.
  await expect(chart.locator('.recharts-reference-line')).toHaveCount(1);
  await expect(chart.locator('svg text').filter({ hasText: /^task 2$/ })).toHaveCount(1);
  // kif-hard, picked out: its fusion at the end of task 2 (the last) is marked; the other line fades.
  const kif = page.getByTestId('loss-legend').getByRole('button', { name: /kif-hard/ });
  await kif.click();
  await expect(kif).toHaveAttribute('aria-pressed', 'true');
  await expect(chart.locator('svg text').filter({ hasText: /^fusion$/ })).toHaveCount(1);
  await snap(chart, test.info(), 'loss-chart-picked-1280');
  const opacities = await chart
    .locator('.recharts-line path.recharts-line-curve')
    .evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke-opacity')));
  expect(opacities).toEqual(['0.25', '1']);
  await kif.click();
  await expect(kif).toHaveAttribute('aria-pressed', 'false');
  // Once the run is over the controls scroll with the page again.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await expect(page.getByTestId('run-button')).not.toBeInViewport();
});
