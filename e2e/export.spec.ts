// Files out and back in, in Chromium: after a short run every item of the Export menu downloads and holds what the page
// shows (results JSON, CSV tables, PNG figures, each strategy's model as model.safetensors + config.json); the results
// file and the checkpoint import into a fresh page, which shows the same numbers and evaluates the checkpoint exactly
// as the original scored its model; "Copy link with results" opens the results at once in a new page; results too large
// for a link get a message saying why and a button that saves the results file instead.
import { expect, test, type Download, type Page } from '@playwright/test';
import { readFile, writeFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import { parseResults, RESULTS_FORMAT, RESULTS_VERSION, type ResultsDocument } from '../src/engine/experiment/results';
import { unitTableFromNames } from '../src/engine/kif/unitNames';
import { RESULTS_LINK_BUDGET, restoreFromFragment, specFragment } from '../src/engine/share/shareLink';
import type { ExperimentSpec } from '../src/engine/spec/experiment';
import { parseCsv } from '../test/helpers/parseCsv';
import { snap, twoTaskSpec } from './helpers/page';

/** Two tiny tasks, plain fine-tuning and KIF (so there are importance heatmaps and a fusion map), nano from scratch. */
function exportSpec(): ExperimentSpec {
  return twoTaskSpec({
    name: 'Export test',
    seed: 23,
    steps: [20, 20],
    testSize: 20,
    strategies: [{ name: 'seqft' }, { name: 'kif-hard' }],
  });
}

interface File {
  name: string;
  bytes: Buffer;
}

const fileOf = async (d: Download): Promise<File> => ({
  name: d.suggestedFilename(),
  bytes: await readFile((await d.path())!),
});

/** The file(s) a click downloads. */
async function downloads(page: Page, click: () => Promise<void>, count = 1): Promise<File[]> {
  const got: Download[] = [];
  const on = (d: Download) => got.push(d);
  page.on('download', on);
  try {
    await click();
    await expect.poll(() => got.length).toBe(count);
  } finally {
    page.off('download', on);
  }
  return Promise.all(got.map(fileOf));
}

/** Every accuracy matrix on the page as its caption and cell texts. */
const matrices = (page: Page) =>
  page.getByTestId('accuracy-matrix').evaluateAll((tables) =>
    tables.map((t) => ({
      label: t.querySelector('caption')?.textContent,
      rows: [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    })),
  );
/** The metrics table as label → the five metric cells, stars removed. */
const metricsTable = (page: Page) =>
  page
    .getByTestId('metrics-row')
    .evaluateAll((rows) =>
      rows.map((r) => [
        r.querySelector('th')?.textContent,
        ...[...r.querySelectorAll('td')].map((td) => td.textContent?.replace('★', '').trim()),
      ]),
    );
/** The cells of a unit heatmap: unit → the value it shows. */
const heatmap = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .getByTestId('heatmap-cell')
    .evaluateAll((cells) =>
      Object.fromEntries(cells.map((c) => [c.getAttribute('data-unit'), c.getAttribute('data-value')])),
    );

/** Width, height and number of distinct colours of a PNG, decoded by the browser. */
const decodePng = (page: Page, png: Buffer) =>
  page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const px = ctx.getImageData(0, 0, bmp.width, bmp.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < px.length; i += 4) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    return { width: bmp.width, height: bmp.height, colours: colours.size, list: [...colours].slice(0, 100_000) };
  }, png.toString('base64'));

const rgbOf = (css: string) => {
  const [r, g, b] = css.match(/\d+/g)!.map(Number);
  return (r << 16) | (g << 8) | b;
};

/** The largest channel difference between a colour and the closest colour of a picture. */
const nearest = (list: number[], rgb: number) =>
  list.reduce(
    (best, c) => Math.min(best, Math.max(...[16, 8, 0].map((sh) => Math.abs(((c >> sh) & 255) - ((rgb >> sh) & 255))))),
    255,
  );

/** The tensors of a safetensors file: 8-byte header length, JSON header, data. */
function readSafetensors(
  bytes: Buffer,
): Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  delete header.__metadata__;
  return header;
}

const menuItem = (page: Page, name: string | RegExp) => page.getByRole('menuitem', { name });
const openMenu = async (page: Page, testId: 'export-menu' | 'import-menu') => {
  const menu = page.getByTestId(testId).locator('xpath=..');
  if ((await menu.getAttribute('open')) === null) await page.getByTestId(testId).click();
};

async function importFiles(page: Page, files: File[]): Promise<void> {
  await openMenu(page, 'import-menu');
  await page
    .getByTestId('import-files')
    .setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: f.bytes })));
}

test('every export downloads what the page shows; results file, checkpoint and results link reopen it elsewhere', async ({
  page,
  context,
}, info) => {
  test.setTimeout(900_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(`/#${specFragment(exportSpec())}`);
  await expect(page.getByTestId('backend-name')).toHaveText('wasm', { timeout: 120_000 });
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-result')).toContainText('Finished', { timeout: 600_000 });
  await expect(page.getByTestId('fusion-map').getByTestId('heatmap-cell').first()).toBeVisible();
  const shownMatrices = await matrices(page);
  const shownMetrics = await metricsTable(page);
  const shownFusion = await heatmap(page, 'fusion-map');
  // Raw unit means travel in the link: compare those (the default view normalises within module kinds).
  await page.getByTestId('importance-view').selectOption('raw');
  const shownImportance = await heatmap(page, 'importance-heatmap');
  expect(shownMatrices.map((m) => m.label)).toEqual(['seqft', 'kif-hard']);
  expect(Object.keys(shownFusion).length).toBeGreaterThan(10);

  await openMenu(page, 'export-menu');
  await snap(page, info, 'export-menu-after-run');

  // Results JSON: valid by the app's own rules, and the numbers of the page.
  const [resultsFile] = await downloads(page, () => menuItem(page, 'Results document (JSON)').click());
  expect(resultsFile.name).toBe('export-test-results.json');
  const parsed = parseResults(JSON.parse(resultsFile.bytes.toString('utf8')));
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  const doc: ResultsDocument = parsed.results;
  expect(doc.strategies.map((s) => s.matrix.map((row) => row.map((x) => x.toFixed(1))))).toEqual(
    shownMatrices.map((m) => m.rows),
  );
  const kif = doc.strategies[1];
  expect(kif.fusions).toHaveLength(1);
  expect(kif.importance?.tasks).toHaveLength(2);

  // CSV tables: a header, one row per strategy (and task, unit), the numbers of the results document and the page.
  const csv = async (item: string) => {
    const [f] = await downloads(page, () => menuItem(page, item).click());
    return { name: f.name, rows: parseCsv(f.bytes.toString('utf8')) };
  };
  const accuracy = await csv('Accuracy matrices (CSV)');
  expect(accuracy.name).toBe('export-test-accuracy.csv');
  expect(accuracy.rows[0]).toEqual(['strategy', 'row', 'after_task', 'task', 'score_percent']);
  expect(accuracy.rows).toHaveLength(1 + 2 * 3 * 2);
  for (const [label, row, , task, score] of accuracy.rows.slice(1)) {
    const m = shownMatrices.find((x) => x.label === label)!;
    expect(Number(score).toFixed(1)).toBe(m.rows[Number(row)][task === 'length' ? 0 : 1]);
  }
  const metrics = await csv('Metrics: AP, BWT, FWT, forgetting (CSV)');
  expect(metrics.rows[0]).toEqual([
    'strategy',
    'tasks_trained',
    'ap',
    'bwt',
    'fwt',
    'fwt_zero_shot',
    'forgetting',
    'error',
  ]);
  expect(
    metrics.rows
      .slice(1)
      .map(([label, tasks, ...m]) => [label, tasks, ...m.slice(0, 5).map((x) => Number(x).toFixed(1))]),
  ).toEqual(shownMetrics.map(([label, ...m]) => [label, '2', ...m]));
  const importance = await csv('Importance per task and unit (CSV)');
  expect(importance.rows[0]).toEqual(['strategy', 'task_index', 'task', 'unit', 'score', 'accumulated']);
  const importanceRows = importance.rows.slice(1);
  expect(importanceRows).toHaveLength(kif.importance!.tasks.reduce((n, t) => n + Object.keys(t).length, 0));
  for (const [label, k, , unit, score, acc] of importanceRows) {
    expect(label).toBe('kif-hard');
    expect(Number(score)).toBe(kif.importance!.tasks[Number(k)][unit]);
    expect(Number(acc)).toBe(kif.importance!.accumulated[Number(k)][unit]);
  }
  const fusion = await csv('Fusion maps (CSV)');
  expect(fusion.rows[0]).toEqual(['strategy', 'after_task', 'rule', 'unit', 'prev_weight', 'case']);
  expect(fusion.rows.slice(1)).toHaveLength(Object.keys(kif.fusions[0].prevWeight).length);
  // The page's fusion map shows each unit's case: the same as the file's.
  for (const [, , , unit, , c] of fusion.rows.slice(1)) expect(c).toBe(shownFusion[unit]);

  // PNG of every chart and heatmap: PNG bytes, decodable, with content (more than a blank or two colours).
  const figureItems = menuItem(page, /\(PNG\)$/);
  const titles = await figureItems.allTextContents();
  info.annotations.push({ type: 'figures', description: titles.join(' | ') });
  expect(titles.some((t) => t.startsWith('Training loss'))).toBe(true);
  expect(titles.filter((t) => t.startsWith('Forgetting curves of'))).toHaveLength(2);
  expect(titles.some((t) => t.startsWith('Importance of kif-hard'))).toBe(true);
  expect(titles.some((t) => t.startsWith('Fusion map of kif-hard'))).toBe(true);
  // The whole comparison as one picture, for a slide.
  expect(titles.some((t) => t.startsWith('Comparison of strategies'))).toBe(true);
  for (const [i, title] of titles.entries()) {
    const [png] = await downloads(page, () => figureItems.nth(i).click());
    expect(png.name).toMatch(/^export-test-.+\.png$/);
    await writeFile(info.outputPath(png.name), png.bytes);
    await info.attach(png.name, { path: info.outputPath(png.name), contentType: 'image/png' });
    expect([...png.bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.bytes.length).toBeGreaterThan(2_000);
    const img = await decodePng(page, png.bytes);
    expect(img.width, title).toBeGreaterThan(100);
    expect(img.height, title).toBeGreaterThan(50);
    expect(img.colours, title).toBeGreaterThan(8);
    if (title.startsWith('Fusion map')) {
      // Every colour of the fusion map's cells is in the picture.
      const cellColours = await page
        .getByTestId('fusion-map')
        .getByTestId('heatmap-cell')
        .evaluateAll((cells) => [...new Set(cells.map((c) => getComputedStyle(c).backgroundColor))]);
      for (const c of cellColours) expect(img.list, `${title}: cell colour ${c}`).toContain(rgbOf(c));
    }
    if (title.startsWith('Importance of')) {
      // The colour key sits inside the figure, so the picture carries its ramp: both end colours (within rounding).
      const stops = await page
        .getByTestId('importance-heatmap')
        .locator('.ramp')
        .evaluate((el) => getComputedStyle(el).backgroundImage.match(/rgba?\([^)]*\)/g) ?? []);
      expect(stops.length, title).toBeGreaterThan(1);
      for (const c of [stops[0], stops.at(-1)!])
        expect(nearest(img.list, rgbOf(c)), `${title}: ramp end ${c}`).toBeLessThan(8);
    }
  }

  // The trained models: one zip each, of a folder named for the experiment, the strategy and the last task, holding a
  // Hugging Face folder's two files.
  const models: Record<string, File[]> = {};
  for (const label of ['seqft', 'kif-hard']) {
    const [zip] = await downloads(page, () =>
      menuItem(page, `${label}: model folder, zip (model.safetensors + config.json)`).click(),
    );
    const folder = `export-test_${label}_after-task-2`;
    expect(zip.name).toBe(`${folder}.zip`);
    const entries = unzipSync(new Uint8Array(zip.bytes));
    expect(Object.keys(entries).sort()).toEqual([`${folder}/config.json`, `${folder}/model.safetensors`]);
    models[label] = ['model.safetensors', 'config.json'].map((name) => ({
      name,
      bytes: Buffer.from(entries[`${folder}/${name}`]),
    }));
    const [weights, config] = models[label];
    const tensors = readSafetensors(weights.bytes);
    expect(Object.keys(tensors)).toContain('shared.weight');
    const end = Math.max(...Object.values(tensors).map((t) => t.data_offsets[1]));
    expect(weights.bytes.length).toBe(8 + Number(weights.bytes.readBigUInt64LE(0)) + end);
    const cfg = JSON.parse(config.bytes.toString('utf8')) as Record<string, unknown>;
    expect(cfg.model_type).toBe('t5');
    expect(tensors['shared.weight'].shape).toEqual([cfg.vocab_size, cfg.d_model]);
  }
  // The two strategies trained differently (KIF fused): their weights differ.
  expect(models.seqft[0].bytes.equals(models['kif-hard'][0].bytes)).toBe(false);
  await snap(page, info, 'export-after-downloads');

  // "Copy link with results": a new page shows the same matrices, metrics and maps at once, without running.
  await page.getByTestId('copy-link-results').click();
  await expect(page.getByTestId('share-notices')).toContainText('Copied the link to this experiment with its results');
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link.length).toBeLessThanOrEqual(RESULTS_LINK_BUDGET + new URL(link).origin.length + 2);
  const restored = restoreFromFragment(new URL(link).hash, { fallback: exportSpec });
  expect(restored.kind === 'restored' && restored.summary !== undefined).toBe(true);
  const viewer = await context.newPage();
  await viewer.goto(link);
  await expect(viewer.getByTestId('share-notices')).toContainText(
    'Opened "Export test" (2 tasks, 2 strategies) from the link, with its results',
  );
  await expect(viewer.getByTestId('accuracy-matrix')).toHaveCount(2);
  expect(await matrices(viewer)).toEqual(shownMatrices);
  expect(await metricsTable(viewer)).toEqual(shownMetrics);
  await expect(viewer.getByTestId('fusion-map').getByTestId('heatmap-cell').first()).toBeVisible();
  expect(await heatmap(viewer, 'fusion-map')).toEqual(shownFusion);
  // Importance travels scaled to 1/999 of its range; the viewer shows three significant digits.
  await viewer.getByTestId('importance-view').selectOption('raw');
  const linked = await heatmap(viewer, 'importance-heatmap');
  expect(Object.keys(linked).sort()).toEqual(Object.keys(shownImportance).sort());
  const values = Object.values(shownImportance).map(Number);
  const step = (Math.max(...values) - Math.min(...values)) / 999;
  for (const [unit, v] of Object.entries(shownImportance))
    expect(Math.abs(Number(linked[unit]) - Number(v)), unit).toBeLessThanOrEqual(
      step / 2 + 0.006 * Math.abs(Number(v)) + 1e-12,
    );
  // Nothing ran: the Run button is offered, and no run is in progress.
  await expect(viewer.getByTestId('run-button')).toBeEnabled();
  await expect(viewer.getByTestId('progress-step')).toHaveCount(0);
  await snap(viewer, info, 'export-results-link-opened');
  await viewer.close();

  // The results file and the kif-hard checkpoint, imported into a fresh page.
  const other = await context.newPage();
  await other.goto('/');
  await expect(other.getByTestId('backend-name')).toHaveText('wasm', { timeout: 120_000 });
  await importFiles(other, [resultsFile]);
  await expect(other.getByTestId('share-notices')).toContainText(
    `Showing the results in ${resultsFile.name} (2 strategies on wasm)`,
  );
  expect(await matrices(other)).toEqual(shownMatrices);
  expect(await metricsTable(other)).toEqual(shownMetrics);
  expect(await heatmap(other, 'fusion-map')).toEqual(shownFusion);
  // Someone else's results bring no model: the Export menu says so instead of offering this tab's last model.
  await openMenu(other, 'export-menu');
  await expect(other.getByText('These results were not computed in this tab')).toBeVisible();
  await expect(menuItem(other, /model\.safetensors/)).toHaveCount(0);
  await other.getByTestId('export-menu').click();
  await importFiles(other, models['kif-hard']);
  await expect(other.getByTestId('share-notices')).toContainText('Read checkpoint "model.safetensors"');
  await other.getByTestId('imported-checkpoints').getByRole('button', { name: 'Use as the model' }).click();
  await expect(other.getByTestId('checkpoint-in-use')).toBeVisible();
  // Row 0 of a run from the checkpoint scores it before any training: the scores the original run gave its kif-hard
  // model after the last task (same seed, same test sets, same backend). The run (80 steps) goes to its end: side by
  // side, a Stop once one strategy has scored could come before the other has, or after the run is over.
  await other.getByTestId('run-button').click();
  await expect(other.getByTestId('run-result')).toContainText('Finished', { timeout: 300_000 });
  for (const name of ['seqft', 'kif-hard'])
    expect(
      await other
        .getByRole('table', { name: `Accuracy matrix of ${name}` })
        .locator('tbody tr')
        .first()
        .locator('td')
        .allTextContents(),
    ).toEqual(shownMatrices[1].rows[2]);
  const [rerun] = await downloads(other, async () => {
    await openMenu(other, 'export-menu');
    await menuItem(other, 'Results document (JSON)').click();
  });
  const again = parseResults(JSON.parse(rerun.bytes.toString('utf8')));
  if (!again.ok) throw new Error(again.errors.join('\n'));
  for (const strategy of again.results.strategies) expect(strategy.matrix[0]).toEqual(kif.matrix[2]);
  await other.close();
});

/** A valid results document with `units` skill units, random importance and fusion weights: too much for a link. */
function largeResults(units: number): ResultsDocument {
  const spec = exportSpec();
  const names = Array.from(
    { length: units },
    (_, i) => `encoder.block.${Math.floor(i / 100)}.layer.0.SelfAttention#head${i % 100}`,
  );
  let seed = 7;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const map = () => Object.fromEntries(names.map((n) => [n, rand()]));
  const matrix = [
    [10, 5],
    [80, 6],
    [40, 75],
  ];
  const strategy = (name: string, withMaps: boolean) => ({
    name,
    label: name,
    knobs: {},
    matrix,
    metrics: { tasks: 2, ap: 57.5, bwt: -40, fwt: 1, fwtZeroShot: 6, forgetting: 40 },
    ...(withMaps ? { importance: { tasks: [map(), map()], accumulated: [map(), map()] } } : {}),
    fusions: withMaps ? [{ afterTask: 1, rule: 'soft', prevWeight: map() }] : [],
    losses: [],
    curves: [],
    samples: [],
    timings: { trainSeconds: 1, afterTaskSeconds: 0, evalSeconds: 0, totalSeconds: 1 },
  });
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    spec,
    backend: 'wasm',
    warnings: [],
    stopped: false,
    tasks: spec.tasks.map((t) => ({
      name: t.task as string,
      scorer: 'exact',
      steps: t.steps,
      trainSize: t.trainSize,
      testSize: t.testSize,
    })),
    units: unitTableFromNames('head-neuron', names),
    strategies: [strategy('seqft', false), strategy('kif-hard', true)],
    timings: { totalSeconds: 2 },
  };
}

test('results too large for a link: the page says why and saves the results file instead', async ({ page }, info) => {
  const doc = largeResults(3_000);
  const valid = parseResults(JSON.parse(JSON.stringify(doc)));
  expect(valid.ok).toBe(true);
  await page.goto('/');
  await importFiles(page, [{ name: 'large-results.json', bytes: Buffer.from(JSON.stringify(doc)) }]);
  await expect(page.getByTestId('share-notices')).toContainText('Showing the results in large-results.json');
  await page.getByTestId('copy-link-results').click();
  const notice = page.getByTestId('share-notices').locator('li.error');
  await expect(notice).toContainText(
    `over the ${RESULTS_LINK_BUDGET.toLocaleString('en')} a link can safely carry (3000 skill units × 2 strategies)`,
  );
  await expect(notice).toContainText('send the results file with it');
  // Nothing was copied: no link box.
  await expect(page.getByTestId('share-link')).toHaveCount(0);
  await snap(page, info, 'export-results-too-large');
  const [file] = await downloads(page, () => notice.getByTestId('notice-action').click());
  expect(file.name).toBe('export-test-results.json');
  const back = parseResults(JSON.parse(file.bytes.toString('utf8')));
  expect(back.ok && back.results.units.names.length).toBe(3_000);
  expect(back.ok && back.results.strategies[1].fusions[0].prevWeight).toEqual(doc.strategies[1].fusions[0].prevWeight);
});
