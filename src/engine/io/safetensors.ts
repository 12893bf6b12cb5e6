// Reads and writes the safetensors format (https://github.com/huggingface/safetensors):
// an 8-byte little-endian header length, a JSON header, then the raw little-endian tensor bytes.
import { limits, overLimit } from '../limits';
import { CheckpointError } from './checkpointError';

export { CheckpointError };

export interface LoadedTensor {
  dtype: string;
  shape: number[];
  data: Float32Array;
}

export interface TensorData {
  shape: number[];
  data: Float32Array;
}

const bytesPerElement: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };
// Dtypes the format defines that this reader does not convert, so the error can say "unsupported" rather than "unknown".
const otherKnownDtypes = ['F64', 'F8_E4M3', 'F8_E5M2', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL'];
// The python library refuses headers above 100 MB; anything larger is not a safetensors file.
const maxHeaderBytes = 100_000_000;

const elementCount = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function readHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8)
    throw new CheckpointError(
      `not a safetensors file: only ${bytes.length} bytes, too short for the 8-byte header length`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen < 2n || headerLen > BigInt(Math.min(maxHeaderBytes, bytes.length - 8))) {
    throw new CheckpointError(
      `not a safetensors file: header length ${headerLen} does not fit in a file of ${bytes.length} bytes`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + Number(headerLen))));
  } catch {
    throw new CheckpointError('not a safetensors file: the header is not valid UTF-8 JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new CheckpointError('not a safetensors file: the header is not a JSON object');
  }
  return { header: header as Record<string, unknown>, dataStart: 8 + Number(headerLen) };
}

let halfTable: Float32Array | undefined;
/** float16 bit pattern -> float32 value, for all 65536 patterns (built once, then F16 decoding is a lookup). */
function halfToFloatTable(): Float32Array {
  if (halfTable) return halfTable;
  halfTable = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0)
      halfTable[h] = sign * frac * 2 ** -24; // zero and subnormals
    else if (exp === 31) halfTable[h] = frac ? NaN : sign * Infinity;
    else halfTable[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return halfTable;
}

/** A copy in its own, aligned buffer. Not raw.slice(): on a Node Buffer, slice() is a view of the same memory. */
const ownCopy = (raw: Uint8Array) => Uint8Array.prototype.slice.call(raw).buffer;

// The typed-array views assume a little-endian host, which every browser and Node platform is.
export function toFloat32(dtype: string, raw: Uint8Array): Float32Array {
  if (dtype === 'F32') return new Float32Array(ownCopy(raw));
  const halves = new Uint16Array(ownCopy(raw));
  const out = new Float32Array(halves.length);
  if (dtype === 'BF16') {
    // bfloat16 is the upper half of a float32.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < halves.length; i++) bits[i] = halves[i] << 16;
  } else {
    const table = halfToFloatTable();
    for (let i = 0; i < halves.length; i++) out[i] = table[halves[i]];
  }
  return out;
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

const shown = (v: unknown) => (v === undefined ? 'nothing' : (JSON.stringify(v)?.slice(0, 80) ?? String(v)));

/** One header entry checked on its own: a known dtype, a shape, a byte range its shape fills exactly, within budget. */
function checkEntry(name: string, entry: unknown): Entry {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    throw new CheckpointError(`tensor "${name}": the header entry is ${shown(entry)}, not an object`);
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (typeof dtype !== 'string')
    throw new CheckpointError(`tensor "${name}": the header gives no dtype (got ${shown(dtype)})`);
  // hasOwn: a dtype named "constructor" or "__proto__" is not a key of the table's prototype.
  if (!Object.hasOwn(bytesPerElement, dtype)) {
    const what = otherKnownDtypes.includes(dtype) ? 'unsupported' : 'unknown';
    throw new CheckpointError(
      `tensor "${name}": ${what} dtype ${shown(dtype)} (supported: ${Object.keys(bytesPerElement).join(', ')})`,
    );
  }
  if (!Array.isArray(shape))
    throw new CheckpointError(`tensor "${name}": "shape" must be a list of sizes (got ${shown(shape)})`);
  const badDim = shape.findIndex((d) => !isCount(d));
  if (badDim >= 0)
    throw new CheckpointError(
      `tensor "${name}": shape dimension ${badDim} is ${shown(shape[badDim])}, not a whole number of 0 or more`,
    );
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    throw new CheckpointError(`tensor "${name}": data_offsets ${shown(offsets)} are not a [begin, end] byte range`);
  }
  // The size is built up dimension by dimension so that a huge shape is refused before it overflows.
  let bytes = bytesPerElement[dtype];
  for (const d of shape) {
    bytes *= d;
    if (bytes > limits.tensorBytes.value)
      throw new CheckpointError(
        `tensor "${name}": shape [${shape.join(', ')}] of ${dtype} needs ${overLimit('tensorBytes', elementCount(shape) * bytesPerElement[dtype])}`,
      );
  }
  const [begin, end] = offsets as [number, number];
  if (end - begin !== bytes) {
    throw new CheckpointError(
      `tensor "${name}": shape [${shape.join(', ')}] of ${dtype} needs ${bytes} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { name, dtype, shape: [...shape], begin, end };
}

/**
 * The byte ranges must tile the data exactly, as the reference implementation requires: sorted by offset, each tensor
 * begins where the one before ends, the first at 0, and the last ends at the end of the file (no overlap, hole or
 * trailing bytes).
 */
function checkTiling(entries: Entry[], dataLen: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const e of sorted) {
    if (e.begin > dataLen || e.end > dataLen) {
      throw new CheckpointError(
        `truncated file: tensor "${e.name}" needs data bytes ${e.begin}..${e.end} but the file holds only ${dataLen} data bytes`,
      );
    }
    if (e.begin < at)
      throw new CheckpointError(
        `tensor "${e.name}": data bytes ${e.begin}..${e.end} overlap the tensor before it, which ends at ${at}`,
      );
    if (e.begin > at)
      throw new CheckpointError(
        `tensor "${e.name}": data bytes ${at}..${e.begin} before it belong to no tensor (a hole in the data)`,
      );
    at = e.end;
  }
  if (at !== dataLen)
    throw new CheckpointError(
      `the file has ${dataLen - at} trailing bytes after the last tensor's data (data ends at ${at} of ${dataLen})`,
    );
}

function checkMetadata(meta: unknown): void {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    throw new CheckpointError(`"__metadata__" must be an object of strings (got ${shown(meta)})`);
  for (const [k, v] of Object.entries(meta))
    if (typeof v !== 'string')
      throw new CheckpointError(`"__metadata__" entry "${k}" must be a string (got ${shown(v)})`);
}

/** Parses a safetensors file; F32, F16 and BF16 tensors come back as float32. Throws CheckpointError on a bad file. */
export function parseSafetensors(bytes: Uint8Array): Map<string, LoadedTensor> {
  const { header, dataStart } = readHeader(bytes);
  const dataLen = bytes.length - dataStart;
  const names = Object.keys(header).filter((n) => n !== '__metadata__');
  if (names.length > limits.tensors.value)
    throw new CheckpointError(`the header lists ${overLimit('tensors', names.length)}`);
  if (Object.hasOwn(header, '__metadata__')) checkMetadata(header.__metadata__);
  // Every entry and the tiling are checked before any tensor is copied.
  const entries = names.map((name) => checkEntry(name, header[name]));
  checkTiling(entries, dataLen);
  const out = new Map<string, LoadedTensor>();
  for (const e of entries)
    out.set(e.name, {
      dtype: e.dtype,
      shape: e.shape,
      data: toFloat32(e.dtype, bytes.subarray(dataStart + e.begin, dataStart + e.end)),
    });
  return out;
}

/** Writes float32 tensors as a safetensors file, byte for byte as the python library lays it out. */
export function serializeSafetensors(tensors: Map<string, TensorData>, metadata?: Record<string, string>): Uint8Array {
  // The python library orders tensors by dtype alignment, then name; with one dtype that is by name.
  const names = [...tensors.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const { shape, data } = tensors.get(name)!;
    if (!shape.every(isCount) || elementCount(shape) !== data.length) {
      throw new CheckpointError(
        `tensor "${name}": shape [${shape.join(', ')}] does not match its ${data.length} values`,
      );
    }
    header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + data.byteLength] };
    offset += data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLen = Math.ceil(json.length / 8) * 8; // padded with spaces so the data starts 8-byte aligned
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let at = 8 + headerLen;
  for (const name of names) {
    const { data } = tensors.get(name)!;
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}
