import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unitKindOf, unitKindRegistry, unitPlace, unitWords, type UnitPlace } from '../src/engine/kif/unitKindRegistry';
import { unitInfoFromName, unitTableFromNames } from '../src/engine/kif/unitNames';
import { buildUnits, granularities, type BuiltUnit } from '../src/engine/kif/units';
import { presets } from '../src/engine/model/config';
import { paramSpecs } from '../src/engine/model/paramSpec';
import { unitGrid } from '../src/app/heatmap/unitLayout';
import { caseStyles } from '../src/app/heatmap/colors';
import { contrastRatio } from '../src/app/heatmap/contrast';
import { unitInfoSchema } from '../src/engine/kif/unitInfoSchema';

// Recorded from the two regex tables (app/heatmap/unitLayout.ts placeUnit, engine/kif/unitKinds.ts describeUnit)
// before the registry replaced them: nano and mini at each granularity with rank-4 LoRA on two modules, and odd names.
const before: Array<{ name: string; place: UnitPlace; kind: string; words: string }> = JSON.parse(
  readFileSync(new URL('./fixtures/unit-places/before-registry.json', import.meta.url), 'utf8'),
);

const loraModules = ['encoder.block.0.layer.0.SelfAttention.q', 'decoder.block.1.layer.1.EncDecAttention.v'];
function unitsOf(preset: string, granularity: string, withLora = true): BuiltUnit[] {
  const c = presets[preset];
  const lora = loraModules.flatMap((m) => [
    { name: `${m}.lora_A`, shape: [4, c.dModel] },
    { name: `${m}.lora_B`, shape: [c.dModel, 4] },
  ]);
  return buildUnits(granularity, [...paramSpecs(c), ...(withLora ? lora : [])], {
    numHeads: c.numHeads,
    neuronBlock: 64,
  });
}

describe('unit kind registry', () => {
  it('old names restore to the places, families and words the regex tables gave', () => {
    expect(before.length).toBeGreaterThan(300);
    for (const e of before) {
      const info = unitInfoFromName(e.name);
      expect(unitPlace(info), e.name).toEqual(e.place);
      expect({ kind: unitKindOf(info), words: unitWords(info) }, e.name).toEqual({ kind: e.kind, words: e.words });
    }
  });

  for (const preset of ['nano', 'mini']) {
    for (const granularity of Object.keys(granularities)) {
      it(`${preset}, ${granularity}: a unit's record is what its name restores to, placed as before`, () => {
        const old = new Map(before.map((e) => [e.name, e]));
        for (const u of unitsOf(preset, granularity)) {
          expect(u.info, u.name).toEqual(unitInfoFromName(u.name));
          const e = old.get(u.name)!;
          expect(unitPlace(u.info), u.name).toEqual(e.place);
          expect({ kind: unitKindOf(u.info), words: unitWords(u.info) }).toEqual({ kind: e.kind, words: e.words });
          expect(u.combine, u.name).toBe(unitKindRegistry[u.info.shape].combine);
        }
      });
    }
  }

  it('nano at head-neuron: one row per layer, numHeads head cells per attention module, dFf/64 neuron cells', () => {
    const c = presets.nano;
    const units = unitsOf('nano', 'head-neuron', false);
    const places = units.map((u) => unitPlace(u.info));
    const rows = [...new Set(places.map((p) => p.row))];
    const layers = (stack: string, n: number) => Array.from({ length: n }, (_, i) => `${stack} ${i}`);
    expect(rows.sort()).toEqual(
      [
        'embeddings',
        ...layers('decoder', c.numDecoderLayers),
        'decoder end',
        ...layers('encoder', c.numLayers),
        'encoder end',
      ].sort(),
    );
    const cells = (row: string, group: string) =>
      places.filter((p) => p.row === row && p.group === group).map((p) => p.sub);
    const heads = Array.from({ length: c.numHeads }, (_, h) => `h${h}`);
    expect(cells('encoder 0', 'self-attn')).toEqual(heads);
    expect(cells('decoder 0', 'cross-attn')).toEqual(heads);
    expect(cells('encoder 0', 'cross-attn')).toEqual([]);
    expect(cells('encoder 0', 'FFN')).toEqual(Array.from({ length: Math.ceil(c.dFf / 64) }, (_, i) => `n${i * 64}`));
    expect(cells('decoder 0', 'norms')).toEqual(['ln0', 'ln1', 'ln2']);
    expect(cells('decoder 0', 'other')).toEqual(['rel-pos']);
  });

  it('LoRA ranks sit in the adapted module as role·rank cells and are scored as a product', () => {
    const lora = unitsOf('nano', 'lora-rank').filter((u) => u.info.shape === 'lora-rank');
    expect(lora.map((u) => unitPlace(u.info))).toEqual([
      ...[0, 1, 2, 3].map((j) => ({ row: 'encoder 0', group: 'self-attn', sub: `q·${j}` })),
      ...[0, 1, 2, 3].map((j) => ({ row: 'decoder 1', group: 'cross-attn', sub: `v·${j}` })),
    ]);
    expect(lora.every((u) => u.combine === 'product' && unitKindOf(u.info) === 'lora')).toBe(true);
  });

  it('names of no known shape are "other", whole and unsplit', () => {
    expect(unitInfoFromName('decoder.block.x.layer.0.SelfAttention#head1')).toEqual({
      shape: 'other',
      name: 'decoder.block.x.layer.0.SelfAttention#head1',
    });
    const [u] = buildUnits('head-neuron', [{ name: 'adapter.SelfAttention.q.weight', shape: [4, 4] }], { numHeads: 2 });
    expect(u.info).toEqual({ shape: 'other', name: 'adapter.SelfAttention#head0' });
  });

  it('heatmap rows sort in model order whatever order the names come in', () => {
    const names = unitsOf('nano', 'tensor')
      .map((u) => u.name)
      .reverse();
    expect(unitGrid(unitTableFromNames('tensor', names)).rows).toEqual([
      'encoder 0',
      'encoder 1',
      'encoder end',
      'decoder 0',
      'decoder 1',
      'decoder end',
      'embeddings',
      'other',
    ]);
  });

  it('every kind has its legend: a marker of its own, one colour per family, readable on white, not a case colour', () => {
    const entries = Object.values(unitKindRegistry);
    expect(new Set(entries.map((e) => e.legend.marker)).size).toBe(entries.length);
    const byFamily = new Map<string, Set<string>>();
    for (const e of entries) {
      expect(contrastRatio(e.legend.colour, '#ffffff'), e.label).toBeGreaterThanOrEqual(3);
      byFamily.set(e.kind, (byFamily.get(e.kind) ?? new Set()).add(e.legend.colour));
    }
    for (const [kind, colours] of byFamily) expect(colours.size, kind).toBe(1);
    expect(new Set(entries.map((e) => e.legend.colour)).size).toBe(byFamily.size);
    // A fusion map shows both: no kind takes a case's colour.
    const cases = Object.values(caseStyles).map((c) => c.color.toLowerCase());
    for (const e of entries) expect(cases, e.label).not.toContain(e.legend.colour);
  });

  it("each heatmap column knows its units' kind, which the legend reads", () => {
    const units = unitsOf('nano', 'head-neuron', false);
    const grid = unitGrid({ names: units.map((u) => u.name), infos: units.map((u) => u.info) });
    const kindOf = new Map(grid.columns.map((c) => [`${c.group}/${c.sub}`, c.shape]));
    expect(kindOf.get('self-attn/h0')).toBe('head');
    expect(kindOf.get('FFN/n0')).toBe('neuron-block');
    expect(kindOf.get('norms/ln0')).toBe('layer-norm');
    expect(kindOf.get('norms/final')).toBe('final-norm');
    expect(kindOf.get('other/rel-pos')).toBe('relative-bias');
    expect(kindOf.get('other/embed')).toBe('embedding');
  });

  it('the results schema takes the record of every kind (each registry entry has its zod variant) and refuses odd ones', () => {
    const infos = before.map((e) => unitInfoFromName(e.name));
    expect(new Set(infos.map((i) => i.shape))).toEqual(new Set(Object.keys(unitKindRegistry)));
    for (const info of infos) expect(unitInfoSchema.safeParse(info).success, JSON.stringify(info)).toBe(true);
    expect(unitInfoSchema.safeParse({ shape: 'head', stack: 'encoder', layer: 0, sublayer: 0 }).success).toBe(false);
    expect(unitInfoSchema.safeParse({ shape: 'bulb', name: 'x' }).success).toBe(false);
  });
});
