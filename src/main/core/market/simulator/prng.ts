// Small seeded random number generators for the simulator. Deterministic on every platform: only
// 32-bit integer arithmetic (Math.imul) and one division, so a seed reproduces a market and a fault
// schedule exactly.

/** A uniform generator on [0, 1). */
export type Rng = () => number;

/** mulberry32: a fast 32-bit generator with a good enough spread for synthetic markets. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mixes seeds and labels (FNV-1a over their text, then a murmur finaliser) into one 32-bit seed. */
export function hashSeed(...parts: Array<number | string>): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${String(part)}\u0000`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A standard normal draw by Box-Muller. Always consumes exactly two uniforms (the second value of the
 * pair is thrown away) so that the number of draws per bar is fixed and sequences stay prefix-stable.
 */
export function normal(rng: Rng): number {
  const u1 = 1 - rng(); // (0, 1]: log is finite
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** True with probability `p` (always consumes one uniform). */
export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}
