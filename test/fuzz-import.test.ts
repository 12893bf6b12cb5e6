// Fuzz of the share-link decoder and of every importer (results, spec, dataset, checkpoint): random bytes, truncation,
// wrong types, huge and NaN numbers, deep nesting, very long strings. Each case must come back as a value or as
// messages, never an exception and never an "unexpected" error (a reader bug). Fixed seed, a few thousand cases.
import { describe, expect, it } from 'vitest';
import { writeCheckpoint } from '../src/engine/io/checkpoint';
import { toHfConfig } from '../src/engine/io/hfConfig';
import { initWeights } from '../src/engine/model/init';
import { defaultSpec } from '../src/engine/spec/experiment';
import { resultsToJson } from '../src/engine/export/resultsFile';
import { readCheckpointFiles, textImporters } from '../src/engine/share/importers';
import { packPayload } from '../src/engine/share/linkPayload';
import { summarizeResults } from '../src/engine/share/resultsSummary';
import { restoreFromFragment, shareWithResults } from '../src/engine/share/shareLink';
import { makeRng, pick, randInt, type Rng } from '../src/engine/util/rng';
import type { ReadOutcome } from '../src/engine/export/resultsFile';
import { fakeResults, typicalSpec } from './helpers/shareFixtures';
import { tinyConfig } from './helpers/tf';

const rng = makeRng(20240521);

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const weird: (() => unknown)[] = [
  () => null,
  () => true,
  () => -1,
  () => 0,
  () => 1e308,
  () => -1e308,
  () => 5e-324,
  () => 2 ** 53 + 1,
  () => '',
  () => 'x'.repeat(200_000),
  () => '\u0000\ud800',
  () => [],
  () => ({}),
  () => JSON.parse(deep(500)),
  () => ({ __proto__: { polluted: 1 } }),
  () => [1, 'two', null],
  () => ({ version: 1 }),
  () => 'NaN',
];

/** Replaces one randomly chosen value inside `doc` (a copy) by a weird one. */
function mutate(r: Rng, doc: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(doc));
  let node = copy;
  for (let depth = 0; depth < 8; depth++) {
    const keys = node && typeof node === 'object' ? Object.keys(node) : [];
    if (!keys.length) break;
    const k = pick(r, keys);
    const child = node[k];
    if (depth > 0 && (r() < 0.3 || !child || typeof child !== 'object')) {
      if (r() < 0.15) delete node[k];
      else node[k] = pick(r, weird)();
      return copy;
    }
    node = child;
  }
  return r() < 0.5 ? pick(r, weird)() : copy;
}

/** Text-level damage: numbers become NaN / 1e999, cuts, inserted bytes, random text, deep nesting, long strings. */
function damage(r: Rng, text: string): string {
  switch (randInt(r, 0, 7)) {
    case 0:
      return text.slice(0, randInt(r, 0, text.length - 1));
    case 1:
      return text.replace(/\d+(\.\d+)?/, pick(r, ['NaN', '1e999', '-1e999', 'Infinity', '1'.repeat(400)]));
    case 2: {
      const at = randInt(r, 0, text.length);
      return (
        text.slice(0, at) +
        String.fromCharCode(...Array.from({ length: randInt(r, 1, 8) }, () => randInt(r, 0, 0xffff))) +
        text.slice(at)
      );
    }
    case 3:
      return String.fromCharCode(...Array.from({ length: randInt(r, 0, 300) }, () => randInt(r, 0, 255)));
    case 4:
      return deep(randInt(r, 1000, 200_000));
    case 5:
      return `{"input": "${'a'.repeat(randInt(r, 1, 300_000))}", "output": "b"}`;
    case 6:
      return text.replace(/"[a-z]+"/, '"' + 'z'.repeat(randInt(r, 1, 50_000)) + '"');
    default:
      try {
        return JSON.stringify(mutate(r, JSON.parse(text)));
      } catch {
        return [...text].reverse().join(''); // not JSON (a link): scramble it instead
      }
  }
}

function expectHandled(outcome: ReadOutcome<unknown>, input: string): void {
  if (!outcome.ok) {
    expect(outcome.errors.length, input.slice(0, 200)).toBeGreaterThan(0);
    for (const e of outcome.errors) {
      expect(typeof e).toBe('string');
      expect(e, input.slice(0, 200)).not.toMatch(/unexpected error/);
    }
  }
}

describe('fuzz: share links', () => {
  it('2,000 damaged links each restore or give a message with the default experiment, never throw', () => {
    const spec = typicalSpec();
    const share = shareWithResults(spec, fakeResults(spec));
    if (!share.ok) throw new Error(share.message);
    const summary = summarizeResults(fakeResults(spec));
    let refused = 0;
    let restored = 0;
    let noted = 0;
    for (let i = 0; i < 2000; i++) {
      let hash: string;
      const kind = i % 5;
      if (kind === 0) hash = share.fragment.slice(0, randInt(rng, 0, share.fragment.length));
      else if (kind === 1) hash = damage(rng, share.fragment);
      // Mutated documents behind a valid checksum reach the validators.
      else if (kind === 2) hash = `spec=${packPayload(mutate(rng, spec))}`;
      else if (kind === 3) hash = `spec=${packPayload(spec)}&results=${packPayload(mutate(rng, summary))}`;
      else hash = `spec=1.${randInt(rng, 0, 1e6).toString(36)}.${damage(rng, share.fragment.split('.').pop()!)}`;
      const r = restoreFromFragment(hash, { fallback: defaultSpec });
      if (r.kind === 'refused') {
        refused++;
        expect(r.spec).toEqual(defaultSpec());
        expect(r.message, hash.slice(0, 200)).not.toMatch(/could not be read \(/);
        expect(r.message.length).toBeGreaterThan(20);
      } else if (r.kind === 'restored') {
        restored++;
        if (r.notes.length) noted++;
      }
    }
    console.log(
      `links: ${refused} refused with a message, ${restored} restored (${noted} of them with a note on the results part), of 2000`,
    );
    expect(refused + noted).toBeGreaterThan(1200);
  });
});

describe('fuzz: importers', () => {
  const spec = typicalSpec();
  const valid: Record<keyof typeof textImporters, string> = {
    results: resultsToJson(fakeResults(spec)),
    spec: JSON.stringify(spec),
    dataset: JSON.stringify(Array.from({ length: 20 }, (_, i) => ({ input: `in ${i}`, output: `out ${i}` }))),
  };

  it.each(Object.keys(textImporters) as (keyof typeof textImporters)[])(
    '%s: 600 damaged files each give a value or messages',
    (kind) => {
      const importer = textImporters[kind];
      expect(importer.read(valid[kind], 'x.json').ok).toBe(true);
      let errors = 0;
      for (let i = 0; i < 600; i++) {
        const text = damage(rng, valid[kind]);
        const out: ReadOutcome<unknown> = importer.read(text, pick(rng, ['x.json', 'x.jsonl', 'x.csv', undefined]));
        expectHandled(out, text);
        if (!out.ok) errors++;
      }
      console.log(`${kind}: ${errors} of 600 refused with messages`);
      expect(errors).toBeGreaterThan(300);
    },
  );

  it('checkpoint: 400 damaged safetensors / config.json pairs each give a value or messages', () => {
    const config = tinyConfig();
    const { safetensors, configJson } = writeCheckpoint(config, initWeights(config, 3));
    expect(readCheckpointFiles({ 'config.json': configJson, 'model.safetensors': safetensors }).ok).toBe(true);
    let errors = 0;
    for (let i = 0; i < 400; i++) {
      let bytes = safetensors;
      let cfg = configJson;
      const kind = i % 4;
      if (kind === 0) bytes = safetensors.slice(0, randInt(rng, 0, safetensors.length - 1));
      else if (kind === 1) {
        bytes = safetensors.slice();
        for (let j = randInt(rng, 1, 16); j > 0; j--)
          bytes[randInt(rng, 0, Math.min(bytes.length - 1, 600))] = randInt(rng, 0, 255);
      } else if (kind === 2) cfg = JSON.stringify(mutate(rng, toHfConfig(config)));
      else bytes = new Uint8Array(Array.from({ length: randInt(rng, 0, 64) }, () => randInt(rng, 0, 255)));
      const out = readCheckpointFiles({ 'config.json': cfg, 'model.safetensors': bytes });
      expectHandled(out, cfg);
      if (!out.ok) errors++;
    }
    console.log(`checkpoint: ${errors} of 400 refused with messages`);
    expect(errors).toBeGreaterThan(200);
  });
});
