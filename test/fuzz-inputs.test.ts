// The input fuzz suite: 10,000+ seeded cases over every kind of outside input (share links, spec files, results
// files, datasets, config.json, safetensors, tokenizer.json, saved runs, resume checkpoints), generated from each
// format's specification (test/helpers/fuzzGen.ts). Every case is classified: accepted and sane, refused with a named
// message, unexpected throw, unclear message, insane acceptance, or over its time budget. Any of the last four fails.
import { describe, expect, it } from 'vitest';
import { resultsToJson } from '../src/engine/export/resultsFile';
import { memoryVerdict } from '../src/engine/experiment/memoryBudget';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  checkpointShapeProblems,
  resumePoint,
  stepsBefore,
  type RunCheckpoint,
} from '../src/engine/experiment/resume';
import type { ResultsDocument } from '../src/engine/experiment/results';
import { experimentProblems } from '../src/engine/experiment/specCheck';
import { CheckpointError } from '../src/engine/io/checkpointError';
import { fromHfConfig } from '../src/engine/io/hfConfig';
import { parseSafetensors } from '../src/engine/io/safetensors';
import { limits } from '../src/engine/limits';
import { paramCount } from '../src/engine/model/paramSpec';
import { textImporters } from '../src/engine/share/importers';
import { packPayload } from '../src/engine/share/linkPayload';
import { summarizeResults } from '../src/engine/share/resultsSummary';
import { restoreFromFragment, specFragment } from '../src/engine/share/shareLink';
import { defaultSpec, parseSpec, type ExperimentSpec } from '../src/engine/spec/experiment';
import { loadHfTokenizer } from '../src/engine/tokenizers/hfTokenizer';
import { TokenizerError } from '../src/engine/tokenizers/tokenizer';
import { makeRng, pick, randInt, type Rng } from '../src/engine/util/rng';
import { newRun } from '../src/app/storage/savedRun';
import { sortRecords } from '../src/app/storage/savedRunCheck';
import { configJson, edge, mostly, mutateDeep, probeTexts, safetensorsFile, tokenizerJson } from './helpers/fuzzGen';
import { fakeResults, typicalSpec } from './helpers/shareFixtures';

type Read<T> = { ok: true; value: T } | { ok: false; errors: string[] };
type Outcome =
  | 'accepted and sane'
  | 'refused with a message'
  | 'unexpected throw'
  | 'unclear message'
  | 'insane acceptance'
  | 'over time budget';
const outcomes: Outcome[] = [
  'accepted and sane',
  'refused with a message',
  'unexpected throw',
  'unclear message',
  'insane acceptance',
  'over time budget',
];
const failing = new Set<Outcome>(['unexpected throw', 'unclear message', 'insane acceptance', 'over time budget']);

/** Per case; generous for a shared 2-core machine, far below what a hang or an explosion takes. */
const CASE_BUDGET_MS = 500;
// A message that names nothing: a reader's internals leaking out.
const unclear =
  /unexpected error|\bundefined\b|NaN bytes|\[object Object\]|Cannot read prop|is not a function|is not iterable|Invalid input/;

interface Tally {
  counts: Record<Outcome, number>;
  examples: string[];
}
const table = new Map<string, Tally>();

/** Runs one case of `kind`: `read` gives a value or messages (or throws: expected errors are listed), `sane` checks a value. */
function fuzzCase<T>(
  kind: string,
  input: () => string,
  read: () => Read<T>,
  sane: (v: T) => string | null,
  expected: (new (...a: never[]) => Error)[] = [],
): void {
  const tally = table.get(kind) ?? {
    counts: Object.fromEntries(outcomes.map((o) => [o, 0])) as Record<Outcome, number>,
    examples: [],
  };
  table.set(kind, tally);
  const t0 = performance.now();
  let outcome: Outcome;
  let detail = '';
  try {
    const r = read();
    if (r.ok) {
      const why = sane(r.value);
      outcome = why ? 'insane acceptance' : 'accepted and sane';
      detail = why ?? '';
    } else {
      const bad = r.errors.find((e) => typeof e !== 'string' || e.length < 10 || unclear.test(e));
      outcome = r.errors.length === 0 || bad !== undefined ? 'unclear message' : 'refused with a message';
      detail = bad ?? '';
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (expected.some((c) => e instanceof c)) {
      outcome = unclear.test(msg) ? 'unclear message' : 'refused with a message';
      detail = msg;
    } else {
      outcome = 'unexpected throw';
      detail = `${e instanceof Error ? e.name : typeof e}: ${msg}`;
    }
  }
  if (performance.now() - t0 > CASE_BUDGET_MS) {
    outcome = 'over time budget';
    detail = `${Math.round(performance.now() - t0)} ms`;
  }
  tally.counts[outcome]++;
  if (failing.has(outcome) && tally.examples.length < 5)
    tally.examples.push(`${outcome}: ${detail.slice(0, 200)}\n    input: ${input().slice(0, 300)}`);
}

const percentOk = (xs: number[][]) => xs.every((row) => row.every((x) => x >= 0 && x <= 100));
function resultsSane(doc: ResultsDocument): string | null {
  for (const s of doc.strategies) {
    if (!percentOk(s.matrix)) return `a score outside 0..100 in ${s.name}`;
    const m = s.metrics;
    if (m && !(m.ap >= 0 && m.ap <= 100)) return `AP ${m.ap}`;
  }
  return null;
}
function specSane(spec: ExperimentSpec): string | null {
  const config = 'config' in spec.model ? spec.model.config : null;
  if (config && paramCount(config) > limits.params.value) return `${paramCount(config)} parameters accepted`;
  const t = spec.training;
  if (t.batchSize * (t.maxInputLen + t.maxOutputLen) > limits.batchTokens.value)
    return 'batch tokens over the limit accepted';
  if (!Array.isArray(experimentProblems(spec))) return 'experimentProblems gave no list';
  memoryVerdict(spec, 'wasm');
  return null;
}

/** A spec document: the typical one, each field now and then replaced by an edge value, or a model config instead of a preset. */
function specDoc(r: Rng): unknown {
  const base = typicalSpec() as unknown as Record<string, unknown>;
  if (r() < 0.3) {
    const int = (lo: number, hi: number) => mostly(r, () => randInt(r, lo, hi), 0.9);
    base.model = {
      config: {
        vocabSize: int(259, 300_000),
        dModel: int(1, 4096),
        dKv: int(1, 1024),
        numHeads: int(1, 128),
        dFf: int(1, 32_768),
        numLayers: int(1, 48),
        numDecoderLayers: int(1, 48),
        ffn: mostly(r, () => pick(r, ['relu', 'gated-gelu'])),
        tieEmbeddings: mostly(r, () => r() < 0.5),
        relBuckets: int(1, 64),
        relMaxDistance: int(1, 256),
        layerNormEps: mostly(r, () => 1e-6),
        dropout: mostly(r, () => 0.1),
      },
    };
  }
  if (r() < 0.2)
    base.training = {
      ...(base.training as object),
      batchSize: mostly(r, () => randInt(r, 1, 1024)),
      maxInputLen: mostly(r, () => randInt(r, 1, 4096)),
      maxOutputLen: mostly(r, () => randInt(r, 1, 1024)),
    };
  return r() < 0.6 ? mutateDeep(r, base) : base;
}

const rng = makeRng(19_2026);
const spec = typicalSpec();
const doc = fakeResults(spec);
const summary = summarizeResults(doc);

describe('input fuzz suite', () => {
  it('share links (spec and results): 1,500 cases', () => {
    for (let i = 0; i < 1500; i++) {
      let hash: string;
      const kind = i % 4;
      if (kind === 0) hash = `spec=${packPayload(specDoc(rng))}`;
      else if (kind === 1) hash = `${specFragment(spec)}&results=${packPayload(mutateDeep(rng, summary))}`;
      else if (kind === 2) {
        const s = specFragment(spec);
        const at = randInt(rng, 0, s.length);
        hash = s.slice(0, at) + pick(rng, ['', '%', '&', '=', '.', 'Z', '\u00e9']) + s.slice(at + randInt(rng, 0, 3));
      } else hash = `spec=${packPayload(spec)}&results=${packPayload(edge(rng))}`;
      fuzzCase(
        'share link',
        () => hash,
        () => {
          const r = restoreFromFragment(hash, { fallback: defaultSpec });
          return r.kind === 'refused' ? { ok: false, errors: [r.message] } : { ok: true, value: r };
        },
        (r) => {
          if (r.kind === 'none') return null;
          if (!parseSpec(r.spec).ok) return 'restored a spec that does not validate';
          return specSane(r.spec) ?? (r.results ? resultsSane(r.results) : null);
        },
      );
    }
  });

  it('spec files: 1,500 cases', () => {
    for (let i = 0; i < 1500; i++) {
      const text = JSON.stringify(specDoc(rng));
      fuzzCase(
        'spec file',
        () => text,
        () => textImporters.spec.read(text),
        specSane,
      );
    }
  });

  it('results files: 1,000 cases', () => {
    const valid = JSON.parse(resultsToJson(doc));
    for (let i = 0; i < 1000; i++) {
      let mutated = mutateDeep(rng, valid);
      if (i % 3 === 0) mutated = mutateDeep(rng, mutated);
      const text = JSON.stringify(mutated);
      fuzzCase(
        'results file',
        () => text,
        () => textImporters.results.read(text),
        resultsSane,
      );
    }
  });

  it('datasets (JSON and JSONL): 500 cases', () => {
    for (let i = 0; i < 500; i++) {
      const records = Array.from({ length: randInt(rng, 0, 6) }, (_, j) =>
        rng() < 0.85
          ? { input: `in ${j}`, output: `out ${j}` }
          : mutateDeep(rng, { input: 'x', output: 'y', split: 'train' }),
      );
      const jsonl = rng() < 0.5;
      const text = jsonl
        ? records.map((x) => JSON.stringify(x)).join('\n')
        : JSON.stringify(rng() < 0.9 ? records : edge(rng));
      fuzzCase(
        'dataset (JSON, JSONL)',
        () => text,
        () => textImporters.dataset.read(text, jsonl ? 'd.jsonl' : 'd.json'),
        (v) =>
          v.examples.every((e) => typeof e.input === 'string' && typeof e.output === 'string')
            ? null
            : 'an example that is not two strings',
      );
    }
  });

  it('config.json: 1,500 cases', () => {
    for (let i = 0; i < 1500; i++) {
      const cfg = configJson(rng);
      fuzzCase(
        'config.json',
        () => JSON.stringify(cfg),
        () => ({ ok: true, value: fromHfConfig(cfg) }),
        (c) =>
          paramCount(c) <= limits.params.value &&
          c.numLayers <= limits.layers.value &&
          c.numDecoderLayers <= limits.layers.value
            ? null
            : 'a model over the limits accepted',
        [CheckpointError],
      );
    }
  });

  it('safetensors: 1,500 cases', () => {
    for (let i = 0; i < 1500; i++) {
      const bytes = safetensorsFile(rng);
      fuzzCase(
        'safetensors',
        () => new TextDecoder().decode(bytes.subarray(0, 300)),
        () => ({ ok: true, value: { tensors: parseSafetensors(bytes), size: bytes.length } }),
        ({ tensors }) => {
          for (const [name, t] of tensors)
            if (t.data.length !== t.shape.reduce((a, b) => a * b, 1))
              return `tensor ${name}: ${t.data.length} values for shape ${t.shape}`;
          return null;
        },
        [CheckpointError],
      );
    }
  });

  it('tokenizer.json: 1,500 cases, each accepted one encoding the probe texts in time', () => {
    for (let i = 0; i < 1500; i++) {
      const json = tokenizerJson(rng);
      fuzzCase(
        'tokenizer.json',
        () => JSON.stringify(json),
        () => ({ ok: true, value: loadHfTokenizer(json as object) }),
        (tok) => {
          for (const text of probeTexts) {
            const ids = tok.encode(text);
            const bad = ids.find((id) => !Number.isInteger(id) || id < 0 || id >= tok.vocabSize);
            if (bad !== undefined)
              return `encode(${JSON.stringify(text)}) gave id ${bad} outside 0..${tok.vocabSize - 1}`;
            if (ids.at(-1) !== tok.eosId) return 'encode did not end with eos';
            if (typeof tok.decode(ids) !== 'string') return 'decode gave no string';
          }
          return null;
        },
        [TokenizerError],
      );
    }
  });

  it('saved runs: 500 cases', () => {
    const good = { ...newRun(spec, 1000), strategies: doc.strategies.slice(0, 1), resumeAt: { strategy: 0, task: 1 } };
    for (let i = 0; i < 500; i++) {
      const raw = i % 10 === 0 ? good : mutateDeep(rng, i % 3 === 0 ? mutateDeep(rng, good) : good);
      fuzzCase(
        'saved run',
        () => JSON.stringify(raw),
        () => {
          const { runs, damaged } = sortRecords([raw]);
          return runs.length ? { ok: true, value: runs[0] } : { ok: false, errors: damaged.map((d) => d.reason) };
        },
        (run) =>
          parseSpec(run.spec).ok &&
          Array.isArray(run.strategies) &&
          (run.resumeAt === null || run.resumeAt.task < run.spec.tasks.length)
            ? null
            : 'a run that cannot be opened accepted',
      );
    }
  });

  it('resume checkpoints: 500 cases', () => {
    const weights = new Map([['shared.weight', { shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) }]]);
    const good: RunCheckpoint = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      done: doc.strategies.slice(0, 1),
      current: { strategy: 1, nextTask: 2, weights, state: {}, result: doc.strategies[1] },
    };
    for (let i = 0; i < 500; i++) {
      const raw = i % 10 === 0 ? good : (mutateDeep(rng, good) as RunCheckpoint);
      fuzzCase(
        'resume checkpoint',
        () => JSON.stringify(raw, (_k, v) => (v instanceof Map ? '[Map]' : v)),
        () => {
          const problems = checkpointShapeProblems(raw);
          return problems.length ? { ok: false, errors: problems } : { ok: true, value: raw };
        },
        (cp) => {
          const at = resumePoint(cp);
          return Number.isInteger(at.strategy) &&
            Number.isFinite(
              stepsBefore(
                cp,
                spec.tasks.map((t) => t.steps),
              ),
            )
            ? null
            : 'a checkpoint whose resume point is not a number accepted';
        },
      );
    }
  });

  it('no case threw, hung, gave an unclear message or was accepted though insane (the table)', () => {
    const rows = [...table.entries()];
    const total = rows.reduce((a, [, t]) => a + outcomes.reduce((b, o) => b + t.counts[o], 0), 0);
    const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
    console.log(
      [
        line(['input', 'cases', ...outcomes]),
        line(Array(outcomes.length + 2).fill('---')),
        ...rows.map(([k, t]) =>
          line([k, outcomes.reduce((b, o) => b + t.counts[o], 0), ...outcomes.map((o) => t.counts[o])]),
        ),
        line(['all', total, ...outcomes.map((o) => rows.reduce((a, [, t]) => a + t.counts[o], 0))]),
      ].join('\n'),
    );
    expect(total).toBeGreaterThanOrEqual(10_000);
    const failures = rows.flatMap(([k, t]) => t.examples.map((e) => `${k}: ${e}`));
    expect(failures, failures.join('\n\n')).toEqual([]);
    // Each kind exercises both sides: some inputs accepted, some refused.
    for (const [k, t] of rows) {
      expect(t.counts['accepted and sane'], k).toBeGreaterThan(0);
      expect(t.counts['refused with a message'], k).toBeGreaterThan(0);
    }
  });
});
