// Resume in plain sight: after a reload mid-run the run card at the top says where the run was cut short and offers
// Resume / Discard; Resume finishes the run from its last task boundary.
import { expect, test, type Page } from '@playwright/test';
import { specFragment } from '../src/engine/share/shareLink';
import { savedRuns } from './helpers/savedRuns';
import { snap, twoTaskSpec } from './helpers/page';

const spec = twoTaskSpec({
  name: 'Reload test',
  seed: 4,
  steps: [20, 400],
  testSize: 10,
  strategies: [{ name: 'seqft' }],
});

async function reloadMidTask2(page: Page): Promise<number> {
  await page.goto(`/#${specFragment(spec)}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('progress-task')).toContainText('2/2', { timeout: 120_000 });
  await expect
    .poll(async () => (await savedRuns(page))[0]?.resumeAt, { timeout: 120_000 })
    .toEqual({ strategy: 0, task: 1 });
  // Past the first saved progress of task 2 (saved about once a second).
  await expect
    .poll(async () => Number((await page.getByTestId('progress-step').textContent())?.split(' / ')[0]), {
      timeout: 120_000,
    })
    .toBeGreaterThan(30);
  await page.waitForTimeout(1200);
  const seen = Number((await page.getByTestId('progress-step').textContent())?.split(' / ')[0]);
  await page.reload();
  return seen;
}

for (const width of [1280, 390]) {
  test(`after a reload mid-run the run card says where it stopped, at the top, and Resume finishes it (${width} px)`, async ({
    page,
  }) => {
    test.setTimeout(400_000);
    await page.setViewportSize({ width, height: width > 600 ? 900 : 844 });
    const seen = await reloadMidTask2(page);
    const card = page.getByTestId('resume-card');
    await expect(card).toBeVisible();
    const text = await page.getByTestId('interrupted-at').textContent();
    const m = /^Interrupted at task 2 of 2, step (\d+)$/.exec(text ?? '');
    expect(m, text ?? '').not.toBeNull();
    // The step saved last is the one seen before the reload, give or take a second of training.
    expect(Number(m![1])).toBeGreaterThan(30);
    expect(Math.abs(Number(m![1]) - seen)).toBeLessThan(200);
    // In the first screen, inside the run card.
    const box = (await card.boundingBox())!;
    expect(box.y + box.height).toBeLessThan(page.viewportSize()!.height);
    await expect(page.locator('section.runbar').getByTestId('resume-card')).toHaveCount(1);
    await snap(page, test.info(), `reload-mid-run-${width}`);
    if (width > 600) {
      await card.getByRole('button', { name: 'Resume' }).click();
      await expect(card).toHaveCount(0);
      await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 300_000 });
      await expect.poll(async () => (await savedRuns(page))[0]?.status).toBe('done');
      expect(await savedRuns(page)).toHaveLength(1);
    } else {
      await card.getByRole('button', { name: 'Discard' }).click();
      await expect(card).toHaveCount(0);
      await expect.poll(async () => (await savedRuns(page))[0]?.status).toBe('stopped');
    }
  });
}
