// Seed lists as people type them: "0-4" (a range), "0,3,7" (a list), or both ("0-2,9").
const MAX_SEEDS = 1000;

export function parseSeeds(text: string): number[] {
  const seeds: number[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m)
      throw new Error(`seeds: "${part}" is not a seed or a range like 0-4 (give e.g. --seeds 0-4 or --seeds 0,2,5)`);
    const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
    if (b < a) throw new Error(`seeds: the range ${part} runs backwards; write ${b}-${a}`);
    if (b > 0xffffffff) throw new Error(`seeds: ${b} is above the largest seed, ${0xffffffff}`);
    if (seeds.length + b - a + 1 > MAX_SEEDS) throw new Error(`seeds: more than ${MAX_SEEDS} seeds`);
    for (let s = a; s <= b; s++) if (!seeds.includes(s)) seeds.push(s);
  }
  return seeds;
}
