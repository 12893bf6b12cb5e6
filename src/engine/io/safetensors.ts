// Reads and writes the safetensors format (https://github.com/huggingface/safetensors):
// an 8-byte little-endian header length, a JSON header, then the raw little-endian tensor bytes.
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
  if (bytes.length < 8) throw new CheckpointError(`not a safetensors file: only ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen < 2n || headerLen > BigInt(Math.min(maxHeaderBytes, bytes.length - 8))) {
    throw new CheckpointError(`not a safetensors file: header length ${headerLen} does not fit in a file of ${bytes.length} bytes`);
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
    if (exp === 0) halfTable[h] = sign * frac * 2 ** -24; // zero and subnormals
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

/** Parses a safetensors file; F32, F16 and BF16 tensors come back as float32. Throws CheckpointError on a bad file. */
export function parseSafetensors(bytes: Uint8Array): Map<string, LoadedTensor> {
  const { header, dataStart } = readHeader(bytes);
  const dataLen = bytes.length - dataStart;
  const out = new Map<string, LoadedTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as Record<string, unknown>;
    if (typeof dtype !== 'string') throw new CheckpointError(`tensor "${name}": the header gives no dtype`);
    if (!Array.isArray(shape) || !shape.every(isCount)) throw new CheckpointError(`tensor "${name}": shape ${JSON.stringify(shape)} is not a list of sizes`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
      throw new CheckpointError(`tensor "${name}": data_offsets ${JSON.stringify(offsets)} are not a [begin, end] byte range`);
    }
    const elemBytes = bytesPerElement[dtype];
    if (elemBytes === undefined) {
      const what = otherKnownDtypes.includes(dtype) ? 'unsupported' : 'unknown';
      throw new CheckpointError(`tensor "${name}": ${what} dtype "${dtype}" (supported: ${Object.keys(bytesPerElement).join(', ')})`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLen) {
      throw new CheckpointError(`truncated file: tensor "${name}" needs data bytes ${begin}..${end} but the file holds only ${dataLen} data bytes`);
    }
    const need = elementCount(shape) * elemBytes;
    if (end - begin !== need) {
      throw new CheckpointError(`tensor "${name}": shape [${shape.join(', ')}] of ${dtype} needs ${need} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
    }
    const data = toFloat32(dtype, bytes.subarray(dataStart + begin, dataStart + end));
    out.set(name, { dtype, shape: [...shape], data });
  }
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
      throw new CheckpointError(`tensor "${name}": shape [${shape.join(', ')}] does not match its ${data.length} values`);
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
