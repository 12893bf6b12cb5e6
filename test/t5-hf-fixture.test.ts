// The engine reproduces Hugging Face's own T5 on the shared tiny checkpoint: loss, logits, encoder states, greedy ids.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCheckpoint } from '../src/engine/io/checkpoint';
import { T5Model } from '../src/engine/model/t5';
import { greedyDecode } from '../src/engine/model/greedy';
import { hasShared, sharedPath } from './shared';
import { useBackend } from './helpers/tf';
import { fixtureBatch, maxAbsDiff } from './helpers/hfFixtureBatch';

const dir = (f: string) => sharedPath('fixtures', 'hf-t5-v1_0', f);

describe.skipIf(!hasShared)('Hugging Face T5 v1.0 fixture', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`matches transformers on ${backend}`, async () => {
      await useBackend(backend);
      const ckpt = readCheckpoint(
        new Uint8Array(readFileSync(dir('model.safetensors'))),
        readFileSync(dir('config.json'), 'utf8'),
      );
      const exp = JSON.parse(readFileSync(dir('expected.json'), 'utf8'));
      const model = new T5Model(ckpt.config, ckpt.tensors);
      const batch = fixtureBatch(exp);
      const loss = (await model.loss(batch).data())[0];
      expect(Math.abs(loss - exp.loss)).toBeLessThan(1e-4);
      const logits = await model.forward(batch).data();
      const want = (exp.logits as number[][][]).flat(2);
      expect(logits.length).toBe(want.length);
      expect(maxAbsDiff(want, logits)).toBeLessThan(1e-4);
      const enc = await model.encode(batch.inputIds, batch.inputMask).data();
      const wantEnc = (exp.encoder_last_hidden_state as number[][][]).flat(2);
      expect(maxAbsDiff(wantEnc, enc)).toBeLessThan(1e-4);
      const greedyWant = (exp.greedy_ids as number[][]).map((r) => r.slice(1));
      for (const cache of [true, false]) {
        expect(await greedyDecode(model, batch.inputIds, batch.inputMask, { maxLen: 10, cache })).toEqual(greedyWant);
      }
      model.dispose();
    });
  }
});
