// The one piece every kernel module shares (each imports it, and `compileWasmKernel` compiles it in): on a memory of
// the module's own, where the caller copies operands in, room for them past the module's static data.

/** Makes room for `bytes` bytes and returns where they start (16-byte aligned). */
export function reserve(bytes: i32): usize {
  const base = (__heap_base + 15) & ~15;
  const need = base + <usize>bytes;
  const have = (<usize>memory.size()) << 16;
  if (need > have) memory.grow(<i32>((need - have + 0xffff) >>> 16));
  return base;
}
