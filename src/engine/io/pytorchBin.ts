// Reads the tensors of a pytorch_model.bin: the zip archive torch.save writes (since PyTorch 1.6), holding
// PREFIX/data.pkl (the state dict's structure, a pickle) and PREFIX/data/KEY (one raw little-endian storage per key),
// or the legacy format before it (pickles and raw storages in a row).
// The pickle is read by the restricted unpickler, which allows only the tensor rebuilders below; nothing is executed.
import { unzipSync } from 'fflate';
import { CheckpointError } from './checkpointError';
import { PickleGlobal, unpickle, unpickleFrom, type AllowedGlobal } from './pickle';
import { toFloat32, type LoadedTensor } from './safetensors';

interface StorageRef {
  kind: 'storage';
  dtype: string;
  key: string;
}
interface TensorRef {
  kind: 'tensor';
  storage: StorageRef;
  offset: number;
  shape: number[];
  stride: number[];
}

// torch's storage classes by the safetensors dtype name they hold; only the float ones are converted.
const storageDtypes: Record<string, string> = {
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  DoubleStorage: 'F64',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};
const elementBytes: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };

const isTensor = (v: unknown): v is TensorRef =>
  typeof v === 'object' && v !== null && (v as TensorRef).kind === 'tensor';
const isIntList = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isSafeInteger(x) && x >= 0);

function rebuildTensor(file: string, args: unknown[]): TensorRef {
  const [storage, offset, shape, stride] = args as [StorageRef, number, number[], number[]];
  if (
    !storage ||
    storage.kind !== 'storage' ||
    !Number.isSafeInteger(offset) ||
    !isIntList(shape) ||
    !isIntList(stride) ||
    shape.length !== stride.length
  ) {
    throw new CheckpointError(
      `${file}: a tensor is rebuilt from arguments that are not (storage, offset, size, stride)`,
    );
  }
  return { kind: 'tensor', storage, offset, shape, stride };
}

function allowedGlobals(file: string): Map<string, AllowedGlobal> {
  const g = new Map<string, AllowedGlobal>([
    ['collections.OrderedDict', { call: () => new Map() }],
    ['torch._utils._rebuild_tensor', { call: (a) => rebuildTensor(file, a) }],
    ['torch._utils._rebuild_tensor_v2', { call: (a) => rebuildTensor(file, a) }],
    // nn.Parameter(data, requires_grad, hooks): the data is what we keep.
    ['torch._utils._rebuild_parameter', { call: (a) => a[0] }],
  ]);
  for (const name of Object.keys(storageDtypes)) g.set(`torch.${name}`, {});
  return g;
}

function persistentLoad(file: string, pid: unknown): StorageRef {
  if (!Array.isArray(pid) || pid[0] !== 'storage' || !(pid[1] instanceof PickleGlobal) || typeof pid[2] !== 'string') {
    throw new CheckpointError(`${file}: the pickle refers to an outside object that is not a tensor storage`);
  }
  return { kind: 'storage', dtype: storageDtypes[pid[1].name.slice('torch.'.length)], key: pid[2] };
}

/** The state dict: a dict of tensors, or one wrapped as {"state_dict": ...} / {"model": ...} by training scripts. */
function stateDict(file: string, root: unknown): Map<string, TensorRef> {
  if (!(root instanceof Map))
    throw new CheckpointError(
      `${file}: the pickle holds ${Array.isArray(root) ? 'a list' : typeof root}, not a state dict of tensors`,
    );
  if (root.size === 1) {
    const [[k, v]] = [...root.entries()];
    if ((k === 'state_dict' || k === 'model') && v instanceof Map) return stateDict(file, v);
  }
  for (const [k, v] of root) {
    if (typeof k !== 'string')
      throw new CheckpointError(`${file}: the state dict has a key that is not a string (${String(k)})`);
    if (!isTensor(v)) throw new CheckpointError(`${file}: "${k}" in the state dict is not a tensor`);
  }
  return root as Map<string, TensorRef>;
}

function materialize(file: string, name: string, t: TensorRef, storageBytes: Uint8Array): LoadedTensor {
  const dtype = t.storage.dtype;
  const eb = elementBytes[dtype];
  if (eb === undefined)
    throw new CheckpointError(`${file}: tensor "${name}" has dtype ${dtype ?? 'unknown'} (supported: F32, F16, BF16)`);
  const available = Math.floor(storageBytes.length / eb);
  const count = t.shape.reduce((a, b) => a * b, 1);
  const last = count === 0 ? t.offset - 1 : t.offset + t.shape.reduce((a, d, i) => a + (d - 1) * t.stride[i], 0);
  if (last >= available) {
    throw new CheckpointError(
      `${file}: tensor "${name}" reaches element ${last} of its storage "${t.storage.key}", which holds ${available}; the file is damaged`,
    );
  }
  let rowMajor = true;
  for (let i = t.shape.length - 1, s = 1; i >= 0; s *= t.shape[i], i--)
    if (t.shape[i] > 1 && t.stride[i] !== s) rowMajor = false;
  if (rowMajor)
    return {
      dtype,
      shape: [...t.shape],
      data: toFloat32(dtype, storageBytes.subarray(t.offset * eb, (t.offset + count) * eb)),
    };
  // A strided view (e.g. a transpose saved as is): read it element by element in row-major order.
  const all = toFloat32(dtype, storageBytes.subarray(0, available * eb));
  const data = new Float32Array(count);
  const idx = new Array<number>(t.shape.length).fill(0);
  for (let n = 0; n < count; n++) {
    let src = t.offset;
    for (let i = 0; i < idx.length; i++) src += idx[i] * t.stride[i];
    data[n] = all[src];
    for (let i = idx.length - 1; i >= 0 && ++idx[i] === t.shape[i]; i--) idx[i] = 0;
  }
  return { dtype, shape: [...t.shape], data };
}

const startsWith = (b: Uint8Array, sig: number[]) => sig.every((x, i) => b[i] === x);

/** The tensors of a state dict whose storages are at hand, by key. */
function readTensors(
  file: string,
  root: unknown,
  storage: (key: string) => Uint8Array | undefined,
): Map<string, LoadedTensor> {
  const out = new Map<string, LoadedTensor>();
  for (const [name, t] of stateDict(file, root)) {
    const bytes = storage(t.storage.key);
    if (!bytes)
      throw new CheckpointError(
        `${file}: tensor "${name}" needs storage "${t.storage.key}", which the file does not hold`,
      );
    out.set(name, materialize(file, name, t, bytes));
  }
  return out;
}

/** torch.save's zip archive (PyTorch 1.6 and later): PREFIX/data.pkl and one PREFIX/data/KEY entry per storage. */
function parseZip(bytes: Uint8Array, file: string): Map<string, LoadedTensor> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new CheckpointError(
      `${file}: not a complete zip archive (${e instanceof Error ? e.message : String(e)}); the file is truncated or damaged`,
    );
  }
  const pkl = Object.keys(entries).find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (!pkl) throw new CheckpointError(`${file}: the archive has no data.pkl, so it was not written by torch.save`);
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const order = entries[`${prefix}byteorder`];
  if (order && new TextDecoder().decode(order).trim() !== 'little')
    throw new CheckpointError(`${file}: big-endian storages are not supported`);
  const root = unpickle(entries[pkl], {
    file,
    globals: allowedGlobals(file),
    persistentLoad: (pid) => persistentLoad(file, pid),
  });
  return readTensors(file, root, (key) => entries[`${prefix}data/${key}`]);
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

/**
 * The legacy format (before PyTorch 1.6): five pickles in a row (magic number, protocol 1001, system info, the state
 * dict, the storage keys), then each storage as its element count (int64) and its raw bytes, in the keys' order.
 */
function parseLegacy(bytes: Uint8Array, file: string): Map<string, LoadedTensor> {
  const dtypes = new Map<string, string>();
  const opts = {
    file,
    globals: allowedGlobals(file),
    persistentLoad: (pid: unknown) => {
      if (Array.isArray(pid) && pid[5] !== null && pid[5] !== undefined)
        throw new CheckpointError(`${file}: storage views of the legacy format are not supported`);
      const ref = persistentLoad(file, pid);
      dtypes.set(ref.key, ref.dtype);
      return ref;
    },
  };
  let at = 0;
  const next = () => {
    const r = unpickleFrom(bytes, at, opts);
    at = r.end;
    return r.value;
  };
  if (next() !== LEGACY_MAGIC)
    throw new CheckpointError(`${file}: not a PyTorch checkpoint (a pickle, but not one torch.save wrote)`);
  const protocol = next();
  if (protocol !== 1001)
    throw new CheckpointError(`${file}: legacy torch.save protocol ${String(protocol)} is not supported (only 1001)`);
  const info = next();
  if (info instanceof Map && info.get('little_endian') === false)
    throw new CheckpointError(`${file}: big-endian storages are not supported`);
  const root = next();
  const keys = next();
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string'))
    throw new CheckpointError(`${file}: the list of storage keys is damaged`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const storages = new Map<string, Uint8Array>();
  for (const key of keys as string[]) {
    const eb = elementBytes[dtypes.get(key) ?? ''] ?? 8;
    if (at + 8 > bytes.length)
      throw new CheckpointError(`${file}: the file ends before storage "${key}"; it is truncated`);
    const n = Number(view.getBigInt64(at, true));
    at += 8;
    if (n < 0 || at + n * eb > bytes.length)
      throw new CheckpointError(
        `${file}: storage "${key}" needs ${n * eb} bytes but the file ends after ${bytes.length - at}; it is truncated`,
      );
    storages.set(key, bytes.subarray(at, at + n * eb));
    at += n * eb;
  }
  return readTensors(file, root, (key) => storages.get(key));
}

/** Reads a pytorch_model.bin (torch.save's zip or legacy format); F32, F16 and BF16 tensors come back as float32. */
export function parsePytorchBin(bytes: Uint8Array, file = 'pytorch_model.bin'): Map<string, LoadedTensor> {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return parseZip(bytes, file);
  if (startsWith(bytes, [0x80]) && bytes[1] >= 2 && bytes[1] <= 5) return parseLegacy(bytes, file);
  throw new CheckpointError(
    `${file}: not a PyTorch checkpoint (neither the zip archive nor the legacy format torch.save writes)`,
  );
}
