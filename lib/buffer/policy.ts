import type { RingBuffer } from './ring-buffer.js';

/** Names of the backpressure policies, as the CLI and createBuffer accept them. */
export type BackpressurePolicy = 'block' | 'drop-oldest' | 'drop-newest' | 'sample';

export const BACKPRESSURE_POLICIES: readonly BackpressurePolicy[] = ['block', 'drop-oldest', 'drop-newest', 'sample'];

/** Result of `admit` when the ring is full and the writer must wait (policy "block" only). */
export const MUST_WAIT = -1;

/**
 * Decides what happens to an arriving item. `admit` either stores the item
 * in the ring and returns how many items it dropped to make room (0 or 1),
 * drops the arriving item itself and returns 1, or returns MUST_WAIT
 * without touching the ring.
 */
export interface AdmissionPolicy<T> {
  readonly name: BackpressurePolicy;
  admit(ring: RingBuffer<T>, item: T): number;
}
