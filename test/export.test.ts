// Files out and back in: results document → JSON file → results document; the CSV tables against the document they
// come from; a nano model trained by the runner exported as a Hugging Face checkpoint and imported with the same weights
// and the same greedy predictions.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { runExperiment } from '../src/engine/experiment/runner';
import { FinalModels } from '../src/engine/export/finalModels';
import { resultTables } from '../src/engine/export/resultTables';
import { readResultsFile, resultsToJson } from '../src/engine/export/resultsFile';
import { toCsv } from '../src/engine/export/csv';
import { unitTableFromNames } from '../src/engine/kif/unitNames';
import { greedyDecode } from '../src/engine/model/greedy';
import { T5Model } from '../src/engine/model/t5';
import { parseSpec } from '../src/engine/spec/experiment';
import { readCheckpointFiles, readSpecFile } from '../src/engine/share/importers';
import { createByteTokenizer } from '../src/engine/tokenizers/byteTokenizer';
import { packBatch } from '../src/engine/train/batching';
import { fakeResults, typicalSpec } from './helpers/shareFixtures';
import { parseCsv } from './helpers/parseCsv';
import { useBackend } from './helpers/tf';

describe('results file', () => {
  it('results → file → results is deep-equal, and the spec importer takes the spec out of it', () => {
    const doc = fakeResults(typicalSpec());
    const back = readResultsFile(resultsToJson(doc));
    if (!back.ok) throw new Error(back.errors.join('\n'));
    expect(back.value).toEqual(doc);
    const spec = readSpecFile(resultsToJson(doc));
    expect(spec.ok && spec.value).toEqual(doc.spec);
  });

  it('names what is wrong with a file that is not a results document', () => {
    const r = (t: string) => {
      const out = readResultsFile(t);
      return out.ok ? 'ok' : out.errors.join('; ');
    };
    expect(r('')).toMatch(/empty/);
    expect(r('{"a":')).toMatch(/not valid JSON/);
    expect(r(JSON.stringify(typicalSpec()))).toMatch(/format: must be "kif-playground-results"/);
    expect(r(JSON.stringify({ ...fakeResults(typicalSpec()), version: 7 }))).toMatch(/version: 7 is newer/);
  });
});

describe('CSV tables', () => {
  it('quotes commas, quotes and line breaks, guards formulas, leaves numbers alone', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['line\nbreak', -1.5],
          ['=SUM(A1)', null],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",-1.5\r\n\'=SUM(A1),\r\n');
  });

  it('hold every number of the document: accuracy, metrics, importance, fusion', () => {
    const doc = fakeResults(typicalSpec());
    const table = (name: string) => parseCsv(resultTables[name].csv(doc));
    const T = doc.tasks.length;
    const U = doc.units.names.length;

    const acc = table('accuracy');
    expect(acc[0]).toEqual(['strategy', 'row', 'after_task', 'task', 'score_percent']);
    expect(acc.length - 1).toBe(doc.strategies.length * (T + 1) * T);
    for (const [label, r, , task, x] of acc.slice(1)) {
      const s = doc.strategies.find((st) => st.label === label)!;
      expect(Number(x)).toBe(s.matrix[Number(r)][doc.tasks.findIndex((t) => t.name === task)]);
    }

    const metrics = table('metrics');
    expect(metrics.length - 1).toBe(doc.strategies.length);
    doc.strategies.forEach((s, i) => {
      expect(Number(metrics[i + 1][2])).toBe(s.metrics!.ap);
      expect(Number(metrics[i + 1][3])).toBe(s.metrics!.bwt);
    });

    const imp = table('importance');
    const kif = doc.strategies.filter((s) => s.importance);
    expect(imp.length - 1).toBe(kif.length * T * U);
    for (const [label, k, , unit, score, accumulated] of imp.slice(1, 400)) {
      const s = doc.strategies.find((st) => st.label === label)!;
      expect(Number(score)).toBe(s.importance!.tasks[Number(k)][unit]);
      expect(Number(accumulated)).toBe(s.importance!.accumulated[Number(k)][unit]);
    }

    const fusion = table('fusion');
    expect(fusion.length - 1).toBe(kif.length * (T - 1) * U);
    expect(fusion[1].slice(1)).toEqual(['1', 'hard', doc.units.names[0], '0.7', 'shared']);
    expect(resultTables.importance.available({ ...doc, strategies: doc.strategies.filter((s) => !s.importance) })).toBe(
      false,
    );
  });

  it("list a strategy with units of its own (kif-lora's adapter ranks) over those units", () => {
    const doc = fakeResults(typicalSpec());
    const q = 'encoder.block.0.layer.0.SelfAttention.q.lora|';
    const names = [`${q}0`, `${q}1`];
    const scores = { [names[0]]: 0.25, [names[1]]: 0.5 };
    const base = doc.strategies.find((s) => s.importance)!;
    const lora = {
      ...base,
      label: 'kif-lora',
      units: unitTableFromNames('lora-rank', names),
      importance: { tasks: [scores], accumulated: [scores] },
      fusions: [{ ...base.fusions[0], prevWeight: { [names[1]]: 0.3 }, cases: { [names[1]]: 'kept' as const } }],
    };
    const two = { ...doc, strategies: [lora] };
    const imp = parseCsv(resultTables.importance.csv(two)).slice(1);
    expect(imp.map((r) => [r[3], Number(r[4])])).toEqual([
      [names[0], 0.25],
      [names[1], 0.5],
    ]);
    const fusion = parseCsv(resultTables.fusion.csv(two)).slice(1);
    expect(fusion.map((r) => [r[3], r[4], r[5]])).toEqual([[names[1], '0.3', 'kept']]);
  });
});

describe('checkpoint export', () => {
  it('a nano model trained by the runner exports and imports with the same weights and the same greedy predictions', async () => {
    await useBackend('wasm');
    const parsed = parseSpec({
      version: 1,
      model: { preset: 'nano' },
      init: 'scratch',
      seed: 3,
      tasks: [{ task: 'reverse', steps: 4, trainSize: 16, testSize: 4 }],
      strategies: [{ name: 'seqft' }],
      training: {
        lr: 1e-4,
        warmupSteps: 0,
        weightDecay: 0.01,
        batchSize: 4,
        clipNorm: 1,
        maxInputLen: 16,
        maxOutputLen: 16,
        evalEvery: 0,
      },
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
    const kept = new FinalModels();
    let trained: Map<string, { shape: number[]; data: Float32Array }> | null = null;
    await runExperiment(parsed.spec, {
      onModel: async (at, model) => {
        await kept.onModel(at, model);
        if (at.stage === 'final') trained = await model.exportWeights();
      },
    });
    expect(kept.export(1)).toMatchObject({ ok: false, error: /no trained model/ });
    const files = kept.export(0);
    if (!files.ok) throw new Error(files.error);
    const back = readCheckpointFiles({ 'config.json': files.configJson, 'model.safetensors': files.safetensors });
    if (!back.ok) throw new Error(back.errors.join('\n'));
    expect(back.value.config.dModel).toBe(64);
    for (const [name, t] of trained!) {
      const got = back.value.tensors.get(name)!;
      expect(got.shape).toEqual(t.shape);
      expect(
        Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength).equals(
          Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength),
        ),
      ).toBe(true);
    }
    const tok = createByteTokenizer();
    const rows = ['hello', 'abc', 'kif', 'reverse me'].map((s) => ({ input: tok.encode(s), output: [1] }));
    const batch = packBatch(rows, { batchSize: 4, inLen: 16, outLen: 2 });
    const a = new T5Model(back.value.config, trained!);
    const b = new T5Model(back.value.config, back.value.tensors);
    const decode = (m: T5Model) => greedyDecode(m, batch.inputIds, batch.inputMask, { maxLen: 8 });
    const predictions = await decode(a);
    expect(await decode(b)).toEqual(predictions);
    // A barely trained model's greedy output is nearly constant, so the logits are compared too, bit for bit.
    const logits = async (m: T5Model) => Array.from(await m.forward(batch).data());
    expect(await logits(b)).toEqual(await logits(a));
    console.log(`nano checkpoint: ${files.safetensors.length} bytes; greedy ids of row 0: ${predictions[0].join(' ')}`);
    a.dispose();
    b.dispose();
    tf.disposeVariables();
  });
});
