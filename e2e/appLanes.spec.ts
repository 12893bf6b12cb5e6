// The app's own run with its strategies side by side (lanes: one nested worker per core on wasm): the page says how
// they are split, Pause holds every lane, Step lets each take one step, Resume goes on, and the finished run has the
// numbers of the same demo run one strategy at a time. Both wall times are printed for the closing note (not asserted).
import { expect, test, type Page } from '@playwright/test';
import type { SavedRun } from '../src/app/storage/savedRun';
import { savedRuns } from './helpers/savedRuns';

const numbers = (run: SavedRun) =>
  run.strategies.map((s) => ({ label: s.label, matrix: s.matrix, metrics: s.metrics, losses: s.losses }));

/** The queue's progress as the run bar shows it (percent). */
const queue = async (page: Page) => Number(await page.getByTestId('queue-progress').getAttribute('aria-valuenow'));

interface LaneRow {
  strategy: string;
  task: string;
  step: number;
  steps: number;
}

/** Each lane's row of the run bar: its strategy, task and step as shown ("2/4: weight-avg", "1/3: rvsh", "57 / 200"). */
const laneRows = (page: Page): Promise<LaneRow[]> =>
  page.locator('.runbar dl.stats').evaluateAll((dls) =>
    dls
      .map((dl) => {
        const dd = (name: string) =>
          [...dl.querySelectorAll('div')].find((d) => d.querySelector('dt')?.textContent === name)?.querySelector('dd')
            ?.textContent ?? '';
        const [step, steps] = dd('Step')
          .split('/')
          .map((n) => Number(n.trim()));
        return { strategy: dd('Strategy'), task: dd('Task'), step, steps };
      })
      .filter((r) => r.strategy !== ''),
  );

/**
 * Both lanes held inside a task's training: the gate holds a lane before each training step only, so a lane paused
 * at a task's last step goes on, at Step, through its evaluation into the next task.
 */
const insideTasks = (rows: LaneRow[]) =>
  rows.length === 2 &&
  rows.every((r) => Number.isInteger(r.step) && Number.isInteger(r.steps) && r.step >= 1 && r.step <= r.steps - 3);

async function finished(page: Page, runs: number): Promise<SavedRun> {
  // Polled once a second in the page: a failing expect() retried for the whole run has Playwright build an aria
  // snapshot of the page at each try, which took about 6 s of the page's main thread from a 40 s run.
  await page.waitForFunction(
    () => document.querySelector('[data-testid=run-result]')?.textContent?.includes('Finished'),
    null,
    { polling: 1000, timeout: 400_000 },
  );
  await expect(page.getByTestId('run-result')).toContainText('Finished');
  await expect.poll(async () => (await savedRuns(page)).filter((r) => r.status === 'done').length).toBe(runs);
  return (await savedRuns(page))[0];
}

test('the forgetting demo side by side: pause, step and resume reach both lanes, with the numbers of one at a time', async ({
  page,
}) => {
  test.setTimeout(900_000);
  await page.goto('/');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 120_000 });
  const sideBySide = page.getByRole('checkbox', { name: 'Strategies side by side' });
  await expect(sideBySide).toBeChecked(); // on by default

  let t0 = Date.now();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-warnings')).toContainText('train 2 at a time, one per core', { timeout: 120_000 });
  await expect(page.getByTestId('run-state')).toHaveText('training', { timeout: 120_000 });
  await expect.poll(() => queue(page), { timeout: 120_000 }).toBeGreaterThan(5);
  // The run bar shows both strategies training, a row each, with their own task bars.
  await expect(page.locator('.runbar dt', { hasText: /^Strategy$/ })).toHaveCount(2);
  await expect(page.getByRole('progressbar', { name: /current task/ })).toHaveCount(2);
  if (process.env.SHOTS)
    await page.locator('.runbar').screenshot({ path: `${process.env.SHOTS}/runbar-side-by-side.png` });
  // A lane's evaluation is said on its own task bar while the run, its other lane training, says training.
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid=run-state]')?.textContent === 'training' &&
      [...document.querySelectorAll('.runbar .bar-label')].some((l) =>
        l.textContent?.includes('This task · evaluating…'),
      ),
    null,
    { polling: 100, timeout: 120_000 },
  );

  // Pause until both lanes are held inside a task (a lane can be at a task's end: they started apart, and the poll above
  // has no upper bound); the time paused is left out of the wall time.
  let pausedMs = 0;
  let pausedAt = 0;
  let held: LaneRow[] = [];
  for (let tries = 1; ; tries++) {
    pausedAt = Date.now();
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByTestId('run-state')).toHaveText('paused');
    await page.waitForTimeout(1000); // a step each lane had under way lands
    held = await laneRows(page);
    if (insideTasks(held)) break;
    expect(tries, `paused at a task boundary at every try: ${JSON.stringify(held)}`).toBeLessThan(5);
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByTestId('run-state')).not.toHaveText('paused'); // training, or a lane's evaluation
    pausedMs += Date.now() - pausedAt;
    await page.waitForTimeout(1500);
  }
  await page.waitForTimeout(2000);
  expect(await laneRows(page)).toEqual(held);
  // Step: each lane takes exactly one step of its task. Read per lane: the queue's percent, rounded to 0.1, can hide
  // the 2 steps of 2,400.
  await page.getByTestId('step-button').click();
  const oneMore = held.map((r) => ({ ...r, step: r.step + 1 }));
  await expect.poll(() => laneRows(page)).toEqual(oneMore);
  await page.waitForTimeout(1500);
  expect(await laneRows(page)).toEqual(oneMore);
  pausedMs += Date.now() - pausedAt;
  await page.getByRole('button', { name: 'Resume' }).click();
  const lanes = await finished(page, 1);
  const lanesSeconds = (Date.now() - t0 - pausedMs) / 1000;

  await sideBySide.uncheck();
  t0 = Date.now();
  await page.getByTestId('run-button').click();
  const alone = await finished(page, 2);
  const aloneSeconds = (Date.now() - t0) / 1000;
  await expect(page.getByText('train 2 at a time, one per core')).toHaveCount(0);
  expect(numbers(lanes)).toEqual(numbers(alone));
  expect(lanes.strategies.map((s) => s.label)).toEqual(['seqft', 'weight-avg', 'kif-hard', 'mtl']);
  console.log(
    `forgetting demo in the app, headless Chromium, wasm: side by side ${lanesSeconds.toFixed(1)} s (less the pause), one at a time ${aloneSeconds.toFixed(1)} s`,
  );
});
