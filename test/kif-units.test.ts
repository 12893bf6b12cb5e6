import { describe, expect, it } from 'vitest';
import { buildUnits, forEachElement, granularities, type ParamShape, type SkillUnit } from '../src/engine/kif/units';
import { presets } from '../src/engine/model/config';
import { paramSpecs } from '../src/engine/model/paramSpec';

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** How many units cover each element of each parameter. */
function coverage(params: readonly ParamShape[], units: readonly SkillUnit[]): Map<string, Uint8Array> {
  const counts = new Map(params.map((p) => [p.name, new Uint8Array(sizeOf(p.shape))]));
  const shapes = new Map(params.map((p) => [p.name, p.shape]));
  for (const u of units)
    for (const part of u.parts) forEachElement(part, shapes.get(part.param)!, (i) => counts.get(part.param)![i]++);
  return counts;
}

const withLora = (params: ParamShape[], rank: number, d: number): ParamShape[] => [
  ...params,
  ...['encoder.block.0.layer.0.SelfAttention.q', 'decoder.block.1.layer.1.EncDecAttention.v'].flatMap((m) => [
    { name: `${m}.lora_A`, shape: [rank, d] },
    { name: `${m}.lora_B`, shape: [d, rank] },
  ]),
];

describe('unit coverage: every element of every parameter is in exactly one unit', () => {
  const cases = [
    { preset: 'nano', neuronBlock: 16 },
    { preset: 'nano', neuronBlock: 24 }, // 256 = 10·24 + 16: a shorter last block
    { preset: 'mini', neuronBlock: 64 }, // gated-GELU (wi_0, wi_1), untied lm_head, 8 heads
  ];
  for (const { preset, neuronBlock } of cases) {
    for (const granularity of Object.keys(granularities)) {
      it(`${preset}, ${granularity}, neuron block ${neuronBlock}`, () => {
        const c = presets[preset];
        const params = withLora(paramSpecs(c), 8, c.dModel);
        const units = buildUnits(granularity, params, { numHeads: c.numHeads, neuronBlock });
        expect(new Set(units.map((u) => u.name)).size).toBe(units.length);
        for (const [name, counts] of coverage(params, units)) {
          expect(
            counts.every((n) => n === 1),
            name,
          ).toBe(true);
        }
      });
    }
  }
});

describe('unit layouts on the nano preset', () => {
  const c = presets.nano;
  const specs = paramSpecs(c);
  const byName = (units: SkillUnit[]) => new Map(units.map((u) => [u.name, u]));

  it('tensor units: one per parameter, named by it (47 for nano)', () => {
    const units = buildUnits('tensor', specs, { numHeads: c.numHeads });
    expect(units.map((u) => u.name)).toEqual(specs.map((s) => s.name));
    expect(units.length).toBe(47);
    expect(units.every((u) => u.combine === 'mean' && u.parts.length === 1 && !u.parts[0].slice)).toBe(true);
  });

  it('head units: rows h·dKv..(h+1)·dKv of q, k, v and the same columns of o', () => {
    const units = byName(buildUnits('head-neuron', specs, { numHeads: c.numHeads }));
    const m = 'encoder.block.0.layer.0.SelfAttention';
    expect(units.get(`${m}#head3`)).toEqual({
      name: `${m}#head3`,
      combine: 'mean',
      parts: [
        { param: `${m}.q.weight`, slice: { axis: 0, start: 48, end: 64 } },
        { param: `${m}.k.weight`, slice: { axis: 0, start: 48, end: 64 } },
        { param: `${m}.v.weight`, slice: { axis: 0, start: 48, end: 64 } },
        { param: `${m}.o.weight`, slice: { axis: 1, start: 48, end: 64 } },
      ],
      info: { shape: 'head', stack: 'encoder', layer: 0, sublayer: 0, module: 'SelfAttention', index: 3 },
    });
    expect(units.has('decoder.block.1.layer.1.EncDecAttention#head0')).toBe(true);
    expect(units.has(`${m}.relative_attention_bias.weight`)).toBe(true);
  });

  it('neuron-block units: rows of wi with the matching columns of wo; 103 units for nano with blocks of 16', () => {
    const list = buildUnits('head-neuron', specs, { numHeads: c.numHeads });
    // 6 attention modules × 4 heads + 4 FFNs × 16 blocks + 15 remaining tensors (norms, embedding, relative bias).
    expect(list.length).toBe(24 + 64 + 15);
    const m = 'encoder.block.0.layer.1.DenseReluDense';
    expect(byName(list).get(`${m}#neurons16-31`)!.parts).toEqual([
      { param: `${m}.wi.weight`, slice: { axis: 0, start: 16, end: 32 } },
      { param: `${m}.wo.weight`, slice: { axis: 1, start: 16, end: 32 } },
    ]);
    const odd = buildUnits('head-neuron', specs, { numHeads: c.numHeads, neuronBlock: 100 });
    expect(odd.filter((u) => u.name.startsWith(`${m}#`)).map((u) => u.name)).toEqual([
      `${m}#neurons0-99`,
      `${m}#neurons100-199`,
      `${m}#neurons200-255`,
    ]);
  });

  it('LoRA rank units pair row j of A with column j of B and multiply their means', () => {
    const m = 'encoder.block.0.layer.0.SelfAttention.q';
    const units = buildUnits(
      'lora-rank',
      [...specs, { name: `${m}.lora_A`, shape: [8, 64] }, { name: `${m}.lora_B`, shape: [64, 8] }],
      { numHeads: 4 },
    );
    const rank = units.filter((u) => u.name.startsWith(`${m}.lora|`));
    expect(rank.map((u) => u.name)).toEqual(Array.from({ length: 8 }, (_, j) => `${m}.lora|${j}`));
    expect(rank[7]).toEqual({
      name: `${m}.lora|7`,
      combine: 'product',
      parts: [
        { param: `${m}.lora_A`, slice: { axis: 0, start: 7, end: 8 } },
        { param: `${m}.lora_B`, slice: { axis: 1, start: 7, end: 8 } },
      ],
      info: {
        shape: 'lora-rank',
        stack: 'encoder',
        layer: 0,
        sublayer: 0,
        module: 'SelfAttention',
        role: 'q',
        index: 7,
      },
    });
    expect(units.length).toBe(47 + 8);
  });

  it('forEachElement walks a column slice in row-major order', () => {
    const seen: number[] = [];
    forEachElement({ param: 'x', slice: { axis: 1, start: 1, end: 3 } }, [2, 4], (i) => seen.push(i));
    expect(seen).toEqual([1, 2, 5, 6]);
  });

  it('bad input is named', () => {
    expect(() => buildUnits('heads', specs, { numHeads: 4 })).toThrow(
      /unknown unit granularity "heads"; known: tensor, head-neuron, lora-rank/,
    );
    expect(() => buildUnits('head-neuron', specs, { numHeads: 4, neuronBlock: 0 })).toThrow(/neuron block size/);
    expect(() => buildUnits('head-neuron', specs, { numHeads: 5 })).toThrow(
      /64 attention rows do not split into 5 heads/,
    );
    expect(() => buildUnits('lora-rank', [{ name: 'a.lora_A', shape: [2, 4] }], { numHeads: 1 })).toThrow(/needs both/);
    expect(() => forEachElement({ param: 'x', slice: { axis: 0, start: 2, end: 5 } }, [4, 4], () => {})).toThrow(
      /does not fit/,
    );
  });
});
