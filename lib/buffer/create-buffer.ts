import { randomInt } from 'node:crypto';
import { InvalidOptionError } from '../errors.js';
import { BlockPolicy } from './block-policy.js';
import { BufferStream } from './buffer-stream.js';
import type { BufferStats } from './buffer-stats.js';
import { DropNewestPolicy } from './drop-newest-policy.js';
import { DropOldestPolicy } from './drop-oldest-policy.js';
import { BACKPRESSURE_POLICIES, type AdmissionPolicy, type BackpressurePolicy } from './policy.js';
import { SamplePolicy } from './sample-policy.js';

export type { BackpressurePolicy } from './policy.js';
export type { BufferStats } from './buffer-stats.js';
export { BufferStream } from './buffer-stream.js';

/** Largest accepted capacity, in items; the ring's slot array is allocated up front. */
export const MAX_BUFFER_CAPACITY = 16 * 1024 * 1024;

/** Options of createBuffer. The object is read once and not kept. */
export interface BufferOptions {
  /** Items the buffer contains before the policy applies: a whole number from 1 to MAX_BUFFER_CAPACITY. */
  capacity: number;
  /**
   * - "block": never drops; a writer waits while the buffer is full.
   * - "drop-oldest": a full buffer drops its oldest item to store the new one.
   * - "drop-newest": a full buffer drops the arriving item.
   * - "sample": keeps each item with probability `rate` (see `sampleAbove`);
   *   a kept item that finds the buffer full is dropped.
   */
  policy: BackpressurePolicy;
  /** Probability of keeping an item, in (0, 1]. Required with "sample", rejected with the other policies. */
  rate?: number;
  /** Seed of the sampling generator, a whole number from 0 to 2^32 - 1; the same seed keeps the same items. Default: random. */
  seed?: number;
  /**
   * Fill level in [0, 1): "sample" sheds only while the buffer contains more
   * than `sampleAbove * capacity` items. Default: sampling always applies.
   */
  sampleAbove?: number;
  /**
   * Items are JSON text lines without their line end, and the readable side
   * emits NDJSON text joined into chunks instead of one item per read.
   * Default false (objects out, as they came in).
   */
  ndjsonOutput?: boolean;
}

/**
 * Creates a bounded buffer stream: objects written to it come out of its
 * readable side in order, minus what the policy drops. It is a Duplex that
 * behaves like a Transform in `stream.pipeline`; `.stats` counts received,
 * delivered, dropped and buffered items. Throws InvalidOptionError for an
 * invalid option, naming the value.
 */
export function createBuffer<T = unknown>(options: BufferOptions): BufferStream<T> & { stats: BufferStats } {
  const { capacity, policy, rate, seed, sampleAbove } = options;
  if (!Number.isSafeInteger(capacity) || capacity < 1 || capacity > MAX_BUFFER_CAPACITY) {
    throw new InvalidOptionError(`invalid buffer capacity ${capacity}: expected a whole number of items from 1 to ${MAX_BUFFER_CAPACITY}`);
  }
  if (!BACKPRESSURE_POLICIES.includes(policy)) {
    throw new InvalidOptionError(`invalid buffer policy ${JSON.stringify(policy)}: expected one of ${BACKPRESSURE_POLICIES.join(', ')}`);
  }
  if (policy !== 'sample') {
    for (const [name, value] of [['rate', rate], ['seed', seed], ['sampleAbove', sampleAbove]] as const) {
      if (value !== undefined) throw new InvalidOptionError(`buffer option ${name} applies only to the sample policy, not to ${policy}`);
    }
  }
  return new BufferStream<T>({ capacity, policy: createPolicy<T>(options), ndjsonOutput: options.ndjsonOutput === true });
}

function createPolicy<T>(options: BufferOptions): AdmissionPolicy<T> {
  switch (options.policy) {
    case 'block':
      return new BlockPolicy<T>();
    case 'drop-oldest':
      return new DropOldestPolicy<T>();
    case 'drop-newest':
      return new DropNewestPolicy<T>();
    case 'sample': {
      const { rate, seed, sampleAbove } = options;
      if (rate === undefined || !(rate > 0 && rate <= 1)) {
        throw new InvalidOptionError(`invalid sampling rate ${rate}: the sample policy needs a rate greater than 0 and at most 1 (the fraction of items kept)`);
      }
      if (seed !== undefined && (!Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff)) {
        throw new InvalidOptionError(`invalid sampling seed ${seed}: expected a whole number from 0 to 4294967295`);
      }
      if (sampleAbove !== undefined && !(sampleAbove >= 0 && sampleAbove < 1)) {
        throw new InvalidOptionError(`invalid sampling fill level ${sampleAbove}: expected a fraction of the capacity from 0 (inclusive) to 1 (exclusive)`);
      }
      return new SamplePolicy<T>(rate, seed ?? randomInt(0x100000000), sampleAbove, options.capacity);
    }
  }
}
