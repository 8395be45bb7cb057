/**
 * A seeded pseudo-random number generator: xoshiro128** (Blackman and
 * Vigna, 2018) with its 128-bit state filled from the seed by splitmix32.
 * It uses only 32-bit integer operations, so a seed gives the same sequence
 * on every platform. It is fast and well distributed, and not suitable for
 * cryptography.
 */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  /** Second Gaussian draw of the last Box-Muller pair, or NaN when none is left. */
  #spareGaussian = NaN;

  /** `seed` is read as an unsigned 32-bit integer (its low 32 bits). */
  constructor(seed: number) {
    let state = seed >>> 0;
    const splitmix32 = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = splitmix32();
    this.#b = splitmix32();
    this.#c = splitmix32();
    this.#d = splitmix32();
  }

  /** Returns the next unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#b, 5), 7), 9) >>> 0;
    const t = this.#b << 9;
    this.#c ^= this.#a;
    this.#d ^= this.#b;
    this.#b ^= this.#c;
    this.#a ^= this.#d;
    this.#c ^= t;
    this.#d = rotl(this.#d, 11);
    return result;
  }

  /** Returns a uniform number in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Returns a uniform number in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Returns a draw from the normal distribution N(mean, sd²), by the Box-Muller transform. */
  gaussian(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.#spareGaussian)) {
      const spare = this.#spareGaussian;
      this.#spareGaussian = NaN;
      return mean + sd * spare;
    }
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    const angle = 2 * Math.PI * this.next();
    this.#spareGaussian = radius * Math.sin(angle);
    return mean + sd * radius * Math.cos(angle);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
