// A link naming a checkpoint URL carries the content hash of the files this browser ran it with; opened where the URL
// now serves other files, the run says so. A checkpoint loaded by URL in the Import panel is kept in Cache Storage like
// the model picker's: the second load downloads nothing, and the cached list shows it with Delete.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type BrowserContext } from '@playwright/test';
import { folderHash } from '../src/engine/io/checkpointHash';
import { specFragment } from '../src/engine/share/shareLink';
import { validSpec } from './helpers/page';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'checkpoints');
const names = ['config.json', 'pytorch_model.bin', 'spiece.model'];

/** Serves a checkpoint folder at /ckpt/NAME/: the files of `folder()` (read on each request, so a test can swap it). */
async function serve(context: BrowserContext, name: string, folder: () => Record<string, Buffer>) {
  const served = new Map<string, number>();
  await context.route(`**/ckpt/${name}/*`, (route) => {
    const file = new URL(route.request().url()).pathname.split('/').pop()!;
    const body = folder()[file];
    if (!body) return route.fulfill({ status: 404, body: 'not found' });
    served.set(file, (served.get(file) ?? 0) + 1);
    return route.fulfill({
      status: 200,
      contentType: file.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      body,
    });
  });
  return served;
}

const files = (base: string, binFrom = base) =>
  Object.fromEntries(
    names.map((n) => [n, readFileSync(join(fixtures, n === 'pytorch_model.bin' ? binFrom : base, n))]),
  );

test('a link names the checkpoint with its content hash, and says so when the URL now serves something else', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  let folder = files('pt-spiece');
  const first = await browser.newContext();
  await serve(first, 'h', () => folder);
  const page = await first.newPage();
  await page.goto('/');
  const url = new URL('/ckpt/h/', page.url()).href;
  const spec = validSpec({
    version: 1,
    model: { checkpoint: url },
    init: 'pretrained',
    seed: 0,
    tasks: [{ task: 'copy', steps: 2, trainSize: 16, testSize: 4 }],
    strategies: [{ name: 'seqft' }],
    training: {
      lr: 1e-2,
      warmupSteps: 0,
      weightDecay: 0,
      batchSize: 4,
      clipNorm: 1,
      maxInputLen: 16,
      maxOutputLen: 8,
      evalEvery: 0,
    },
  });
  await page.goto(`/#${specFragment(spec)}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });

  // Before any run the files are not in this browser: the link names the URL only, and says so.
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('share-notices')).toContainText('by URL only');
  expect(await page.getByTestId('share-link').inputValue()).not.toContain('sha256');

  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 180_000 });
  const sha256 = await folderHash(Object.entries(folder).map(([n, b]) => [n, new Uint8Array(b)]));
  await expect(page.getByTestId('run-warnings')).toContainText(`content hash ${sha256.slice(0, 12)}`);
  await page.getByTestId('copy-link').click();
  // The copy hashes the cached files first: wait for the new link rather than read the box before it changes.
  const hashed = specFragment(validSpec({ ...spec, model: { checkpoint: url, sha256 } }));
  await expect.poll(() => page.getByTestId('share-link').inputValue()).toContain(hashed);
  const link = await page.getByTestId('share-link').inputValue();
  await first.close();

  // Elsewhere (a fresh browser profile), the same files: the link opens, names the hash, and the run has no warning.
  const same = await browser.newContext();
  await serve(same, 'h', () => folder);
  const p2 = await same.newPage();
  await p2.goto(link);
  await expect(p2.getByTestId('checkpoint-url')).toContainText(`content hash ${sha256.slice(0, 12)}`);
  await p2.getByTestId('run-button').click();
  await expect(p2.getByTestId('run-result')).toContainText('Finished', { timeout: 180_000 });
  await expect(p2.getByTestId('run-warnings')).not.toContainText('serves something else');
  await same.close();

  // The URL now serves other weights (the same model saved in float16): the run says so, naming both hashes.
  folder = files('pt-spiece', 'pt-f16');
  const now = await folderHash(Object.entries(folder).map(([n, b]) => [n, new Uint8Array(b)]));
  expect(now).not.toBe(sha256);
  const other = await browser.newContext();
  await serve(other, 'h', () => folder);
  const p3 = await other.newPage();
  await p3.goto(link);
  await p3.getByTestId('run-button').click();
  await expect(p3.getByTestId('run-result')).toContainText('Finished', { timeout: 180_000 });
  const warning = p3.getByTestId('run-warnings');
  await expect(warning).toContainText(`The checkpoint at ${url} is not the one this experiment was shared with`);
  await expect(warning).toContainText(
    `${sha256.slice(0, 12)}…, and the files read now hash to ${now.slice(0, 12)}…. The URL now serves something else`,
  );
  await other.close();
});

test('a checkpoint loaded by URL in the Import panel is cached: the second load downloads nothing; listed and deletable', async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  const served = await serve(context, 'imp', () => files('pt-spiece'));
  await page.goto('/');
  const url = new URL('/ckpt/imp/', page.url()).href;
  const load = async () => {
    await page.getByTestId('import-menu').click();
    await page.getByTestId('import-url').fill(url);
    await page.getByTestId('import-load').click();
  };
  await load();
  const notices = page.getByTestId('share-notices');
  await expect(notices).toContainText(`Read checkpoint "${url}"`);
  await expect(notices).toContainText('Downloaded and kept in this browser');
  expect(Object.fromEntries(served)).toEqual({ 'config.json': 1, 'pytorch_model.bin': 1, 'spiece.model': 1 });
  const cached = page.getByTestId('cached-models');
  await expect(cached).toContainText(url);
  await expect(cached).toContainText('config.json, pytorch_model.bin, spiece.model');

  await page.reload();
  await load();
  await expect(notices).toContainText("Loaded from this browser's cache, no download.");
  expect(Object.fromEntries(served)).toEqual({ 'config.json': 1, 'pytorch_model.bin': 1, 'spiece.model': 1 });
  await cached.getByRole('button', { name: 'Delete' }).click();
  await expect(cached).toHaveCount(0);
});
