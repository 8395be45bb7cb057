import { MUST_WAIT, type AdmissionPolicy } from './policy.js';
import type { RingBuffer } from './ring-buffer.js';

/** Never drops: when the ring is full, the writer waits until the reader takes an item. */
export class BlockPolicy<T> implements AdmissionPolicy<T> {
  readonly name = 'block';

  admit(ring: RingBuffer<T>, item: T): number {
    if (ring.isFull) return MUST_WAIT;
    ring.push(item);
    return 0;
  }
}
