import type { AdmissionPolicy } from './policy.js';
import type { RingBuffer } from './ring-buffer.js';

/** Keeps what the ring contains; when it is full, the arriving item is dropped. */
export class DropNewestPolicy<T> implements AdmissionPolicy<T> {
  readonly name = 'drop-newest';

  admit(ring: RingBuffer<T>, item: T): number {
    if (ring.isFull) return 1;
    ring.push(item);
    return 0;
  }
}
