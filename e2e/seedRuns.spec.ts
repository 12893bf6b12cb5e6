// "Run N seeds": seeds s..s+N−1 one after another, each saved; then the comparison with 95% intervals and the paired
// differences of KIF against SeqFT, and seeds already finished are not run again.
import { expect, test } from '@playwright/test';
import { specFragment } from '../src/engine/share/shareLink';
import { snap, twoTaskSpec } from './helpers/page';
import { savedRuns } from './helpers/savedRuns';

test('runs two seeds in a row, saves both, and shows mean ± 95% CI and paired differences', async ({ page }, info) => {
  test.setTimeout(400_000);
  const spec = twoTaskSpec({
    name: 'Seeds check',
    seed: 3,
    steps: [6, 6],
    testSize: 8,
    strategies: [{ name: 'seqft' }, { name: 'kif-hard' }],
  });
  await page.goto(`/#${specFragment(spec)}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 120_000 });
  await page.getByTestId('seed-count').fill('2');
  await page.getByTestId('run-seeds').click();
  await expect(page.getByTestId('seed-status')).toContainText('Running seed 3; then 4.');
  await expect(page.getByTestId('seed-summary')).toBeVisible({ timeout: 300_000 });
  await expect(page.getByTestId('seed-summary')).toContainText(
    '2 seeds (3, 4): mean ± half-width of the 95% confidence interval (t, 1 degrees of freedom)',
  );
  await expect(page.getByTestId('seed-status')).toHaveCount(0);
  const runs = (await savedRuns(page)).filter((r) => r.status === 'done');
  expect(runs.map((r) => r.spec.seed).sort()).toEqual([3, 4]);
  // The page's AP interval is the t interval of the two saved APs: mean ± 12.706 · |a − b| / 2.
  const aps = runs.map((r) => r.results!.strategies.find((s) => s.name === 'seqft')!.metrics!.ap);
  const mean = (aps[0] + aps[1]) / 2;
  const half = (12.7062 * Math.abs(aps[0] - aps[1])) / 2;
  await expect(page.getByTestId('seed-seqft-ap')).toHaveText(
    half === 0 ? `${mean.toFixed(1)} ± 0.0` : `${mean.toFixed(1)} ± ${half.toFixed(1)}`,
  );
  await expect(page.getByTestId('seed-differences')).toContainText('kif-hard − seqft, AP');
  await snap(page.getByTestId('seed-runs'), info, 'seed-summary');
  // Both seeds are saved as finished: asking again starts no run.
  await page.getByTestId('run-seeds').click();
  await expect(page.getByTestId('seed-status')).toHaveCount(0);
  await expect(page.getByTestId('run-button')).toBeEnabled();
  expect((await savedRuns(page)).length).toBe(runs.length);
});
