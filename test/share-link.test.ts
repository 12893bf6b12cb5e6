// Share links: spec → link → spec, results summary → link → summary, the 2,000-character target, the results budget,
// and every kind of bad link (malformed, truncated, tampered, future version) giving a message and the fallback.
import { describe, expect, it } from 'vitest';
import { parseResults } from '../src/engine/experiment/results';
import { defaultSpec, parseSpec, SPEC_VERSION, type ExperimentSpec } from '../src/engine/spec/experiment';
import { checksum, packPayload } from '../src/engine/share/linkPayload';
import { parseSummary, summarizeResults } from '../src/engine/share/resultsSummary';
import { unitTableFromNames } from '../src/engine/kif/unitNames';
import {
  LINK_PARAMS,
  restoreFromFragment,
  RESULTS_LINK_BUDGET,
  shareWithResults,
  SPEC_LINK_TARGET,
  specFragment,
  type LinkRestore,
} from '../src/engine/share/shareLink';
import { fakeResults, typicalSpec } from './helpers/shareFixtures';

const fallback = () => defaultSpec();
const open = (hash: string) => restoreFromFragment(hash, { fallback });
const restoredSpec = (r: LinkRestore): ExperimentSpec => {
  if (r.kind !== 'restored') throw new Error(`expected a restored link, got ${JSON.stringify(r)}`);
  return r.spec;
};
const refusal = (r: LinkRestore): string => {
  if (r.kind !== 'refused') throw new Error(`expected a refused link, got ${r.kind}`);
  expect(r.spec).toEqual(defaultSpec());
  return r.message;
};

describe('spec links', () => {
  it('a typical experiment (5 tasks, 3 strategies with knobs) fits in 2,000 characters and comes back deep-equal', () => {
    const spec = typicalSpec();
    const fragment = specFragment(spec);
    console.log(
      `typical spec: ${JSON.stringify(spec).length} characters of JSON, ${fragment.length} characters of fragment`,
    );
    expect(fragment.length).toBeLessThanOrEqual(SPEC_LINK_TARGET);
    expect(restoredSpec(open(`#${fragment}`))).toEqual(spec);
  });

  it('the default spec and a spec with a full model config round-trip, with or without "#" and beside other parameters', () => {
    const spec = defaultSpec();
    expect(restoredSpec(open(specFragment(spec)))).toEqual(spec);
    expect(restoredSpec(open(`#other=1&${specFragment(spec)}`))).toEqual(spec);
    const custom = parseSpec({
      ...spec,
      model: {
        config: {
          vocabSize: 259,
          dModel: 32,
          dKv: 8,
          numHeads: 4,
          dFf: 64,
          numLayers: 1,
          numDecoderLayers: 1,
          ffn: 'gated-gelu',
          tieEmbeddings: false,
          relBuckets: 32,
          relMaxDistance: 128,
          layerNormEps: 1e-6,
          dropout: 0.1,
        },
      },
    });
    if (!custom.ok) throw new Error(custom.errors.join('\n'));
    expect(restoredSpec(open(specFragment(custom.spec)))).toEqual(custom.spec);
  });

  it('a fragment with no link parameters is not a link', () => {
    expect(open('')).toEqual({ kind: 'none' });
    expect(open('#section-2')).toEqual({ kind: 'none' });
  });

  it('migrates an older spec version in the same restore step', () => {
    const { version: _, ...rest } = defaultSpec();
    const v0 = { ...rest, version: 0, seed: undefined, randomSeed: 7 }; // version 0 named the seed "randomSeed"
    const migrations = { 0: ({ randomSeed, ...doc }: Record<string, unknown>) => ({ ...doc, seed: randomSeed }) };
    const r = restoreFromFragment(`${LINK_PARAMS.spec}=${packPayload(v0)}`, { fallback, migrations });
    expect(restoredSpec(r)).toEqual({ ...defaultSpec(), seed: 7, version: SPEC_VERSION });
  });

  it('names the problem of a malformed, truncated, tampered or future link and opens the default experiment', () => {
    const good = packPayload(typicalSpec());
    const [, sum, data] = good.split('.');
    expect(refusal(open('#spec=hello'))).toMatch(/not a link of this app/);
    expect(refusal(open('#spec='))).toMatch(/not a link of this app/);
    expect(refusal(open(`#spec=1.${sum}.${data.slice(0, data.length >> 1)}`))).toMatch(/truncated|damaged/);
    expect(refusal(open(`#spec=1.${sum}.${data.slice(0, -3)}`))).toMatch(/truncated|damaged/);
    expect(refusal(open(`#spec=1.${sum}.${data.slice(0, 40)}!!${data.slice(42)}`))).toMatch(/damaged/);
    // One character of the data changed: decompresses to other text, which the checksum catches.
    const flipped = data.slice(0, 30) + (data[30] === 'A' ? 'B' : 'A') + data.slice(31);
    expect(refusal(open(`#spec=1.${sum}.${flipped}`))).toMatch(/truncated or (was altered|damaged)/);
    expect(refusal(open(`#spec=2.${sum}.${data}`))).toMatch(/link format 2, newer than this app reads \(1\)/);
    expect(refusal(open(`#spec=${packPayload({ ...typicalSpec(), version: SPEC_VERSION + 1 })}`))).toMatch(
      /version: 2 is newer than this app understands/,
    );
    expect(refusal(open(`#spec=${packPayload({ ...typicalSpec(), seed: -1 })}`))).toMatch(/seed: must be an integer/);
    expect(refusal(open(`#spec=${packPayload([1, 2])}`))).toMatch(/must be a JSON object/);
    expect(
      refusal(open(`#spec=${packPayload(typicalSpec()).replace(/^1\.[0-9a-z]+\./, `1.${checksum('x')}.`)}`)),
    ).toMatch(/checksum/);
    expect(refusal(open(`#results=${packPayload(summarizeResults(fakeResults(typicalSpec())))}`))).toMatch(
      /results but no experiment/,
    );
    // A hand-edited link whose checksum was recomputed is a different, valid experiment: that is allowed.
    expect(restoredSpec(open(`#spec=${packPayload({ ...typicalSpec(), seed: 9 })}`)).seed).toBe(9);
  });
});

describe('links with results', () => {
  it('carry the summary within the budget and give it back exactly; the receiver gets a results document it can draw', () => {
    const spec = typicalSpec();
    const doc = fakeResults(spec);
    expect(parseResults(JSON.parse(JSON.stringify(doc))).ok).toBe(true); // the fixture is a valid results document
    const share = shareWithResults(spec, doc);
    if (!share.ok) throw new Error(share.message);
    console.log(
      `typical results: ${doc.units.names.length} units, fragment with results ${share.fragment.length} characters (budget ${RESULTS_LINK_BUDGET})`,
    );
    const r = open(`#${share.fragment}`);
    if (r.kind !== 'restored' || !r.summary || !r.results) throw new Error(JSON.stringify(r).slice(0, 500));
    expect(r.spec).toEqual(spec);
    expect(r.summary).toEqual(summarizeResults(doc));
    expect(r.notes).toEqual([]);
    const back = parseResults(JSON.parse(JSON.stringify(r.results)));
    if (!back.ok) throw new Error(back.errors.join('\n'));
    const kif = back.results.strategies[0];
    expect(kif.matrix).toEqual(doc.strategies[0].matrix);
    expect(kif.metrics).toEqual(doc.strategies[0].metrics);
    // Final importance within 1/999 of its range, fusion weights and cases exact.
    const names = doc.units.names;
    const orig = doc.strategies[0].importance!.tasks[4];
    const range = Math.max(...Object.values(orig)) - Math.min(...Object.values(orig));
    for (const n of names)
      expect(Math.abs(kif.importance!.tasks[4][n] - orig[n])).toBeLessThanOrEqual(range / 999 / 2 + 1e-12);
    expect(kif.fusions[0].prevWeight).toEqual(doc.strategies[0].fusions[3].prevWeight);
    expect(kif.fusions[0].cases).toEqual(doc.strategies[0].fusions[3].cases);
    expect(back.results.warnings[0]).toMatch(/summary/);
  });

  it("carry a strategy's own units (kif-lora's adapter ranks) and its maps over them: the heatmap comes back", () => {
    const spec = typicalSpec();
    const doc = fakeResults(spec);
    const own = ['q', 'v'].flatMap((r) =>
      [0, 1, 2, 3].map((k) => `encoder.block.0.layer.0.SelfAttention.${r}.lora|${k}`),
    );
    const scores = Object.fromEntries(own.map((n, i) => [n, (i + 1) * 1e-3]));
    const lora = {
      ...doc.strategies[0],
      name: 'kif-lora',
      label: 'kif-lora',
      units: unitTableFromNames('lora-rank', own),
      importance: { tasks: doc.strategies[0].importance!.tasks.map(() => scores), accumulated: [] },
      fusions: [{ afterTask: 1, rule: 'hard', prevWeight: Object.fromEntries(own.map((n, i) => [n, i % 2])) }],
    };
    const withLora = { ...doc, strategies: [lora, ...doc.strategies.slice(1)] };
    const share = shareWithResults(spec, withLora);
    if (!share.ok) throw new Error(share.message);
    const r = open(`#${share.fragment}`);
    if (r.kind !== 'restored' || !r.results) throw new Error(JSON.stringify(r).slice(0, 500));
    const back = parseResults(JSON.parse(JSON.stringify(r.results)));
    if (!back.ok) throw new Error(back.errors.join('\n'));
    const got = back.results.strategies[0];
    expect(got.units?.names).toEqual(own);
    expect(got.units?.infos.every((u) => u.shape === 'lora-rank')).toBe(true);
    const last = got.importance!.tasks.at(-1)!;
    for (const [i, n] of own.entries()) expect(last[n]).toBeCloseTo((i + 1) * 1e-3, 5);
    expect(got.fusions[0].prevWeight).toEqual(lora.fusions[0].prevWeight);
    // The other strategies keep the run's units.
    expect(back.results.strategies[1].units).toBeUndefined();
    // Maps that do not match the strategy's own unit count are refused with the place named.
    const summary = summarizeResults(withLora);
    const bad = {
      ...summary,
      strategies: [{ ...summary.strategies[0], units: { granularity: 'lora-rank', names: own.slice(1) } }],
    };
    const parsed = parseSummary(JSON.parse(JSON.stringify(bad)));
    expect(parsed.ok ? [] : parsed.errors.join(' ')).toMatch(
      /strategies\[0\]\.importance\.scores\.levels: has 8 entries, one per unit \(7\)/,
    );
  });

  it('says when the results do not fit, with the length and the budget', () => {
    const spec = typicalSpec();
    const doc = fakeResults(spec);
    const share = shareWithResults(spec, doc, 1000);
    expect(share.ok).toBe(false);
    if (share.ok) return;
    expect(share.length).toBeGreaterThan(1000);
    expect(share.message).toMatch(/over the 1,000 a link can safely carry.*results file/);
  });

  it('a bad results part leaves the experiment open with a note', () => {
    const spec = typicalSpec();
    const sf = specFragment(spec);
    const summary = summarizeResults(fakeResults(spec));
    const notes = (hash: string, expected = spec) => {
      const r = open(hash);
      expect(restoredSpec(r)).toEqual(expected);
      return r.kind === 'restored' ? r.notes.join(' ') : '';
    };
    expect(notes(`${sf}&results=1.abc.zzz`)).toMatch(/results part is truncated or damaged/);
    expect(notes(`${sf}&results=${packPayload({ ...summary, version: 9 })}`)).toMatch(/version: 9 is newer/);
    expect(notes(`${sf}&results=${packPayload({ ...summary, tasks: summary.tasks.slice(1) })}`)).toMatch(
      /not valid|do not belong/,
    );
    const wrongLength = {
      ...summary,
      strategies: [
        { ...summary.strategies[0], fusion: { ...summary.strategies[0].fusion!, cases: 'sk' } },
        ...summary.strategies.slice(1),
      ],
    };
    expect(notes(`${sf}&results=${packPayload(wrongLength)}`)).toMatch(/fusion\.cases: has 2 entries, one per unit/);
    const twoTasks = { ...spec, tasks: spec.tasks.slice(0, 2) };
    expect(notes(`${specFragment(twoTasks)}&results=${packPayload(summary)}`, twoTasks)).toMatch(
      /do not belong to this experiment/,
    );
  });
});
