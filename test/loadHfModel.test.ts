// Loading a Hugging Face checkpoint folder by URL from a local server (the shared HF fixture), with its named errors,
// and a model trained here exported to safetensors + config.json and loaded back with the same predictions.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHfModelFromFiles, loadHfModelFromUrl } from '../src/engine/io/loadHfModel';
import { writeCheckpoint } from '../src/engine/io/checkpoint';
import { T5Model } from '../src/engine/model/t5';
import { greedyDecode } from '../src/engine/model/greedy';
import { Trainer } from '../src/engine/train/trainer';
import { hasShared, sharedPath } from './shared';
import { makeModel, randomBatch, tinyConfig, useBackend } from './helpers/tf';

let server: Server;
let base = '';
const routes = new Map<string, { type: string; body: Buffer }>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const r = routes.get(req.url ?? '');
    if (!r) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': r.type, 'content-length': r.body.length }).end(r.body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe.skipIf(!hasShared)('loading a checkpoint folder by URL', () => {
  const fixture = (f: string) => readFileSync(sharedPath('fixtures', 'hf-t5-v1_0', f));

  it('fetches config.json and model.safetensors with progress, without a tokenizer.json, and the model reproduces HF', async () => {
    await useBackend('cpu');
    routes.set('/t5/config.json', { type: 'application/json', body: fixture('config.json') });
    routes.set('/t5/model.safetensors', { type: 'binary/octet-stream', body: fixture('model.safetensors') });
    const progress: number[] = [];
    const m = await loadHfModelFromUrl(`${base}/t5`, { onProgress: (loaded) => progress.push(loaded) });
    expect(m.tokenizer).toBeNull();
    expect(m.config.dModel).toBe(32);
    expect(progress[progress.length - 1]).toBe(fixture('model.safetensors').length);
    const exp = JSON.parse(fixture('expected.json').toString());
    const model = new T5Model(m.config, m.tensors);
    const ids = await greedyDecode(
      model,
      tf.tensor2d(exp.input_ids, undefined, 'int32'),
      tf.tensor2d(exp.attention_mask, undefined, 'float32'),
      { maxLen: 10 },
    );
    expect(ids).toEqual((exp.greedy_ids as number[][]).map((r) => r.slice(1)));
    model.dispose();
  });

  it('names the file and the problem: missing weights, wrong content type, a file too large', async () => {
    routes.set('/nomodel/config.json', { type: 'application/json', body: fixture('config.json') });
    await expect(loadHfModelFromUrl(`${base}/nomodel/`)).rejects.toThrow(
      /no weights this app reads: none of model\.safetensors, model\.safetensors\.index\.json, pytorch_model\.bin/,
    );
    routes.set('/html/config.json', { type: 'application/json', body: fixture('config.json') });
    routes.set('/html/model.safetensors', { type: 'text/html', body: Buffer.from('<html>login</html>') });
    await expect(loadHfModelFromUrl(`${base}/html`)).rejects.toThrow(/model\.safetensors: .*text\/html/);
    await expect(loadHfModelFromUrl(`${base}/t5`, { maxBytes: 1000 })).rejects.toThrow(
      /model\.safetensors: .*(large|limit|1000)/i,
    );
  });
});

describe('export and load back', () => {
  it('a model trained here exports to HF files and loads back with the same predictions', async () => {
    await useBackend('wasm');
    const c = tinyConfig({ vocabSize: 40, ffn: 'gated-gelu', tieEmbeddings: false });
    const model = makeModel(c, 8);
    const batch = randomBatch(c, 4, 8, 6);
    const t = new Trainer(model, {
      steps: 5,
      lr: 1e-2,
      warmupSteps: 0,
      weightDecay: 0.01,
      batchSize: 4,
      clipNorm: 1,
      seed: 1,
    });
    for (let i = 0; i < 5; i++) await t.step(batch, i, 5);
    const files = writeCheckpoint(c, await model.exportWeights());
    const loaded = loadHfModelFromFiles({ 'config.json': files.configJson, 'model.safetensors': files.safetensors });
    expect(loaded.config).toEqual(c);
    const again = new T5Model(loaded.config, loaded.tensors);
    const decode = (m: T5Model) => greedyDecode(m, batch.inputIds, batch.inputMask, { maxLen: 6 });
    expect(await decode(again)).toEqual(await decode(model));
    expect((await again.loss(batch).data())[0]).toBe((await model.loss(batch).data())[0]);
    t.dispose();
    model.dispose();
    again.dispose();
  });
});
