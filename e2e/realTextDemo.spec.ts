// The real-text demo in the page: its data fetched by URL, its base (public/models/text-nano) loaded from the site
// itself with its own SentencePiece tokenizer; the run starts training on it (stopped early: the whole demo is a CLI
// measurement, see the model card).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { getDemo } from '../src/engine/experiment/demos';
import { snap } from './helpers/page';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = process.env.KIF_SHARED_DIR
  ? join(process.env.KIF_SHARED_DIR, 'data', 'long-sequence')
  : join(root, '..', 'shared', 'data', 'long-sequence');

test('the real-text demo opens with the shipped text-nano base and its tokenizer, and trains', async ({
  page,
  context,
}, info) => {
  test.skip(!existsSync(data), `no Long Sequence data at ${data}`);
  test.setTimeout(300_000);
  const names = getDemo('real-text').datasets!.flatMap((id) => [`${id}.train.json`, `${id}.test.json`]);
  await context.route('**/lsdata/*', (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop()!;
    if (!names.includes(name)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({ status: 200, contentType: 'application/json', body: readFileSync(join(data, name)) });
  });
  await page.goto('/');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('real-demos').locator('summary').click();
  const row = page.getByTestId('real-demo-real-text');
  const base = new URL('/models/text-nano/', page.url()).href;
  await expect(row.getByTestId('real-demo-model')).toHaveValue(base);
  await row.getByTestId('real-demo-data').fill(new URL('/lsdata/', page.url()).href);
  await row.getByTestId('real-demo-fetch').click();
  await expect(row.getByTestId('real-demo-datasets')).toHaveText('Data: sst-2 ✓, agnews ✓, dbpedia ✓');
  await row.getByTestId('real-demo-open').click();
  await expect(page.getByTestId('checkpoint-url')).toContainText(base);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-warnings')).toContainText(`Checkpoint ${base}: safetensors, 0.49 M parameters`, {
    timeout: 120_000,
  });
  await expect(page.getByTestId('majority-row').first()).toBeVisible({ timeout: 180_000 }); // the untrained row is evaluated
  await snap(page, info, 'real-text-demo-1280', { fullPage: true });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByTestId('run-result')).toContainText('Stopped', { timeout: 120_000 });
});
