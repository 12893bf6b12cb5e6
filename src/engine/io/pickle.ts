// A restricted reader of Python pickles, for the data.pkl inside a torch.save file. It never executes anything: it walks
// the opcodes, builds plain values (numbers, strings, lists, tuples as arrays, dicts as Maps), and a global is allowed
// only when the caller lists it (the tensor rebuilders); naming any other global (os.system, builtins.eval, ...) stops
// the read with a message that names it. Opcode meanings: CPython's Lib/pickletools.py.
import { CheckpointError } from './checkpointError';

/** What an allowed global does: `call` for REDUCE / NEWOBJ (its arguments as a list); without it, it is a plain value. */
export interface AllowedGlobal {
  call?(args: unknown[]): unknown;
}

export interface UnpickleOptions {
  /** Name of the file for messages. */
  file: string;
  /** Allowed globals by "module.name". */
  globals: ReadonlyMap<string, AllowedGlobal>;
  /** Resolves a persistent id (BINPERSID), e.g. torch's ('storage', type, key, location, numel). */
  persistentLoad(pid: unknown): unknown;
}

/** A global the pickle named, as a value on the stack. */
export class PickleGlobal {
  constructor(
    readonly name: string,
    readonly def: AllowedGlobal,
  ) {}
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function unpickle(bytes: Uint8Array, opts: UnpickleOptions): unknown {
  return unpickleFrom(bytes, 0, opts).value;
}

/** Reads one pickle starting at byte `start`; `end` is the byte after its STOP (files may hold several in a row). */
export function unpickleFrom(bytes: Uint8Array, start: number, opts: UnpickleOptions): { value: unknown; end: number } {
  const { file } = opts;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: unknown[] = [];
  const marks: number[] = [];
  const memo = new Map<number, unknown>();
  let at = start;
  const fail = (why: string): never => {
    throw new CheckpointError(`${file}: ${why}`);
  };
  const need = (n: number) => {
    if (at + n > bytes.length)
      fail(`the pickle ends early (byte ${at} of ${bytes.length}); the file is truncated or damaged`);
  };
  const u8 = () => (need(1), bytes[at++]);
  const u16 = () => (need(2), (at += 2), view.getUint16(at - 2, true));
  const u32 = () => (need(4), (at += 4), view.getUint32(at - 4, true));
  const i32 = () => (need(4), (at += 4), view.getInt32(at - 4, true));
  const u64 = () => {
    need(8);
    const v = view.getBigUint64(at, true);
    at += 8;
    if (v > BigInt(bytes.length)) fail(`a length of ${v} bytes at byte ${at - 8} runs past the end of the pickle`);
    return Number(v);
  };
  const take = (n: number) => (need(n), (at += n), bytes.subarray(at - n, at));
  const line = () => {
    const end = bytes.indexOf(0x0a, at);
    if (end < 0) fail('the pickle ends inside a text line');
    const s = latin1.decode(bytes.subarray(at, end));
    at = end + 1;
    return s;
  };
  const text = (n: number) => {
    const raw = take(n);
    try {
      return utf8.decode(raw);
    } catch {
      return fail(`a string at byte ${at - n} is not valid UTF-8`);
    }
  };
  const pop = () => (stack.length ? stack.pop() : fail('the pickle pops from an empty stack'));
  const top = () => (stack.length ? stack[stack.length - 1] : fail('the pickle reads an empty stack'));
  const popMark = (): unknown[] => {
    const m = marks.pop();
    if (m === undefined) fail('the pickle closes a MARK it never opened');
    return stack.splice(m!);
  };
  const global = (module: string, name: string) => {
    const qualified = `${module}.${name}`;
    const def = opts.globals.get(qualified);
    if (!def) {
      fail(
        `the pickle names the global "${qualified}", which is not a tensor rebuilder; refusing to load it (nothing was run). ` +
          `Allowed: ${[...opts.globals.keys()].join(', ')}`,
      );
    }
    return new PickleGlobal(qualified, def!);
  };
  const call = (fn: unknown, args: unknown) => {
    if (!(fn instanceof PickleGlobal) || !fn.def.call)
      fail(`the pickle calls something that cannot be called (${fn instanceof PickleGlobal ? fn.name : typeof fn})`);
    if (!Array.isArray(args)) fail(`the pickle calls ${(fn as PickleGlobal).name} without an argument tuple`);
    return (fn as PickleGlobal).def.call!(args as unknown[]);
  };
  const setItems = (dict: unknown, items: unknown[]) => {
    if (!(dict instanceof Map)) fail('the pickle sets items on something that is not a dict');
    for (let i = 0; i + 1 < items.length; i += 2) (dict as Map<unknown, unknown>).set(items[i], items[i + 1]);
  };
  const append = (list: unknown, items: unknown[]) => {
    if (!Array.isArray(list)) fail('the pickle appends to something that is not a list');
    (list as unknown[]).push(...items);
  };

  for (;;) {
    const pos = at;
    const op = u8();
    switch (op) {
      case 0x80: // PROTO
        u8();
        break;
      case 0x95: // FRAME
        u64();
        break;
      case 0x2e: // STOP
        return { value: pop(), end: at };
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x29: // EMPTY_TUPLE
        stack.push([]);
        break;
      case 0x64: {
        // DICT
        const items = popMark();
        const d = new Map();
        setItems(d, items);
        stack.push(d);
        break;
      }
      case 0x6c: // LIST
      case 0x74: // TUPLE
        stack.push(popMark());
        break;
      case 0x85: // TUPLE1
        stack.push([pop()]);
        break;
      case 0x86: {
        // TUPLE2
        const b = pop();
        stack.push([pop(), b]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop();
        const b = pop();
        stack.push([pop(), b, c]);
        break;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x4b: // BININT1
        stack.push(u8());
        break;
      case 0x4d: // BININT2
        stack.push(u16());
        break;
      case 0x4a: // BININT
        stack.push(i32());
        break;
      case 0x8a: // LONG1
      case 0x8b: {
        // LONG4: little-endian two's complement; a bigint when a number cannot hold it exactly (torch's magic number)
        const n = op === 0x8a ? u8() : u32();
        if (n > 64) fail(`an integer of ${n} bytes at byte ${pos} is too large`);
        const b = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
        if (n && b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
        stack.push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 0x47: // BINFLOAT (big-endian)
        need(8);
        stack.push(view.getFloat64(at, false));
        at += 8;
        break;
      case 0x58: // BINUNICODE
        stack.push(text(u32()));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(text(u8()));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(text(u64()));
        break;
      case 0x54: // BINSTRING
        stack.push(latin1.decode(take(u32())));
        break;
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(take(u8())));
        break;
      case 0x42: // BINBYTES
        stack.push(take(u32()));
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()));
        break;
      case 0x8e: // BINBYTES8
        stack.push(take(u64()));
        break;
      case 0x63: {
        // GLOBAL "module\nname\n"
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string')
          fail(`STACK_GLOBAL at byte ${pos} is not given two strings`);
        stack.push(global(module as string, name as string));
        break;
      }
      case 0x69: // INST "module\nname\n": names a class to instantiate
        fail(
          `the pickle instantiates "${line()}.${line()}" (INST), which is not a tensor rebuilder; refusing to load it (nothing was run)`,
        );
        break;
      case 0x6f: // OBJ
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: // EXT4
      case 0x50: // PERSID (text)
        fail(
          `the pickle uses opcode 0x${op.toString(16)} at byte ${pos}, which a saved state dict never needs; refusing to load it (nothing was run)`,
        );
        break;
      case 0x71: // BINPUT
        memo.set(u8(), top());
        break;
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top());
        break;
      case 0x94: // MEMOIZE
        memo.set(memo.size, top());
        break;
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const key = op === 0x68 ? u8() : u32();
        if (!memo.has(key)) fail(`the pickle reads memo ${key}, which it never stored`);
        stack.push(memo.get(key));
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop();
        const k = pop();
        setItems(top(), [k, v]);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark();
        setItems(top(), items);
        break;
      }
      case 0x61: {
        // APPEND
        const v = pop();
        append(top(), [v]);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark();
        append(top(), items);
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop();
        stack.push(call(pop(), args));
        break;
      }
      case 0x62: {
        // BUILD: sets an object's state. The state dict's OrderedDict carries `_metadata` this way, which tensors do not need.
        pop();
        const obj = top();
        if (!(obj instanceof Map))
          fail(
            `the pickle sets the state of a ${obj === null ? 'None' : typeof obj} at byte ${pos}, which a state dict never does`,
          );
        break;
      }
      case 0x51: // BINPERSID
        stack.push(opts.persistentLoad(pop()));
        break;
      case 0x30: // POP
        if (marks.length && marks[marks.length - 1] === stack.length) marks.pop();
        else pop();
        break;
      case 0x31: // POP_MARK
        popMark();
        break;
      case 0x32: // DUP
        stack.push(top());
        break;
      default:
        fail(`unknown or unsupported pickle opcode 0x${op.toString(16)} at byte ${pos}`);
    }
  }
}
