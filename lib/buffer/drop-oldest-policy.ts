import type { AdmissionPolicy } from './policy.js';
import type { RingBuffer } from './ring-buffer.js';

/** Always stores the arriving item; when the ring is full, the oldest item is dropped to make room. */
export class DropOldestPolicy<T> implements AdmissionPolicy<T> {
  readonly name = 'drop-oldest';

  admit(ring: RingBuffer<T>, item: T): number {
    let dropped = 0;
    if (ring.isFull) {
      ring.shift();
      dropped = 1;
    }
    ring.push(item);
    return dropped;
  }
}
