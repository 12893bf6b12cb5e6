import { describe, expect, it } from 'vitest';
import { CheckpointError, parseSafetensors, serializeSafetensors, type TensorData } from '../src/engine/io/safetensors';

/** A safetensors file from a header object and raw data bytes, laid out by hand (header padded to 8 bytes). */
function rawFile(header: object, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  let json = JSON.stringify(header);
  while (json.length % 8) json += ' ';
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  out.set(data, 8 + json.length);
  return out;
}
const u16le = (values: number[]) => new Uint8Array(new Uint16Array(values).buffer);
const headerOf = (file: Uint8Array) => {
  const len = Number(new DataView(file.buffer).getBigUint64(0, true));
  return { len, text: new TextDecoder().decode(file.subarray(8, 8 + len)) };
};

describe('serializeSafetensors / parseSafetensors', () => {
  const tensors = new Map<string, TensorData>([
    ['zeta.weight', { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 1e-30, -0, 7]) }],
    ['alpha', { shape: [3], data: Float32Array.from([0.1, Infinity, -Infinity]) }],
    ['scalar', { shape: [], data: Float32Array.from([42]) }],
    ['empty', { shape: [0, 4], data: new Float32Array(0) }],
  ]);

  it('round-trips names, shapes and exact values', () => {
    const back = parseSafetensors(serializeSafetensors(tensors, { format: 'pt' }));
    expect([...back.keys()].sort()).toEqual([...tensors.keys()].sort());
    for (const [name, t] of tensors) {
      const got = back.get(name)!;
      expect(got.dtype).toBe('F32');
      expect(got.shape).toEqual(t.shape);
      expect(Array.from(got.data)).toEqual(Array.from(t.data));
    }
    expect(Object.is(back.get('zeta.weight')!.data[4], -0)).toBe(true);
  });

  it('writes the python layout: padded header, metadata, tensors sorted by name with contiguous offsets', () => {
    const file = serializeSafetensors(tensors, { format: 'pt' });
    const { len, text } = headerOf(file);
    expect(len % 8).toBe(0);
    const jsonEnd = text.lastIndexOf('}') + 1;
    expect(text.slice(jsonEnd)).toMatch(/^ *$/); // padding is spaces only
    const header = JSON.parse(text);
    expect(Object.keys(header)).toEqual(['__metadata__', 'alpha', 'empty', 'scalar', 'zeta.weight']);
    expect(header.__metadata__).toEqual({ format: 'pt' });
    expect(header.alpha).toEqual({ dtype: 'F32', shape: [3], data_offsets: [0, 12] });
    expect(header.empty).toEqual({ dtype: 'F32', shape: [0, 4], data_offsets: [12, 12] });
    expect(header.scalar).toEqual({ dtype: 'F32', shape: [], data_offsets: [12, 16] });
    expect(header['zeta.weight']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [16, 40] });
    expect(file.length).toBe(8 + len + 40);
    // float32 little-endian: 42 = 0x42280000 at data offset 12.
    expect(Array.from(file.subarray(8 + len + 12, 8 + len + 16))).toEqual([0x00, 0x00, 0x28, 0x42]);
  });

  it('omits __metadata__ when none is given and reads tensors from unaligned buffers', () => {
    const file = serializeSafetensors(new Map([['w', { shape: [2], data: Float32Array.from([1.5, -2.25]) }]]));
    expect(JSON.parse(headerOf(file).text)).toEqual({ w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    expect(Array.from(parseSafetensors(shifted.subarray(1)).get('w')!.data)).toEqual([1.5, -2.25]);
  });

  it('refuses to write a tensor whose shape does not match its values', () => {
    const bad = new Map([['w', { shape: [2, 2], data: new Float32Array(3) }]]);
    expect(() => serializeSafetensors(bad)).toThrow(/tensor "w": shape \[2, 2\] does not match its 3 values/);
  });
});

describe('half-precision tensors', () => {
  it('converts F16 bit patterns to the right float32 values', () => {
    const bits = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x3555, 0x8000, 0x7c00, 0xfc00, 0x7e00];
    const file = rawFile(
      { h: { dtype: 'F16', shape: [bits.length], data_offsets: [0, bits.length * 2] } },
      u16le(bits),
    );
    const t = parseSafetensors(file).get('h')!;
    expect(t.dtype).toBe('F16');
    const v = Array.from(t.data);
    expect(v.slice(0, 10)).toEqual([
      1,
      -2,
      65504,
      2 ** -24,
      1023 * 2 ** -24,
      2 ** -14,
      0.333251953125,
      -0,
      Infinity,
      -Infinity,
    ]);
    expect(Object.is(v[7], -0)).toBe(true);
    expect(Number.isNaN(v[10])).toBe(true);
  });

  it('converts BF16 bit patterns to the right float32 values', () => {
    const bits = [0x3f80, 0xc040, 0x3eab, 0x4049, 0x0001, 0x7f80, 0xff80];
    const file = rawFile(
      { b: { dtype: 'BF16', shape: [bits.length], data_offsets: [0, bits.length * 2] } },
      u16le(bits),
    );
    expect(Array.from(parseSafetensors(file).get('b')!.data)).toEqual([
      1,
      -3,
      0.333984375,
      3.140625,
      2 ** -133,
      Infinity,
      -Infinity,
    ]);
  });
});

describe('malformed files give named CheckpointErrors', () => {
  const expectError = (bytes: Uint8Array, message: RegExp) => {
    let err: unknown;
    try {
      parseSafetensors(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(message);
  };
  const data8 = new Uint8Array(8);

  it('too short to be safetensors', () => expectError(new Uint8Array(5), /not a safetensors file: only 5 bytes/));

  it('absurd header length', () => {
    const bytes = new Uint8Array(64);
    new DataView(bytes.buffer).setBigUint64(0, 1n << 40n, true);
    expectError(bytes, /not a safetensors file: header length 1099511627776 does not fit in a file of 64 bytes/);
  });

  it('header that is not JSON', () => {
    const text = new TextEncoder().encode('PK\u0003\u0004 zip!');
    const bytes = new Uint8Array(8 + text.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(text.length), true);
    bytes.set(text, 8);
    expectError(bytes, /not a safetensors file: the header is not valid UTF-8 JSON/);
    expectError(rawFile([1, 2]), /not a safetensors file: the header is not a JSON object/);
  });

  it('unknown and unsupported dtypes, naming the tensor', () => {
    expectError(
      rawFile({ 'enc.w': { dtype: 'Q7', shape: [2], data_offsets: [0, 8] } }, data8),
      /tensor "enc.w": unknown dtype "Q7" \(supported: F32, F16, BF16\)/,
    );
    expectError(
      rawFile({ ids: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, data8),
      /tensor "ids": unsupported dtype "I64"/,
    );
  });

  it('truncated file, naming the tensor', () => {
    const header = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      'dec.w': { dtype: 'F32', shape: [4], data_offsets: [8, 24] },
    };
    expectError(
      rawFile(header, new Uint8Array(12)),
      /truncated file: tensor "dec.w" needs data bytes 8..24 but the file holds only 12 data bytes/,
    );
  });

  it('shape that does not match the data offsets', () => {
    expectError(
      rawFile({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, data8),
      /tensor "w": shape \[3\] of F32 needs 12 bytes but data_offsets \[0, 8\] hold 8/,
    );
    expectError(rawFile({ w: { dtype: 'F16', shape: [2, 3], data_offsets: [0, 8] } }, data8), /needs 12 bytes/);
  });

  it('broken header entries', () => {
    expectError(
      rawFile({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, data8),
      /tensor "w": shape dimension 0 is -1, not a whole number of 0 or more/,
    );
    expectError(
      rawFile({ w: { dtype: 'F32', data_offsets: [0, 4] } }, data8),
      /tensor "w": "shape" must be a list of sizes \(got nothing\)/,
    );
    expectError(
      rawFile({ w: { dtype: 'F32', shape: [1], data_offsets: [8, 4] } }, data8),
      /tensor "w": data_offsets \[8,4\] are not a \[begin, end\] byte range/,
    );
    expectError(rawFile({ w: { shape: [1], data_offsets: [0, 4] } }, data8), /tensor "w": the header gives no dtype/);
  });
});

describe('byte ranges tile the data exactly (as the reference implementation requires)', () => {
  const refused = (header: object, data: Uint8Array) => {
    const t0 = performance.now();
    let err: unknown;
    try {
      parseSafetensors(rawFile(header, data));
    } catch (e) {
      err = e;
    }
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(err).toBeInstanceOf(CheckpointError);
    return (err as Error).message;
  };
  const f32 = (begin: number, n: number) => ({ dtype: 'F32', shape: [n], data_offsets: [begin, begin + 4 * n] });

  it('overlapping ranges', () =>
    expect(refused({ a: f32(0, 2), b: f32(4, 2) }, new Uint8Array(12))).toBe(
      'tensor "b": data bytes 4..12 overlap the tensor before it, which ends at 8',
    ));
  it('a hole between ranges', () =>
    expect(refused({ a: f32(0, 1), b: f32(8, 1) }, new Uint8Array(12))).toBe(
      'tensor "b": data bytes 4..8 before it belong to no tensor (a hole in the data)',
    ));
  it('data that does not start at 0', () =>
    expect(refused({ a: f32(4, 1) }, new Uint8Array(8))).toMatch(/data bytes 0..4 before it belong to no tensor/));
  it('trailing bytes', () =>
    expect(refused({ a: f32(0, 1) }, new Uint8Array(9))).toBe(
      "the file has 5 trailing bytes after the last tensor's data (data ends at 4 of 9)",
    ));
  it('the same range twice', () =>
    expect(refused({ a: f32(0, 1), b: f32(0, 1) }, new Uint8Array(4))).toMatch(/overlap/));
  it('dtypes named like Object properties', () => {
    for (const dtype of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(refused({ w: { dtype, shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4))).toBe(
        `tensor "w": unknown dtype "${dtype}" (supported: F32, F16, BF16)`,
      );
    }
  });
  it('a shape too large for any tensor is refused before its size overflows', () => {
    expect(refused({ w: { dtype: 'F32', shape: [1e9, 1e9, 1e9], data_offsets: [0, 4] } }, new Uint8Array(4))).toMatch(
      /tensor "w": shape \[1000000000, 1000000000, 1000000000\] of F32 needs .* more than the 2,147,483,647 bytes in one tensor/,
    );
  });
  it('metadata that is not strings', () =>
    expect(refused({ __metadata__: { format: 1 }, a: f32(0, 1) }, new Uint8Array(4))).toBe(
      '"__metadata__" entry "format" must be a string (got 1)',
    ));
  it('an entry that is not an object', () =>
    expect(refused({ w: 5 }, new Uint8Array(0))).toBe('tensor "w": the header entry is 5, not an object'));
  it('zero-size tensors tile too', () => {
    const t = parseSafetensors(
      rawFile({ e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] }, a: f32(0, 1) }, new Uint8Array(4)),
    );
    expect(t.get('e')!.data.length).toBe(0);
  });
});

describe('input buffers', () => {
  it('reads a Node Buffer (whose slice() is a view) at an odd offset into a larger pool', () => {
    const bytes = serializeSafetensors(new Map([['w', { shape: [3], data: Float32Array.from([1.5, -2, 3.25]) }]]));
    const pool = Buffer.alloc(bytes.length + 3);
    pool.set(bytes, 3);
    const view = pool.subarray(3); // a Buffer view starting at byte 3: unaligned for Float32
    expect(Array.from(parseSafetensors(view).get('w')!.data)).toEqual([1.5, -2, 3.25]);
  });
});
