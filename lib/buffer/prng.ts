/**
 * Creates a mulberry32 generator: a small seeded pseudo-random generator
 * with 32 bits of state. It is not for cryptography. It is here so that
 * sampling with the same seed keeps the same items on every run. The
 * generator returns numbers in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
