/**
 * A small seeded PRNG (mulberry32) so that every synthetic record is a pure function of
 * (seed, agency, child index): any agency can be seeded alone, in any order, and agree with the others.
 */
export function rng(...parts: Array<number | string>): () => number {
  let h = 2166136261;
  for (const part of parts) {
    const s = String(part);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
    h ^= 0x2c;
    h = Math.imul(h, 16777619);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

export function int(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** An ISO date (YYYY-MM-DD) `daysBack` days before the fixed reference date, so seeds never drift with the clock. */
export function dateBefore(daysBack: number): string {
  const ref = Date.UTC(2026, 9, 1); // 2026-10-01
  return new Date(ref - daysBack * 86_400_000).toISOString().slice(0, 10);
}
