import { mulberry32 } from './prng.js';
import type { AdmissionPolicy } from './policy.js';
import type { RingBuffer } from './ring-buffer.js';

/**
 * Keeps each arriving item with probability `rate`, drawn from a seeded
 * generator. With `sampleAbove` set, sampling applies only while the ring
 * contains more than `sampleAbove * capacity` items, so nothing is shed
 * while the reader keeps up. An item that passes sampling but finds the ring
 * full is dropped, as with drop-newest.
 *
 * One number is drawn per item that sampling applies to, so the same seed
 * keeps the same items whenever the same items meet sampling (always, when
 * `sampleAbove` is not set).
 */
export class SamplePolicy<T> implements AdmissionPolicy<T> {
  readonly name = 'sample';
  readonly #rate: number;
  readonly #random: () => number;
  /** Fill level, in items, above which sampling applies; -1 for always. */
  readonly #threshold: number;

  constructor(rate: number, seed: number, sampleAbove: number | undefined, capacity: number) {
    this.#rate = rate;
    this.#random = mulberry32(seed);
    this.#threshold = sampleAbove === undefined ? -1 : sampleAbove * capacity;
  }

  admit(ring: RingBuffer<T>, item: T): number {
    if (ring.length > this.#threshold && this.#random() >= this.#rate) return 1;
    if (ring.isFull) return 1;
    ring.push(item);
    return 0;
  }
}
