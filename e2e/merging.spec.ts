// The model-merging rules in the page: a short run of seqft, TIES and kif-hard, then the fusion map of TIES by each
// task's share, and the what-if panel: KIF's own fusion first, then every rule over TIES's and seqft's task models (KIF's rules
// disabled there), with bad knobs refused.
import { expect, test } from '@playwright/test';
import { specFragment } from '../src/engine/share/shareLink';
import { snap, twoTaskSpec } from './helpers/page';

test("merging strategies run, their fusion map shows each task's share, and what-if merges with any rule", async ({
  page,
}, info) => {
  test.setTimeout(600_000);
  const spec = twoTaskSpec({
    name: 'Merging test',
    seed: 3,
    steps: [20, 20],
    testSize: 10,
    strategies: [{ name: 'seqft' }, { name: 'ties' }, { name: 'kif-hard' }],
  });
  await page.goto(`/#${specFragment(spec)}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 480_000 });

  // The fusion map of TIES (kif-hard's is shown first): coloured by the largest share, one legend entry per task.
  const map = page.getByTestId('fusion-map');
  await page.getByTestId('fusion-strategy').selectOption({ label: 'ties' });
  await expect(map.getByTestId('heatmap-cell').first()).toBeVisible();
  await page.getByTestId('fusion-view').selectOption('dominant');
  await expect(page.getByTestId('fusion-legend')).toContainText('1: length');
  await expect(page.getByTestId('fusion-legend')).toContainText('2: compare');
  const values = await map
    .getByTestId('heatmap-cell')
    .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-value')));
  expect(values.length).toBeGreaterThan(10);
  for (const v of values) expect(['task-0', 'task-1', 'base']).toContain(v);
  await page.getByTestId('fusion-view').selectOption('task-1');
  for (const v of await map
    .getByTestId('heatmap-cell')
    .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-value')))) {
    expect(v === 'base' || (Number(v) >= 0 && Number(v) <= 1)).toBe(true);
  }
  await snap(page.locator('section[aria-labelledby="imp-title"]'), info, 'merging-fusion-map');

  // What-if opens on the KIF strategy's own fusion (hard rule, its γ), which gives the run's numbers.
  const whatIf = page.getByTestId('whatif');
  await expect(page.getByTestId('whatif-rule')).toHaveValue('hard');
  await expect(page.getByTestId('whatif-gamma')).toHaveValue('0.7');
  await expect(page.getByTestId('whatif-status')).toHaveText('Up to date.', { timeout: 120_000 });
  await expect(page.getByTestId('whatif-score-0')).toHaveText(
    (await whatIf.locator('tbody tr').first().locator('td').first().textContent()) ?? '',
  );
  await expect(page.getByTestId('whatif-cases')).toBeVisible();

  // What-if on TIES with its own knobs gives its own last row.
  await page.locator('#whatif-strategy').selectOption({ label: 'ties' });
  await expect(page.getByTestId('whatif-rule')).toHaveValue('ties');
  await expect(page.getByTestId('whatif-merge-hint')).toContainText("Exact: this strategy's own last merge");
  await expect(page.getByTestId('whatif-status')).toHaveText('Up to date.', { timeout: 120_000 });
  const firstRow = whatIf.locator('tbody tr').first();
  await expect(page.getByTestId('whatif-score-0')).toHaveText(
    (await firstRow.locator('td').first().textContent()) ?? '',
  );
  await expect(page.getByTestId('whatif-share-0')).toHaveText(/^\d+%$/);

  // seqft's task models: KIF's rules are not offered, MagMax is, and a bad λ is refused where it is typed.
  await page.locator('#whatif-strategy').selectOption({ label: 'seqft' });
  await expect(page.getByTestId('whatif-rule').locator('option[value="hard"]')).toBeDisabled();
  await page.getByTestId('whatif-rule').selectOption('magmax');
  await expect(page.getByTestId('whatif-lambda')).toHaveValue('0.5');
  await expect(page.getByTestId('whatif-status')).toHaveText('Up to date.', { timeout: 120_000 });
  await expect(page.getByTestId('whatif-score-1')).toHaveText(/^\d+\.\d$/);
  await page.getByTestId('whatif-lambda').fill('-1');
  // Said at the field and beside the recompute it holds back.
  await expect(whatIf.locator('.field-error', { hasText: 'must be a number from 0 to 10 (got -1)' })).toBeVisible();
  await expect(page.getByTestId('whatif-blocked')).toContainText('λ (lambda): must be a number from 0 to 10 (got -1)');
  // DARE's knobs, its inner rule among them.
  await page.getByTestId('whatif-rule').selectOption('dare');
  await expect(page.getByTestId('whatif-drop')).toHaveValue('0.9');
  await page.getByTestId('whatif-drop').fill('1');
  // Said at the field and beside the recompute it holds back.
  await expect(
    whatIf.locator('.field-error', { hasText: 'must be a number from 0 and below 1 (got 1)' }),
  ).toBeVisible();
  await expect(page.getByTestId('whatif-blocked')).toContainText('drop p: must be a number from 0 and below 1 (got 1)');
  await page.getByTestId('whatif-drop').fill('0.5');
  await page.getByTestId('whatif-inner').selectOption('average');
  await expect(page.getByTestId('whatif-status')).toHaveText('Up to date.', { timeout: 120_000 });
  await snap(whatIf, info, 'merging-whatif');
  await snap(page, info, 'merging-1280', { fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, info, 'merging-390', { fullPage: true });
  await snap(whatIf, info, 'merging-whatif-390');
  await snap(page.locator('section[aria-labelledby="imp-title"]'), info, 'merging-fusion-map-390');
});
