// The pretrained bases shipped in public/: each loads as its preset, holds the skills its model card claims, and
// does not yet know the demos' commands (which is what makes them continual-learning tasks for it).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../src/engine/io/checkpoint';
import { listBases, baseWeightsFrom } from '../src/engine/model/bases';
import { presetConfig } from '../src/engine/model/config';
import { T5Model } from '../src/engine/model/t5';
import { textScorer } from '../src/engine/metrics/text';
import { makeTaskData } from '../src/engine/tasks/makeTaskData';
import { createByteTokenizer } from '../src/engine/tokenizers/byteTokenizer';
import { evaluate } from '../src/engine/train/evaluate';
import { useBackend } from './helpers/tf';

const root = resolve(__dirname, '..');
const tok = createByteTokenizer();

async function exactMatch(model: T5Model, task: string) {
  const data = makeTaskData(task, { seed: 123, trainSize: 0, testSize: 64 });
  return (
    await evaluate(model, tok, data.test, {
      batchSize: 64,
      maxInputLen: 24,
      maxOutputLen: 16,
      score: textScorer('exact-match').score,
    })
  ).score;
}

describe.each(listBases())('base $preset', ({ preset, folder }) => {
  const dir = join(root, 'public', folder);
  beforeAll(() => useBackend('wasm'));

  it('ships model.safetensors, config.json and a model card with the command that made it', () => {
    for (const f of ['model.safetensors', 'config.json', 'README.md']) expect(existsSync(join(dir, f)), f).toBe(true);
    const card = readFileSync(join(dir, 'README.md'), 'utf8');
    expect(card).toContain(`npm run cli -- pretrain --preset ${preset}`);
    expect(card).toMatch(/Final loss:\*\* \d\.\d{4}/);
  });

  it('loads as the preset it is registered for', () => {
    const { config } = readCheckpoint(
      readFileSync(join(dir, 'model.safetensors')),
      readFileSync(join(dir, 'config.json'), 'utf8'),
    );
    expect(config).toEqual(presetConfig(preset));
  });

  it('holds a mixture skill (first3) but not a demo command (rvsh)', async () => {
    const model = new T5Model(
      presetConfig(preset),
      baseWeightsFrom(readFileSync(join(dir, 'model.safetensors')), readFileSync(join(dir, 'config.json'), 'utf8')),
    );
    try {
      expect(await exactMatch(model, 'first3')).toBeGreaterThan(50);
      expect(await exactMatch(model, 'rvsh')).toBeLessThan(20);
    } finally {
      model.dispose();
    }
  });
});
