// The real-model demo for users online, end to end on a stand-in: its checkpoint URL pointed at a tiny torch.save T5
// with its spiece.model on a local route, its three Long Sequence datasets fetched by URL from another; LoRA and
// KIF-LoRA train in the page with the checkpoint's own tokenizer, and each column has its best constant answer.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { getDemo } from '../src/engine/experiment/demos';
import { savedRuns } from './helpers/savedRuns';
import { snap } from './helpers/page';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ckpt = join(root, 'test', 'fixtures', 'checkpoints', 'pt-spiece');
const data = process.env.KIF_SHARED_DIR
  ? join(process.env.KIF_SHARED_DIR, 'data', 'long-sequence')
  : join(root, '..', 'shared', 'data', 'long-sequence');

test('flan-t5-lora on a locally served checkpoint and data fetched by URL: LoRA and KIF-LoRA run with its tokenizer', async ({
  page,
  context,
}, info) => {
  test.skip(!existsSync(data), `no Long Sequence data at ${data}`);
  test.setTimeout(600_000);
  const served = new Map<string, number>();
  const serveFrom = (dir: string, names: string[]) => (route: Parameters<Parameters<typeof context.route>[1]>[0]) => {
    const name = new URL(route.request().url()).pathname.split('/').pop()!;
    if (!names.includes(name)) return route.fulfill({ status: 404, body: 'not found' });
    served.set(name, (served.get(name) ?? 0) + 1);
    return route.fulfill({
      status: 200,
      contentType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      body: readFileSync(join(dir, name)),
    });
  };
  const demo = getDemo('flan-t5-lora');
  await context.route('**/mirror/flan/*', serveFrom(ckpt, ['config.json', 'pytorch_model.bin', 'spiece.model']));
  await context.route(
    '**/lsdata/*',
    serveFrom(
      data,
      demo.datasets!.flatMap((id) => [`${id}.train.json`, `${id}.test.json`]),
    ),
  );
  await page.goto('/');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });

  await page.getByTestId('real-demos').locator('summary').click();
  const row = page.getByTestId('real-demo-flan-t5-lora');
  await expect(row.getByTestId('real-demo-model')).toHaveValue(
    'https://huggingface.co/google/flan-t5-small/resolve/main/',
  );
  await expect(row.getByTestId('real-demo-open')).toBeDisabled();
  // A folder without the files: a message, nothing added.
  await row.getByTestId('real-demo-data').fill(new URL('/nothing-here/', page.url()).href);
  await row.getByTestId('real-demo-fetch').click();
  await expect(row.getByTestId('real-demo-status')).toContainText('Could not fetch the data');
  await expect(row.getByTestId('real-demo-datasets')).toContainText('sst-2 (missing)');

  const mirror = new URL('/mirror/flan/', page.url()).href;
  await row.getByTestId('real-demo-model').fill(mirror);
  await row.getByTestId('real-demo-data').fill(new URL('/lsdata/', page.url()).href);
  await row.getByTestId('real-demo-fetch').click();
  await expect(row.getByTestId('real-demo-status')).toContainText('Fetched sst-2, agnews, dbpedia.');
  await expect(row.getByTestId('real-demo-datasets')).toHaveText('Data: sst-2 ✓, agnews ✓, dbpedia ✓');
  await row.getByTestId('real-demo-open').click();
  await expect(page.getByTestId('checkpoint-url')).toContainText(mirror);
  await snap(page, info, 'real-model-demo-1280', { fullPage: true });

  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 540_000 });
  expect(Object.fromEntries(served)).toMatchObject({
    'config.json': 1,
    'pytorch_model.bin': 1,
    'spiece.model': 1,
    'sst-2.train.json': 1,
    'dbpedia.test.json': 1,
  });
  await expect.poll(async () => (await savedRuns(page))[0]?.status).toBe('done');
  const results = (await savedRuns(page))[0].results!;
  expect(results.strategies.map((s) => s.name)).toEqual(['seqlora', 'kif-lora']);
  expect(results.model?.tokenizer).toEqual({ kind: 'spiece.model', vocabSize: 164, source: mirror });
  expect(results.tasks.map((t) => t.name)).toEqual(['sst-2', 'agnews', 'dbpedia']);
  for (const t of results.tasks) expect(t.majorityScore).toBeGreaterThan(0);
  await expect(page.getByTestId('majority-row').first().locator('td')).toHaveText(
    results.tasks.map((t) => t.majorityScore!.toFixed(1)),
  );
  await snap(page, info, 'real-model-demo-run-1280', { fullPage: true });
});
