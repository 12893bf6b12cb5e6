// Bringing one's own benchmark in Chromium: a parquet file served from 127.0.0.1 imported with column choice, a label
// map and a three-example preview; the same through a Hub datasets server by name and split; a SuperNI task with 6
// empty outputs previewed with its bad records, refused, then imported with them skipped; and bad input (a truncated
// parquet file, a Hub name that does not exist) as messages with the imported datasets kept.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { parquetFile, superNiTask } from '../test/helpers/datasetFixtures';
import { snap } from './helpers/page';

const sentences = Array.from({ length: 40 }, (_, i) => `the film number ${i} was ${i % 4 === 0 ? 'dull' : 'fine'}`);
const labels = sentences.map((_, i) => (i % 4 === 0 ? 0 : 1));
const reviews = parquetFile([
  { name: 'idx', data: sentences.map((_, i) => i), type: 'INT32' },
  { name: 'title', data: sentences.map((_, i) => `title ${i}`), type: 'STRING' },
  { name: 'sentence', data: sentences, type: 'STRING' },
  { name: 'label', data: labels, type: 'INT32' },
]);

let server: Server;
let base = '';

test.beforeAll(async () => {
  server = createServer((req, res) => {
    // The page is cross-origin isolated: a cross-origin fetch needs CORS.
    res.setHeader('access-control-allow-origin', '*');
    const url = new URL(req.url ?? '/', base);
    if (url.pathname === '/reviews.parquet') {
      res.setHeader('content-type', 'application/octet-stream');
      return res.end(Buffer.from(reviews));
    }
    if (url.pathname === '/cut.parquet') {
      res.setHeader('content-type', 'application/octet-stream');
      return res.end(Buffer.from(reviews.slice(0, reviews.length - 30)));
    }
    if (url.pathname === '/parquet') {
      res.setHeader('content-type', 'application/json');
      if (url.searchParams.get('dataset') !== 'someone/reviews') {
        res.statusCode = 404;
        return res.end(
          JSON.stringify({ error: 'The dataset does not exist, or is not accessible without authentication.' }),
        );
      }
      return res.end(
        JSON.stringify({
          parquet_files: [
            {
              dataset: 'someone/reviews',
              config: 'default',
              split: 'train',
              url: `${base}/reviews.parquet`,
              filename: '0000.parquet',
              size: reviews.length,
            },
          ],
        }),
      );
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

async function load(page: Page, kind: 'dataset' | 'hub', what: string, split?: string) {
  if (!(await page.getByTestId('import-url').isVisible())) await page.getByTestId('import-menu').click();
  await page.getByLabel('What the URL holds').selectOption(kind);
  await page.getByTestId('import-url').fill(what);
  if (kind === 'hub') {
    await page.getByTestId('hub-split').fill(split ?? 'train');
    await page.getByTestId('hub-server').fill(base);
  }
  await page.getByTestId('import-load').click();
}

test('a parquet file served locally: column choice, label map, three examples previewed, then the dataset card', async ({
  page,
}, info) => {
  await page.goto('/');
  await load(page, 'dataset', `${base}/reviews.parquet`);
  const preview = page.getByTestId('import-preview');
  await expect(preview).toBeVisible();
  // Guessed: "sentence" (a known input name) and "label"; the ids are text until a label map names them.
  await expect(page.getByTestId('import-input-column')).toHaveValue('sentence');
  await expect(page.getByTestId('import-output-column')).toHaveValue('label');
  const examples = page.getByTestId('import-preview-examples').locator('li');
  await expect(examples).toHaveCount(3);
  await expect(examples.first()).toHaveText('the film number 0 was dull → 0');
  await page.getByTestId('import-input-column').selectOption('title');
  await expect(examples.nth(1)).toHaveText('title 1 → 1');
  await page.getByTestId('import-input-column').selectOption('sentence');
  await page.getByTestId('import-label-map').fill('negative, positive');
  await expect(examples.nth(0)).toHaveText('the film number 0 was dull → negative');
  await expect(examples.nth(1)).toHaveText('the film number 1 was fine → positive');
  await expect(page.getByTestId('import-preview-summary')).toHaveText('40 records: 40 usable.');
  await expect(page.getByTestId('import-preview-card').getByTestId('card-labels')).toHaveText(
    '2 distinct: positive 75.0%, negative 25.0%',
  );
  await snap(page, info, 'import-preview-parquet-1280');
  await page.setViewportSize({ width: 390, height: 900 });
  await snap(page, info, 'import-preview-parquet-390');
  await page.setViewportSize({ width: 1280, height: 900 });
  // A class id missing from the map is a bad record, named.
  await page.getByTestId('import-label-map').fill('1: positive');
  await expect(page.getByTestId('import-preview-summary')).toHaveText(
    '40 records: 30 usable, 10 cannot be used (10 malformed) and will be skipped.',
  );
  await expect(page.getByTestId('import-bad-records').locator('li').first()).toHaveText(
    'row 0: class 0 of "label" is not in the label map',
  );
  await page.getByTestId('import-label-map').fill('negative, positive');
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('share-notices')).toContainText(
    'Read dataset "reviews": 40 examples (32 train, 8 test)',
  );
  await expect(preview).toHaveCount(0);
  const card = page.getByTestId('dataset-card');
  await page.getByText('Dataset card of “reviews”').click();
  await expect(card.getByTestId('card-records')).toHaveText('40 used of 40, none skipped');
  await expect(card).toContainText(`${base}/reviews.parquet`);
  await expect(card.getByTestId('card-constant')).toContainText('“positive” scores');
  await expect(card.getByTestId('card-truncated')).toContainText('inputs over');
});

test('a Hub dataset by name and split; a name that does not exist and a truncated file are clear messages', async ({
  page,
}) => {
  await page.goto('/');
  await load(page, 'hub', 'nobody/nothing');
  await expect(page.getByTestId('share-notices')).toContainText(
    `Hub dataset "nobody/nothing" was not found or is not public: HTTP 404 from ${base}/parquet?dataset=nobody%2Fnothing (the server says: The dataset does not exist, or is not accessible without authentication.)`,
  );
  await load(page, 'hub', 'someone/reviews', 'train');
  await expect(page.getByTestId('import-preview')).toContainText(
    'Hugging Face Hub: someone/reviews, config default, split train',
  );
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('share-notices')).toContainText('Read dataset "reviews-train": 40 examples');
  await load(page, 'dataset', `${base}/cut.parquet`);
  await expect(page.getByTestId('share-notices')).toContainText(
    'dataset cut.parquet: cut.parquet is not a complete parquet file',
  );
  // What was imported before is still there.
  await expect(page.getByLabel('Add an imported dataset').locator('option')).toHaveText([/^reviews-train/]);
});

test('a SuperNI task with 6 empty outputs: previewed with its bad records, refused, then imported with them skipped', async ({
  page,
}, info) => {
  await page.goto('/');
  const file = {
    name: 'task511.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(superNiTask())),
  };
  await page.getByTestId('import-menu').click();
  await page.getByTestId('import-files').setInputFiles(file);
  await expect(page.getByTestId('import-preview-summary')).toHaveText(
    '1000 records: 994 usable, 6 cannot be used (6 with an empty field) and will be skipped.',
  );
  await expect(page.getByTestId('import-bad-records').locator('li')).toHaveText([
    'Instances[50] (id "task511-50"): "output" is empty',
    'Instances[123] (id "task511-123"): "output" is empty',
    'Instances[400] (id "task511-400"): "output" is empty',
    'Instances[401] (id "task511-401"): "output" is empty',
    'Instances[777] (id "task511-777"): "output" is empty',
    '… and 1 more',
  ]);
  await expect(page.getByTestId('import-preview-examples').locator('li').first()).toContainText(
    'Definition: Given a Reddit post, write a one-line summary.',
  );
  await expect(page.getByTestId('import-preview-examples').locator('li').first()).toContainText('(or “tl;dr 0”)');
  await page.getByTestId('import-few-shot').fill('1');
  await expect(page.getByTestId('import-preview-examples').locator('li').first()).toContainText('Positive Example 1 -');
  await snap(page, info, 'import-preview-superni');
  await page.getByTestId('import-refuse').click();
  await expect(page.getByTestId('share-notices')).toContainText(
    '6 of 1000 records cannot be used (6 with an empty field): Instances[50] (id "task511-50"): "output" is empty;',
  );
  await expect(page.getByTestId('import-preview')).toHaveCount(0);
  await page.getByTestId('import-menu').click();
  await page.getByTestId('import-files').setInputFiles(file);
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('share-notices')).toContainText('Read dataset "task511": 994 examples');
  await page.getByText('Dataset card of “task511”').click();
  await expect(page.getByTestId('dataset-card').getByTestId('card-records')).toHaveText(
    '994 used of 1000, 6 skipped (6 with an empty field)',
  );
});

test('a CSV with its own column names: fields guessed and chosen in the preview', async ({ page }) => {
  await page.goto('/');
  const csv = [
    'id,headline,topic,note',
    ...Array.from({ length: 30 }, (_, i) => `${i},"story ${i}, told",${i % 2 ? 'Sports' : 'World'},x`),
    '31,"",World,x',
  ].join('\n');
  await page.getByTestId('import-menu').click();
  await page
    .getByTestId('import-files')
    .setInputFiles({ name: 'news.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.getByTestId('import-input-column')).toHaveValue('headline');
  await expect(page.getByTestId('import-output-column')).toHaveValue('topic');
  await expect(page.getByTestId('import-preview-examples').locator('li').first()).toHaveText('story 0, told → World');
  await expect(page.getByTestId('import-preview-summary')).toHaveText(
    '31 records: 30 usable, 1 cannot be used (1 with an empty field) and will be skipped.',
  );
  await expect(page.getByTestId('import-bad-records')).toHaveText('line 32: "headline" is empty');
  await page.getByTestId('import-output-column').selectOption('note');
  await expect(page.getByTestId('import-preview-examples').locator('li').first()).toHaveText('story 0, told → x');
  await page.getByTestId('import-output-column').selectOption('topic');
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('share-notices')).toContainText('Read dataset "news": 30 examples (24 train, 6 test)');
});
