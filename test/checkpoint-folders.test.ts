// Checkpoint folders as users find them, through the CLI's inspect and convert and the engine's loaders: a
// pytorch_model.bin written by torch.save (F32, F16, BF16), sharded safetensors, a spiece.model tokenizer; the converted
// shared HF fixture reproduces transformers' loss and logits; and every bad folder is refused with a message.
// The fixtures under test/fixtures/checkpoints/ were made by scripts/fixtures/make_checkpoint_fixtures.py.
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../src/engine/io/checkpoint';
import { loadHfModelFromFiles, loadHfModelFromUrl, type HfFiles } from '../src/engine/io/loadHfModel';
import { serializeSafetensors, type TensorData } from '../src/engine/io/safetensors';
import { readCheckpointFiles } from '../src/engine/share/importers';
import { makeRng, randInt } from '../src/engine/util/rng';
import { unzipSync, zipSync } from 'fflate';
import { T5Model } from '../src/engine/model/t5';
import { hasShared, sharedPath } from './shared';
import { useBackend } from './helpers/tf';
import { fixtureBatch, maxAbsDiff } from './helpers/hfFixtureBatch';

const root = resolve(__dirname, '..');
const fixtures = join(root, 'test', 'fixtures', 'checkpoints');
const hfFixture = (f: string) => sharedPath('fixtures', 'hf-t5-v1_0', f);
const tempDir = () => mkdtempSync(join(tmpdir(), 'kif-ckpt-'));
const exec = promisify(execFile);
// What the evil pickles would create if anything unpickled them the way torch.load does.
const EVIL_MARKER = '/tmp/kif-playground-evil-pickle-ran';

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: root, timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const readDir = (dir: string): HfFiles =>
  Object.fromEntries(readdirSync(dir).map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]));
const copyDir = (from: string, skip: string[] = []) => {
  const to = tempDir();
  for (const f of readdirSync(from)) if (!skip.includes(f)) copyFileSync(join(from, f), join(to, f));
  return to;
};

/** Loss and logits of a checkpoint on the shared fixture's batch, and the worst differences from transformers'. */
async function againstTransformers(dir: string): Promise<{ loss: number; logits: number }> {
  await useBackend('cpu');
  const ckpt = readCheckpoint(
    new Uint8Array(readFileSync(join(dir, 'model.safetensors'))),
    readFileSync(join(dir, 'config.json'), 'utf8'),
  );
  const exp = JSON.parse(readFileSync(hfFixture('expected.json'), 'utf8'));
  const model = new T5Model(ckpt.config, ckpt.tensors);
  const batch = fixtureBatch(exp);
  const loss = (await model.loss(batch).data())[0];
  const logits = await model.forward(batch).data();
  const want = (exp.logits as number[][][]).flat(2);
  expect(logits.length).toBe(want.length);
  model.dispose();
  return { loss: Math.abs(loss - exp.loss), logits: maxAbsDiff(want, logits) };
}

/** Writes the shared fixture's tensors as two safetensors shards and their index, as save_pretrained shards. */
function shardedFixture(): string {
  const dir = tempDir();
  const whole = readCheckpoint(
    new Uint8Array(readFileSync(hfFixture('model.safetensors'))),
    readFileSync(hfFixture('config.json'), 'utf8'),
  );
  const names = [...whole.tensors.keys()];
  const shards = [
    names.filter((n) => n.startsWith('encoder') || n === 'shared.weight'),
    names.filter((n) => n.startsWith('decoder')),
  ];
  const weightMap: Record<string, string> = {};
  shards.forEach((part, i) => {
    const file = `model-0000${i + 1}-of-00002.safetensors`;
    const m = new Map<string, TensorData>(part.map((n) => [n, whole.tensors.get(n)!]));
    writeFileSync(join(dir, file), serializeSafetensors(m, { format: 'pt' }));
    for (const n of part) weightMap[n] = file;
  });
  expect(Object.keys(weightMap).length).toBe(names.length);
  writeFileSync(
    join(dir, 'model.safetensors.index.json'),
    JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }),
  );
  copyFileSync(hfFixture('config.json'), join(dir, 'config.json'));
  return dir;
}

const hasTorch = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('pytorch_model.bin written by torch.save', () => {
  const expected = (d: string) => JSON.parse(readFileSync(join(fixtures, d, 'expected.json'), 'utf8'));
  const tied = ['encoder.embed_tokens.weight', 'decoder.embed_tokens.weight', 'lm_head.weight'];

  for (const [folder, dtype] of [
    ['pt-spiece', 'F32'],
    ['pt-f16', 'F16'],
    ['pt-bf16', 'BF16'],
    ['pt-legacy', 'F32, the legacy format'],
  ]) {
    it(`${folder}: every tensor has the values torch saved (${dtype}, a transposed view and a storage offset included)`, () => {
      const m = loadHfModelFromFiles(readDir(join(fixtures, folder)));
      expect(m.format).toBe('pytorch');
      const exp = expected(folder).tensors as Record<
        string,
        { shape: number[]; sum: number; probes: Record<string, number> }
      >;
      for (const [name, e] of Object.entries(exp)) {
        const t = m.tensors.get(tied.includes(name) ? 'shared.weight' : name)!;
        expect(t.shape, name).toEqual(e.shape);
        let sum = 0;
        for (const v of t.data) sum += v;
        expect(Math.abs(sum - e.sum), name).toBeLessThan(1e-9);
        for (const [i, v] of Object.entries(e.probes)) expect(t.data[Number(i)], `${name}[${i}]`).toBe(v);
      }
    });
  }

  it('inspect prints one JSON line: format, parameters, the HF config, the spiece.model tokenizer', async () => {
    const r = await cli('inspect', join(fixtures, 'pt-spiece'));
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const info = JSON.parse(lines[0]);
    const config = JSON.parse(readFileSync(join(fixtures, 'pt-spiece', 'config.json'), 'utf8'));
    // 164 x 16 embedding, 2 x 4 attention matrices of 16 x 16 and one cross-attention, 2 FFNs of 2 x 32 x 16,
    // 2 relative-bias tables of 32 x 2, and 7 norms of 16.
    expect(info).toEqual({
      format: 'pytorch',
      params: 164 * 16 + 12 * 256 + 4 * 512 + 2 * 64 + 7 * 16,
      config,
      tokenizer: { kind: 'spiece.model', vocabSize: 164 },
    });
  });

  it('convert writes model.safetensors + config.json + tokenizer.json that load back to the same tensors and tokens', async () => {
    const out = tempDir();
    const r = await cli('convert', join(fixtures, 'pt-spiece'), '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    const src = loadHfModelFromFiles(readDir(join(fixtures, 'pt-spiece')));
    const back = loadHfModelFromFiles(readDir(out));
    expect(back.format).toBe('safetensors');
    expect(back.config).toEqual(src.config);
    for (const [name, t] of src.tensors) expect(back.tensors.get(name)!.data, name).toEqual(t.data);
    const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(cfg).toMatchObject({
      model_type: 't5',
      architectures: ['T5ForConditionalGeneration'],
      vocab_size: 164,
      pad_token_id: 0,
      eos_token_id: 1,
    });
    // The safetensors header names the framework, as transformers requires.
    const bytes = readFileSync(join(out, 'model.safetensors'));
    const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString());
    expect(header.__metadata__).toEqual({ format: 'pt' });
    expect(back.tokenizer!.kind).toBe('tokenizer.json');
    for (const s of expected('pt-spiece').spiece)
      expect(back.tokenizer!.tokenizer.encode(s.text)).toEqual([...s.ids, 1]);
  });

  it.skipIf(!hasShared || !hasTorch)(
    'the shared HF fixture saved by torch.save converts and reproduces transformers to 1e-4',
    async () => {
      const pt = tempDir();
      execFileSync('/usr/bin/python3', [
        join(root, 'scripts', 'fixtures', 'safetensors_to_torch.py'),
        sharedPath('fixtures', 'hf-t5-v1_0'),
        pt,
      ]);
      const info = await cli('inspect', pt);
      expect(JSON.parse(info.stdout)).toMatchObject({ format: 'pytorch', params: 43648, tokenizer: null });
      const out = tempDir();
      expect((await cli('convert', pt, '--out', out)).code).toBe(0);
      const d = await againstTransformers(out);
      expect(d.loss).toBeLessThan(1e-4);
      expect(d.logits).toBeLessThan(1e-4);
    },
  );
});

describe('spiece.model', () => {
  it('tokenizes exactly as sentencepiece does, with T5 ids (pad 0, eos 1, unk 2) and 100 sentinels', () => {
    const exp = JSON.parse(readFileSync(join(fixtures, 'pt-spiece', 'expected.json'), 'utf8'));
    const tok = loadHfModelFromFiles(readDir(join(fixtures, 'pt-spiece'))).tokenizer!;
    expect(tok.kind).toBe('spiece.model');
    expect([tok.tokenizer.padId, tok.tokenizer.eosId]).toEqual([0, 1]);
    // T5Tokenizer's order: <extra_id_0> is the last id.
    expect(tok.sentinels[0]).toBe(163);
    expect(tok.sentinels[99]).toBe(64);
    for (const s of exp.spiece) {
      expect(tok.tokenizer.encode(s.text), s.text).toEqual([...s.ids, 1]);
      if (!s.ids.includes(2)) expect(tok.tokenizer.decode(s.ids)).toBe(s.decoded);
    }
  });
});

describe('sharded pytorch_model.bin', () => {
  it('reads pytorch_model.bin.index.json and its shard', () => {
    const files = readDir(join(fixtures, 'pt-f16'));
    const whole = loadHfModelFromFiles(files);
    const names = Object.keys(JSON.parse(readFileSync(join(fixtures, 'pt-f16', 'expected.json'), 'utf8')).tensors);
    const shard = 'pytorch_model-00001-of-00001.bin';
    const index = JSON.stringify({ metadata: {}, weight_map: Object.fromEntries(names.map((n) => [n, shard])) });
    const m = loadHfModelFromFiles({
      'config.json': files['config.json'],
      'pytorch_model.bin.index.json': index,
      [shard]: files['pytorch_model.bin'],
    });
    expect(m.format).toBe('pytorch');
    for (const [name, t] of whole.tensors) expect(m.tensors.get(name)!.data, name).toEqual(t.data);
  });
});

describe.skipIf(!hasShared)('sharded safetensors', () => {
  it('inspect and convert a sharded folder; the converted folder reproduces transformers to 1e-4', async () => {
    const dir = shardedFixture();
    const info = await cli('inspect', dir);
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({
      format: 'safetensors-sharded',
      params: 43648,
      config: { d_model: 32, vocab_size: 64 },
      tokenizer: null,
    });
    const out = tempDir();
    const r = await cli('convert', dir, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['config.json', 'model.safetensors']);
    const d = await againstTransformers(out);
    expect(d.loss).toBeLessThan(1e-4);
    expect(d.logits).toBeLessThan(1e-4);
  });

  it('names a missing shard and how many tensors it holds', () => {
    const files = readDir(shardedFixture());
    delete files['model-00002-of-00002.safetensors'];
    expect(() => loadHfModelFromFiles(files)).toThrow(
      /model\.safetensors\.index\.json names shard model-00002-of-00002\.safetensors, which the folder does not have \(\d+ of \d+ tensors/,
    );
  });
});

describe('bad folders are refused with a message', () => {
  for (const [folder, global] of [
    ['evil-os-system', 'posix.system'],
    ['evil-eval', '__builtin__.eval'],
  ]) {
    it(`${folder}: a pickle naming ${global} is refused, and nothing runs`, () => {
      expect(existsSync(EVIL_MARKER)).toBe(false);
      expect(() => loadHfModelFromFiles(readDir(join(fixtures, folder)))).toThrow(
        new RegExp(`names the global "${global.replace('.', '\\.')}", which is not a tensor rebuilder`),
      );
      expect(existsSync(EVIL_MARKER)).toBe(false);
    });
  }

  it('the CLI refuses the os.system pickle with exit code 2 and the global named', async () => {
    const r = await cli('inspect', join(fixtures, 'evil-os-system'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/pytorch_model\.bin: the pickle names the global "posix\.system"/);
    expect(existsSync(EVIL_MARKER)).toBe(false);
  });

  it('a truncated pytorch_model.bin (zip or legacy), a folder without weights or without config.json', () => {
    const files = readDir(join(fixtures, 'pt-f16'));
    const bin = files['pytorch_model.bin'] as Uint8Array;
    for (const cut of [bin.length - 10, Math.floor(bin.length / 2), 100]) {
      expect(() => loadHfModelFromFiles({ ...files, 'pytorch_model.bin': bin.subarray(0, cut) })).toThrow(
        /pytorch_model\.bin: not a complete zip archive .*truncated or damaged/,
      );
    }
    const legacy = readDir(join(fixtures, 'pt-legacy'))['pytorch_model.bin'] as Uint8Array;
    expect(() =>
      loadHfModelFromFiles({ ...files, 'pytorch_model.bin': legacy.subarray(0, legacy.length - 100) }),
    ).toThrow(/pytorch_model\.bin: storage "\d+" needs \d+ bytes but the file ends after \d+; it is truncated/);
    expect(() => loadHfModelFromFiles({ ...files, 'pytorch_model.bin': legacy.subarray(0, 2000) })).toThrow(
      /pytorch_model\.bin: the pickle ends early .*truncated or damaged/,
    );
    expect(() =>
      loadHfModelFromFiles({ ...files, 'pytorch_model.bin': new TextEncoder().encode('<html>login</html>') }),
    ).toThrow(/pytorch_model\.bin: not a PyTorch checkpoint/);
    expect(() =>
      loadHfModelFromFiles({ 'config.json': files['config.json'], 'tf_model.h5': new Uint8Array(4) }),
    ).toThrow(
      /no weights this app reads: none of model\.safetensors, .*pytorch_model\.bin.* \(it has tf_model\.h5, which are for other frameworks\)/,
    );
    expect(() => loadHfModelFromFiles({ 'pytorch_model.bin': bin })).toThrow(/no config\.json/);
  });

  it('a tokenizer.json with more ids than the model has names the vocabulary', async () => {
    const out = tempDir();
    expect((await cli('convert', join(fixtures, 'pt-spiece'), '--out', out)).code).toBe(0);
    const files = readDir(out);
    const json = JSON.parse(new TextDecoder().decode(files['tokenizer.json'] as Uint8Array));
    json.added_tokens.push({
      id: 164,
      content: '<extra_big>',
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    });
    expect(() => loadHfModelFromFiles({ ...files, 'tokenizer.json': JSON.stringify(json) })).toThrow(
      /the tokenizer\.json tokenizer disagrees with config\.json: vocabulary: the tokenizer has 165 ids, more than config\.json's vocab_size 164/,
    );
  });

  it('a tokenizer that disagrees with config.json names each disagreement', () => {
    const files = readDir(join(fixtures, 'pt-spiece'));
    const config = JSON.parse(new TextDecoder().decode(files['config.json'] as Uint8Array));
    const withConfig = (over: Record<string, unknown>) => ({
      ...files,
      'config.json': JSON.stringify({ ...config, ...over }),
    });
    // The weights stay as they are (a smaller vocab_size would fail their shape check first); the special ids move.
    expect(() => loadHfModelFromFiles(withConfig({ pad_token_id: 3, eos_token_id: 2 }))).toThrow(
      /spiece\.model tokenizer disagrees with config\.json: pad: the tokenizer's pad token is id 0, config\.json's pad_token_id is 3; eos: the tokenizer's end token is id 1, config\.json's eos_token_id is 2/,
    );
    // One sentinel more than the embedding has room for.
    const fewer = { ...files, 'tokenizer_config.json': JSON.stringify({ extra_ids: 101 }) };
    expect(() => loadHfModelFromFiles(fewer)).toThrow(
      /sentinels: the tokenizer's <extra_id_N> tokens reach id 164, past config\.json's vocab_size 164/,
    );
  });
});

describe('damaged files', () => {
  // Random damage to the pickle (inside the zip, re-zipped; and in the legacy file) and to spiece.model: each load
  // gives the checkpoint or messages from the engine's own errors, never an unexpected exception.
  it('300 damaged pickles and SentencePiece models each give a value or messages', () => {
    const rng = makeRng(7);
    const good = readDir(join(fixtures, 'pt-spiece'));
    const legacy = readDir(join(fixtures, 'pt-legacy'))['pytorch_model.bin'] as Uint8Array;
    const zip = unzipSync(good['pytorch_model.bin'] as Uint8Array);
    const pkl = Object.keys(zip).find((n) => n.endsWith('data.pkl'))!;
    const damage = (b: Uint8Array, upTo = b.length) => {
      const out = b.slice();
      for (let j = randInt(rng, 1, 6); j > 0; j--)
        out[randInt(rng, 0, Math.min(out.length, upTo) - 1)] = randInt(rng, 0, 255);
      return out;
    };
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const files = { ...good };
      if (i % 3 === 0) files['pytorch_model.bin'] = zipSync({ ...zip, [pkl]: damage(zip[pkl]) }, { level: 0 });
      else if (i % 3 === 1) files['pytorch_model.bin'] = damage(legacy, 3000);
      else files['spiece.model'] = damage(good['spiece.model'] as Uint8Array);
      const out = readCheckpointFiles(files);
      if (!out.ok) {
        refused++;
        for (const e of out.errors) expect(e).not.toMatch(/unexpected error/);
      }
    }
    expect(refused).toBeGreaterThan(100);
  });
});

describe('loading by URL from a local server', () => {
  let server: Server;
  let base = '';
  const served = new Map<string, Buffer>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      if (!body) return void res.writeHead(404).end('not found');
      const type = req.url!.endsWith('.json') ? 'application/json' : 'application/octet-stream';
      res.writeHead(200, { 'content-type': type, 'content-length': body.length }).end(body);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));
  const serve = (prefix: string, dir: string) => {
    for (const f of readdirSync(dir)) served.set(`/${prefix}/${f}`, readFileSync(join(dir, f)));
  };

  it('a pytorch_model.bin + spiece.model folder, with progress over the weights', async () => {
    serve('pt', join(fixtures, 'pt-spiece'));
    const progress: number[] = [];
    const m = await loadHfModelFromUrl(`${base}/pt/`, { onProgress: (n) => progress.push(n) });
    expect(m.format).toBe('pytorch');
    expect(m.tokenizer!.kind).toBe('spiece.model');
    expect(progress[progress.length - 1]).toBe(readFileSync(join(fixtures, 'pt-spiece', 'pytorch_model.bin')).length);
  });

  it('cli inspect takes the folder URL', async () => {
    serve('cli', join(fixtures, 'pt-spiece'));
    const r = await cli('inspect', `${base}/cli/`);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      format: 'pytorch',
      params: 7984,
      tokenizer: { kind: 'spiece.model', vocabSize: 164 },
    });
  });

  it.skipIf(!hasShared)('a sharded folder, and the same folder missing a shard', async () => {
    const dir = shardedFixture();
    serve('sh', dir);
    const m = await loadHfModelFromUrl(`${base}/sh`);
    expect(m.format).toBe('safetensors-sharded');
    const broken = copyDir(dir, ['model-00001-of-00002.safetensors']);
    serve('broken', broken);
    await expect(loadHfModelFromUrl(`${base}/broken`)).rejects.toThrow(
      /names shard model-00001-of-00002\.safetensors, which the folder does not have/,
    );
  });
});
