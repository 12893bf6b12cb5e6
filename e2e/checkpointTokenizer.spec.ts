// A real-format checkpoint picked in the page (pytorch_model.bin written by torch.save, with its spiece.model) runs
// with its own tokenizer: the page says so, counts the caps' cuts with it, trains, and the results document names it;
// the matrix shows each column's best constant answer. A pickle naming os.system is refused and the page keeps working.
import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Download } from '@playwright/test';
import { loadHfModelFromFiles } from '../src/engine/io/loadHfModel';
import { savedRuns } from './helpers/savedRuns';
import { snap, validSpec } from './helpers/page';
import { specFragment } from '../src/engine/share/shareLink';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'checkpoints');
const filesOf = (folder: string, names: string[]) =>
  names.map((name) => ({
    name,
    mimeType: 'application/octet-stream',
    buffer: readFileSync(join(fixtures, folder, name)),
  }));

// 60 distinct sentences in the fixture tokenizer's words, with a one-word answer.
const words = [
  'the movie was good',
  'a great story',
  'i loved this film',
  'the film was bad',
  'boring and slow',
  'the worst movie',
];
const tails = ['the', 'a', 'cast', 'story', 'plot', 'ending', 'script', 'film', 'actors', 'year'];
const records = Array.from({ length: 60 }, (_, i) => ({
  input: `${words[i % 6]} with ${tails[Math.floor(i / 6)]} answer`,
  output: i % 6 < 3 ? 'good' : 'bad',
}));
const tokenizer = loadHfModelFromFiles(
  Object.fromEntries(
    filesOf('pt-spiece', ['config.json', 'pytorch_model.bin', 'spiece.model']).map((f) => [
      f.name,
      new Uint8Array(f.buffer),
    ]),
  ),
).tokenizer!.tokenizer;
/** The share of the dataset's inputs (all of them are in the task) over `cap` tokens, as the page rounds it. */
const cutAt = (cap: number) =>
  `${Math.round((100 * records.filter((r) => tokenizer.encode(r.input).length > cap).length) / records.length)}%`;

test('a torch.save checkpoint with its spiece.model trains with its own tokenizer', async ({ page }, info) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });

  // A pickle that would run os.system: refused by name, nothing else changes.
  await page.getByTestId('import-menu').click();
  await page.getByTestId('import-files').setInputFiles(filesOf('evil-os-system', ['config.json', 'pytorch_model.bin']));
  await expect(page.getByTestId('share-notices')).toContainText(
    'the pickle names the global "posix.system", which is not a tensor rebuilder',
  );
  await expect(page.getByTestId('imported-checkpoints')).toHaveCount(0);

  await page.getByTestId('import-menu').click();
  await page
    .getByTestId('import-files')
    .setInputFiles(filesOf('pt-spiece', ['config.json', 'pytorch_model.bin', 'spiece.model']));
  await expect(page.getByTestId('share-notices')).toContainText('with its tokenizer (spiece.model, 164 ids)');
  await page.getByTestId('import-menu').click();
  await page
    .getByTestId('import-files')
    .setInputFiles({ name: 'senti.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(records)) });
  await page.getByTestId('import-confirm').click();
  await expect(page.getByTestId('share-notices')).toContainText('Read dataset "senti"');

  await page.getByTestId('imported-checkpoints').getByRole('button', { name: 'Use as the model' }).click();
  await expect(page.getByTestId('checkpoint-in-use')).toContainText('with its own tokenizer (spiece.model)');
  await page.getByLabel('Add an imported dataset').selectOption('senti');
  await page.getByTestId('add-dataset').click();
  const items = page.getByTestId('queue-item');
  while ((await items.count()) > 1)
    await items
      .first()
      .getByRole('button', { name: /^Remove/ })
      .click();
  await page.getByTestId('task-steps-0').fill('150');
  await page.getByTestId('task-steps-0').blur();
  await page.getByTestId('lr').fill('0.01');
  await page.getByTestId('lr').blur();
  await page.getByTestId('strategy-seqft').getByRole('checkbox').check();
  for (const box of await page.locator('[data-testid^="strategy-"] input[type="checkbox"]').all()) {
    const name = await box.locator('xpath=ancestor::li[1]').getAttribute('data-testid');
    if (name !== 'strategy-seqft') await box.uncheck();
  }
  // The caps are counted with the checkpoint's tokenizer (in bytes every input is over 14).
  const caps = page.getByTestId('sequence-caps');
  await expect(caps).toContainText("checkpoint's own (spiece.model)");
  expect(cutAt(14)).not.toBe('100%');
  expect(cutAt(14)).not.toBe('0%');
  await page.getByTestId('max-input-len').fill('14');
  await page.getByTestId('max-input-len').blur();
  await expect(items.first().getByTestId('cut-share')).toContainText(`caps cut ${cutAt(14)} of inputs`);
  await page.getByTestId('max-input-len').fill('32');
  await page.getByTestId('max-input-len').blur();
  await expect(items.first().getByTestId('cut-share')).toContainText('caps cut 0% of inputs');
  await snap(page, info, 'checkpoint-queue-1280', { fullPage: true });

  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 240_000 });
  const majority = page.getByTestId('majority-row');
  await expect(majority).toContainText('best constant answer');
  // The model's outputs are decoded with the spiece.model: its answer words.
  const outputs = await page.getByTestId('samples').locator('tbody tr td:last-child code').allTextContents();
  expect(outputs.length).toBeGreaterThan(0);
  for (const o of outputs) expect(['good', 'bad']).toContain(o);
  await expect.poll(async () => (await savedRuns(page))[0]?.status).toBe('done');
  const [saved] = await savedRuns(page);
  expect(saved.results?.model?.tokenizer).toEqual({
    kind: 'spiece.model',
    vocabSize: 164,
    source: 'pytorch_model.bin',
  });
  await expect(majority.locator('td')).toHaveText([saved.results!.tasks[0].majorityScore!.toFixed(1)]);
  // The trained model exports with its tokenizer, as a folder that loads back with the same tokens.
  const got: Download[] = [];
  page.on('download', (d) => got.push(d));
  await page.getByTestId('export-menu').click();
  await page
    .getByRole('menuitem', { name: 'seqft: model folder, zip (model.safetensors + config.json + tokenizer.json)' })
    .click();
  await expect.poll(() => got.length).toBe(1);
  // One zip of one folder, named for the experiment, strategy and task; the folder holds the three files.
  const zip = unzipSync(new Uint8Array(readFileSync(await got[0].path())));
  const folder = got[0].suggestedFilename().replace(/\.zip$/, '');
  expect(folder).toMatch(/_seqft_after-task-1$/);
  const exported: Record<string, Uint8Array> = {};
  for (const [path, bytes] of Object.entries(zip)) exported[path.slice(folder.length + 1)] = bytes;
  expect(Object.keys(exported).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
  const back = loadHfModelFromFiles(exported);
  expect(back.tokenizer!.kind).toBe('tokenizer.json');
  for (const r of records.slice(0, 6))
    expect(back.tokenizer!.tokenizer.encode(r.input)).toEqual(tokenizer.encode(r.input));
  await page.keyboard.press('Escape');
  await snap(page, info, 'checkpoint-run-1280', { fullPage: true });
  await page.setViewportSize({ width: 390, height: 900 });
  await snap(page, info, 'checkpoint-run-390', { fullPage: true });
});

test('a link naming a checkpoint URL downloads it once, then runs it from the cache; the Hub models list', async ({
  page,
  context,
}, info) => {
  test.setTimeout(240_000);
  // The checkpoint folder served beside the page (a stand-in for a Hub "resolve/main/" folder).
  const served = new Map<string, number>();
  await context.route('**/ckpt/pt/*', (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop()!;
    if (!['config.json', 'pytorch_model.bin', 'spiece.model'].includes(name))
      return route.fulfill({ status: 404, body: 'not found' });
    served.set(name, (served.get(name) ?? 0) + 1);
    return route.fulfill({
      status: 200,
      contentType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
      body: readFileSync(join(fixtures, 'pt-spiece', name)),
    });
  });
  await page.goto('/');
  const url = new URL('/ckpt/pt/', page.url()).href;
  const spec = validSpec({
    version: 1,
    model: { checkpoint: url },
    init: 'pretrained',
    seed: 0,
    tasks: [{ task: 'copy', steps: 3, trainSize: 20, testSize: 4 }],
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
  const run = async () => {
    await page.goto(`/#${specFragment(spec)}`);
    await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 60_000 });
    await expect(page.getByTestId('checkpoint-url')).toContainText(url);
    await page.getByTestId('run-button').click();
    await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 180_000 });
  };
  await run();
  expect(Object.fromEntries(served)).toEqual({ 'config.json': 1, 'pytorch_model.bin': 1, 'spiece.model': 1 });
  await expect(page.getByTestId('run-warnings')).toContainText(
    `Checkpoint ${url}: pytorch, 0.01 M parameters, downloaded`,
  );
  await expect.poll(async () => (await savedRuns(page))[0]?.status).toBe('done');
  expect((await savedRuns(page))[0].results?.model?.tokenizer).toEqual({
    kind: 'spiece.model',
    vocabSize: 164,
    source: url,
  });

  // Reloaded, the same link runs from Cache Storage: nothing is downloaded again.
  await run();
  expect(Object.fromEntries(served)).toEqual({ 'config.json': 1, 'pytorch_model.bin': 1, 'spiece.model': 1 });
  await expect(page.getByTestId('run-warnings')).toContainText("from this browser's cache, no download");
  const cached = page.getByTestId('cached-models');
  await expect(cached).toContainText(url);
  await expect(cached).toContainText('config.json, pytorch_model.bin, spiece.model');
  await snap(page, info, 'cached-models-1280', { fullPage: true });
  await cached.getByRole('button', { name: 'Delete' }).click();
  await expect(cached).toHaveCount(0);

  // The Hub models: parameters, download, memory; one click makes one the model, and one too large is refused.
  const rows = page.getByTestId('hub-model');
  await expect(rows).toHaveCount(4);
  await expect(rows.first()).toContainText('google/t5-efficient-tiny');
  await rows.first().getByRole('button', { name: 'Use' }).click();
  await expect(rows.first()).toContainText("the run's model");
  await page.getByTestId('batch').fill('1024');
  await page.getByTestId('batch').blur();
  await page.getByTestId('max-input-len').fill('4096');
  await page.getByTestId('max-input-len').blur();
  await expect(rows.last().getByTestId('cannot-train')).toContainText('cannot train here: needs about');
  await expect(page.getByTestId('run-button')).toBeDisabled();
  await snap(page, info, 'hub-models-refused-1280', { fullPage: true });
});
